/* readiness web app: uploads with a progress bar (the upload form works without this file).
 *
 * A form marked data-upload gets: a drop zone (files dropped join the file input), a size check
 * before anything is sent (data-max-size bytes a file, data-max-files at once), and an
 * XMLHttpRequest upload whose progress fills the form's <progress>. The CSRF token goes in the
 * X-CSRF-Token header; the server answers JSON and the page moves to the record. */
"use strict";
(function () {
  function humanSize(n) {
    if (n >= 1e9) { return (n / 1e9).toFixed(1) + " GB"; }
    if (n >= 1e6) { return (n / 1e6).toFixed(1) + " MB"; }
    if (n >= 1e3) { return (n / 1e3).toFixed(1) + " kB"; }
    return n + " B";
  }

  function setup(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-dropzone]");
    var bar = form.querySelector("[data-progress]");
    var status = form.querySelector("[data-status]");
    var maxSize = parseInt(form.getAttribute("data-max-size"), 10) || 0;
    var maxFiles = parseInt(form.getAttribute("data-max-files"), 10) || 50;
    var csrf = form.querySelector("input[name=csrf]");
    if (!input) { return; }

    function say(text, isError) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle("error-text", Boolean(isError));
    }

    if (zone) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) {
          event.preventDefault();
          zone.classList.add("over");
        });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        if (event.dataTransfer && event.dataTransfer.files.length) {
          input.files = event.dataTransfer.files;
          say(Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", "), false);
        }
      });
    }

    form.addEventListener("submit", function (event) {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length || !window.FormData || !window.XMLHttpRequest) { return; }  /* the plain post */
      event.preventDefault();
      if (files.length > maxFiles) {
        say(files.length + " > " + maxFiles, true);
        return;
      }
      var tooLarge = files.filter(function (f) { return maxSize && f.size > maxSize; });
      if (tooLarge.length) {
        say(tooLarge.map(function (f) {
          return (form.getAttribute("data-msg-too-large") || "{name}").replace("{name}", f.name);
        }).join(" "), true);
        return;
      }
      var data = new FormData();
      if (csrf) { data.append("csrf", csrf.value); }  /* before the files, as the server wants */
      files.forEach(function (f) { data.append(input.name, f, f.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      if (csrf) { xhr.setRequestHeader("X-CSRF-Token", csrf.value); }
      var total = files.reduce(function (sum, f) { return sum + f.size; }, 0);
      if (bar) { bar.hidden = false; bar.value = 0; }
      xhr.upload.onprogress = function (e) {
        if (bar && e.lengthComputable) {
          bar.value = Math.round(100 * e.loaded / e.total);
          say(humanSize(Math.min(e.loaded, total)) + " / " + humanSize(total), false);
        }
      };
      xhr.onload = function () {
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (ignored) { answer = null; }
        if (xhr.status >= 200 && xhr.status < 300 && answer && answer.location) {
          if (bar) { bar.value = 100; }
          say(form.getAttribute("data-msg-done") || "", false);
          window.location.assign(answer.location);
          return;
        }
        var message = answer && answer.message ? answer.message : xhr.status + " " + xhr.statusText;
        say((form.getAttribute("data-msg-failed") || "") + " " + message, true);
      };
      xhr.onerror = function () {
        say((form.getAttribute("data-msg-failed") || "") + " " + xhr.statusText, true);
      };
      form.querySelector("button[type=submit]").disabled = true;
      xhr.onloadend = function () { form.querySelector("button[type=submit]").disabled = false; };
      xhr.send(data);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), setup);
  });
}());
