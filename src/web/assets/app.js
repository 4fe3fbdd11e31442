// Izol: enhancements only. Every page works without this file.
(function () {
  'use strict';
  // Move focus to the error summary so screen-reader and keyboard users hear the problems first.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();

  // Print buttons need JavaScript; without it the browser's own print menu works.
  Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { window.print(); });
  });

  // Uploads: check type and size before sending, and show progress for large files on slow networks.
  var forms = document.querySelectorAll('form[data-upload]');
  Array.prototype.forEach.call(forms, function (form) {
    var input = form.querySelector('input[type=file]');
    var progress = form.querySelector('.upload-progress');
    if (!input || !window.FormData || !window.XMLHttpRequest) return;
    form.addEventListener('submit', function (event) {
      var file = input.files && input.files[0];
      var max = Number(input.getAttribute('data-max-bytes'));
      var accept = (input.getAttribute('accept') || '').split(',');
      var messages = JSON.parse(form.getAttribute('data-messages') || '{}');
      function fail(message) {
        event.preventDefault();
        var box = form.querySelector('.client-error');
        if (!box) {
          box = document.createElement('p');
          box.className = 'error-message client-error';
          box.setAttribute('role', 'alert');
          input.parentNode.insertBefore(box, input);
        }
        box.textContent = message;
        input.focus();
      }
      if (!file) return; // the server explains what is missing
      var ext = '.' + (file.name.split('.').pop() || '').toLowerCase();
      if (accept.length && accept.indexOf(ext) === -1) return fail(messages.type);
      if (max && file.size > max) return fail(messages.size);
      if (!progress) return;
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('X-Requested-With', 'fetch');
      progress.hidden = false;
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100); };
      xhr.onload = function () {
        // Success redirects to the next page; a refused file comes back as this page with its errors.
        if (xhr.status < 400 && xhr.responseURL) { window.location.href = xhr.responseURL; return; }
        document.open();
        document.write(xhr.responseText);
        document.close();
      };
      xhr.onerror = function () { form.submit(); };
      xhr.send(new FormData(form));
    });
  });
})();
