// 通报与评估: a request shows at once that the document is being written (the button is disabled, a progress bar
// and the form's data-busy text appear) until the list comes back; while a document is being written, its row shows
// its progress and the list reloads when it is done.
(function () {
  "use strict";

  var request = document.querySelector('[data-testid="document-request"]');
  if (request) {
    var busy = request.querySelector('[data-testid="document-busy"]');
    var controls = Array.prototype.slice.call(request.querySelectorAll("button, select"));
    var disabledAtFirst = controls.map(function (control) { return control.disabled; });
    var sent = false;
    request.addEventListener("submit", function (event) {
      if (sent) { event.preventDefault(); return; }  // one request per click: a second click waits for the first
      sent = true;
      busy.querySelector("span").textContent = event.target.dataset.busy || "";
      busy.hidden = false;
      // Disabled after the browser has taken the form's values (a disabled control is not sent).
      window.setTimeout(function () {
        controls.forEach(function (control) { control.disabled = true; });
      }, 0);
    });
    // Back on this page from the browser's history: the controls work again.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      sent = false;
      busy.hidden = true;
      controls.forEach(function (control, n) { control.disabled = disabledAtFirst[n]; });
    });
  }

  var rows = document.querySelectorAll('[data-testid="document"][data-state="queued"], [data-testid="document"][data-state="running"]');
  if (!rows.length) { return; }
  function poll() {
    var pending = 0;
    var requests = Array.prototype.map.call(rows, function (row) {
      return fetch(row.dataset.statusUrl, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          var bar = row.querySelector("progress");
          var step = row.querySelector(".step");
          if (bar) { bar.value = status.progress; }
          if (step) { step.textContent = status.step || status.label; }
          if (status.state === "queued" || status.state === "running") { pending += 1; }
        })
        .catch(function () { pending += 1; });
    });
    Promise.all(requests).then(function () {
      if (pending) { window.setTimeout(poll, 1500); } else { window.location.reload(); }
    });
  }
  window.setTimeout(poll, 1000);
})();
