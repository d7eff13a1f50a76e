// Langgan portal: optional progressive enhancement. Every page works without this file.
(function () {
  'use strict';

  // A payment waiting for the gateway: ask our server every few seconds (for at most
  // ten minutes) and reload only once its status has changed. Without script the page
  // has a "Refresh status" link instead.
  var waiting = document.querySelector('[data-poll]');
  if (!waiting) return;
  var url = waiting.getAttribute('data-poll');
  var shown = waiting.getAttribute('data-status');
  var left = 120;
  var timer = setInterval(function () {
    if (--left < 0) return clearInterval(timer);
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (body) {
        if (body.status !== shown || body.phase !== waiting.getAttribute('data-phase')) {
          clearInterval(timer);
          location.reload();
        }
      })
      .catch(function () {
        clearInterval(timer);
      });
  }, 5000);
})();
