// Langgan dashboard: optional progressive enhancement. Every page works without this file.
(function () {
  'use strict';

  // A form sends once (the server also runs each form's action once).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.sent === 'true') {
      event.preventDefault();
      return;
    }
    form.dataset.sent = 'true';
    form.querySelectorAll('button').forEach(function (button) {
      button.setAttribute('aria-disabled', 'true');
    });
  });

  // "Copy" buttons next to a secret or link: without script the text is selectable instead.
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    var target = document.getElementById(button.getAttribute('data-copy'));
    if (!target || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        var label = button.textContent;
        button.textContent = button.getAttribute('data-copied') || label;
        setTimeout(function () {
          button.textContent = label;
        }, 2000);
      });
    });
  });
})();
