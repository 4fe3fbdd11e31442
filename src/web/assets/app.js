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

  // Uploads: check type and size before sending; reduce a camera photo (JPEG, PNG) in the browser to
  // 1600 px, JPEG quality 0.8, as the server does without JavaScript (documents/photos.ts); send it with
  // a percentage and "don't close this page" while it goes.
  var LONGEST = 1600;
  function reduce(file, toJpeg, max, done) {
    var img = new Image();
    var url = URL.createObjectURL(file);
    img.onerror = function () { URL.revokeObjectURL(url); done(file, file.name); };
    img.onload = function () {
      URL.revokeObjectURL(url);
      // The browser has turned the picture upright per its EXIF orientation already.
      var scale = Math.min(1, LONGEST / Math.max(img.naturalWidth, img.naturalHeight));
      if (scale === 1 && file.size <= max) return done(file, file.name);
      var canvas = document.createElement('canvas');
      canvas.width = Math.round(img.naturalWidth * scale);
      canvas.height = Math.round(img.naturalHeight * scale);
      var c = canvas.getContext('2d');
      if (toJpeg) { c.fillStyle = '#fff'; c.fillRect(0, 0, canvas.width, canvas.height); }
      c.drawImage(img, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (!blob || (blob.size >= file.size && file.size <= max)) return done(file, file.name);
        done(blob, toJpeg ? file.name.replace(/\.png$/i, '.jpg') : file.name);
      }, toJpeg ? 'image/jpeg' : 'image/png', 0.8);
    };
    img.src = url;
  }

  var forms = document.querySelectorAll('form[data-upload]');
  Array.prototype.forEach.call(forms, function (form) {
    var input = form.querySelector('input[type=file]');
    var progress = form.querySelector('.upload-progress');
    if (!input || !window.FormData || !window.XMLHttpRequest) return;
    var messages = JSON.parse(form.getAttribute('data-messages') || '{}');
    var status, busy;
    function sending(pct) { return (messages.sending || '{pct}%').replace('{pct}', pct); }
    function say(text) {
      if (!status) {
        status = document.createElement('p');
        status.className = 'upload-status';
        status.setAttribute('role', 'status');
        input.parentNode.appendChild(status);
      }
      status.textContent = text;
    }
    function fail(message) {
      var box = form.querySelector('.client-error');
      if (!box) {
        box = document.createElement('p');
        box.className = 'error-message client-error';
        box.setAttribute('role', 'alert');
        input.parentNode.insertBefore(box, input);
      }
      box.textContent = message;
      busy = false;
      if (status) status.textContent = '';
      input.focus();
    }
    function stay(e) { e.preventDefault(); e.returnValue = ''; }
    function send(body, name) {
      var data = new FormData(form);
      data.set(input.name, body, name);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('X-Requested-With', 'fetch');
      progress.hidden = false;
      say(sending(0));
      window.addEventListener('beforeunload', stay);
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) return;
        progress.value = Math.round((e.loaded / e.total) * 100);
        say(sending(progress.value));
      };
      xhr.onload = function () {
        window.removeEventListener('beforeunload', stay);
        // Success redirects to the next page, followed as the form would; a refused file comes back as this page with its errors.
        if (xhr.status < 400 && xhr.responseURL) { window.location.href = xhr.responseURL; return; }
        document.open();
        document.write(xhr.responseText);
        document.close();
      };
      xhr.onerror = function () { window.removeEventListener('beforeunload', stay); busy = false; form.submit(); };
      xhr.send(data);
    }
    form.addEventListener('submit', function (event) {
      if (busy) return event.preventDefault();
      var file = input.files && input.files[0];
      var max = Number(input.getAttribute('data-max-bytes'));
      var accept = (input.getAttribute('accept') || '').split(',');
      if (!file) return; // the server explains what is missing
      var ext = '.' + (file.name.split('.').pop() || '').toLowerCase();
      // A photo the browser can make smaller may be larger than the limit, up to what the server reduces too.
      var photo = /^\.(jpe?g|png)$/.test(ext) && window.URL && window.HTMLCanvasElement && HTMLCanvasElement.prototype.toBlob && progress;
      var limit = photo ? Number(form.getAttribute('data-photo-max-bytes')) || max : max;
      if (accept.length && accept.indexOf(ext) === -1) { event.preventDefault(); return fail(messages.type); }
      if (limit && file.size > limit) { event.preventDefault(); return fail(messages.size); }
      if (!progress) return;
      event.preventDefault();
      busy = true;
      if (!photo) return send(file, file.name);
      say(messages.reducing || '');
      reduce(file, ext !== '.png' || accept.indexOf('.jpg') !== -1, max || Infinity, function (body, name) {
        if (max && body.size > max && body !== file) return fail(messages.size);
        send(body, name);
      });
    });
  });
})();
