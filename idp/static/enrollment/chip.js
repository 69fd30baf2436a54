// Follows the case while a reader reads the passport chip: polls the case
// status and moves on when the chip step is done, or shows why a reading
// was refused (then reloads the page for a fresh code).
(function () {
  "use strict";
  var live = document.getElementById("chip-live");
  if (!live) { return; }
  var url = live.getAttribute("data-status-url");
  var last = live.getAttribute("data-last") || "";
  var status = document.getElementById("chip-status");
  var stopped = false;

  function poll() {
    if (stopped || document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        if (body.status !== "in_progress" || body.step !== "chip") {
          stopped = true;
          window.location.assign(body.next);
          return;
        }
        var read = body.chip && body.chip.last;
        if (read && read.id !== last) {
          stopped = true;
          status.textContent = read.messages.join(" ");
          window.setTimeout(function () { window.location.reload(); }, 1500);
        }
      })
      .catch(function () { /* the next poll tries again */ });
  }
  window.setInterval(poll, 2000);
  document.addEventListener("visibilitychange", poll);
})();
