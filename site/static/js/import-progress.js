// The progress bar of a running import (question uploads): polls the job's small JSON
// endpoint and reloads the page once the job has finished its step. Loaded from static
// (the site's CSP allows no inline script); without it, the page says to reload.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var template = text ? text.textContent : "";

  function show(done, total) {
    if (bar) {
      bar.max = total || 1;
      bar.value = done;
    }
    if (text && total) {
      text.textContent = template.replace(/\d+(\D+)\d+/, done + "$1" + total);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 3000);
        show(data.done, data.total);
        if (data.running) setTimeout(poll, 1000);
        else window.location.reload();
      })
      .catch(function () { setTimeout(poll, 3000); });
  }

  setTimeout(poll, 500);
})();
