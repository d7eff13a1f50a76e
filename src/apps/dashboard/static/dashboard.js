// Langgan dashboard: optional progressive enhancement. Every page works without this file.
(function () {
  'use strict';

  // The branding editor: the preview frame and the contrast notes follow the form as you
  // type (debounced); colour pickers and hex fields mirror each other. Without script the
  // "Preview" button saves the draft and the page shows it.
  var form = document.getElementById('branding-form');
  var frame = document.getElementById('preview-frame');
  var controls = document.getElementById('preview-controls');
  var contrast = document.getElementById('contrast');
  if (form && frame && controls && contrast) {
    var timer;
    var fields = function () {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (key !== 'csrf' && key !== 'action_id' && key !== 'intent') params.append(key, String(value));
      });
      return params;
    };
    var showContrast = function (answer) {
      if (!answer) return;
      var heading = document.createElement('h3');
      heading.textContent = answer.title;
      var lead = document.createElement('p');
      lead.textContent = answer.lead;
      var nodes = [heading, lead];
      if (answer.items.length) {
        var list = document.createElement('ul');
        answer.items.forEach(function (item) {
          var li = document.createElement('li');
          li.textContent = item;
          list.appendChild(li);
        });
        nodes.push(list);
      }
      contrast.replaceChildren.apply(contrast, nodes);
    };
    var update = function () {
      var params = fields();
      var query = new URLSearchParams(params);
      query.set('page', controls.elements.page.value);
      query.set('mode', controls.elements.mode.value);
      frame.src = frame.getAttribute('data-base') + '?' + query.toString();
      frame.parentElement.className = 'preview-stage ' + controls.elements.width.value;
      fetch(contrast.getAttribute('data-src') + '?' + params.toString(), { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(showContrast, function () {});
    };
    var later = function () {
      clearTimeout(timer);
      timer = setTimeout(update, 250);
    };
    form.querySelectorAll('input[type=color][data-color-for]').forEach(function (picker) {
      var hex = document.getElementById(picker.getAttribute('data-color-for'));
      if (!hex) return;
      picker.addEventListener('input', function () {
        hex.value = picker.value;
      });
      hex.addEventListener('input', function () {
        var v = hex.value.trim();
        if (/^#[0-9a-fA-F]{3}$/.test(v)) v = '#' + v[1] + v[1] + v[2] + v[2] + v[3] + v[3];
        if (/^#[0-9a-fA-F]{6}$/.test(v)) picker.value = v.toLowerCase();
      });
    });
    form.addEventListener('input', later);
    form.addEventListener('change', later);
    controls.addEventListener('change', update);
    controls.addEventListener('submit', function (event) {
      event.preventDefault();
      update();
    });
  }
})();
