// The web kit's script, loaded first by every app: optional progressive enhancement.
// Every page works without it.
(function () {
  'use strict';

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

  // A tab row that scrolls sideways on phones (.tabs-scroll) shows the current tab.
  document.querySelectorAll('.tabs-scroll [aria-current="page"]').forEach(function (tab) {
    var row = tab.closest('ul');
    if (!row || row.scrollWidth <= row.clientWidth) return;
    var left = tab.getBoundingClientRect().left - row.getBoundingClientRect().left + row.scrollLeft;
    row.scrollLeft = left - (row.clientWidth - tab.offsetWidth) / 2;
  });

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
