// The web kit's script, loaded first by every app: optional progressive enhancement.
// Every page works without it.
(function () {
  'use strict';

  // A form sends once: after the first submit its buttons show as busy and further submits
  // are ignored. (The server also refuses to run a second submission of the same form.)
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.method === 'get' || form.target) return; // a query or a form into a frame may be sent again
    if (form.dataset.sent === 'true') {
      event.preventDefault();
      return;
    }
    form.dataset.sent = 'true';
    form.querySelectorAll('button').forEach(function (button) {
      button.setAttribute('aria-disabled', 'true');
    });
  });
})();
