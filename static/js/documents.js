// 通报与评估: while a document is being written, show its progress and reload the list when it is done.
(function () {
  "use strict";
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
