/* readiness web app: the dossier page follows its render without reloading (it reloads itself without this file). */
"use strict";
(function () {
  var box = document.getElementById("dossier-job");
  if (!box) { return; }
  var state = box.getAttribute("data-state");
  if (state === "done" || state === "failed") { return; }
  var url = box.getAttribute("data-status");
  var bar = document.getElementById("dossier-progress");
  var step = document.getElementById("dossier-step");
  var started = Date.now();
  var LIMIT_MS = 30 * 60 * 1000;  // stop asking after half an hour; a reload asks again

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (reply) {
        if (!reply.ok) { throw new Error(String(reply.status)); }
        return reply.json();
      })
      .then(function (s) {
        bar.value = s.percent;
        bar.textContent = s.percent + "%";
        step.textContent = s.percent + "% · " + s.step;
        if (s.state === "done" || s.state === "failed") {
          window.location.reload();  // the server's page says it all: heading, size, download or error
          return;
        }
        if (Date.now() - started < LIMIT_MS) { window.setTimeout(poll, 1000); }
      })
      .catch(function () {
        // a network hiccup or a refusal: reload, and the server's page says what happened
        window.setTimeout(function () { window.location.reload(); }, 3000);
      });
  }
  window.setTimeout(poll, 500);
})();
