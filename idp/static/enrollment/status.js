// Follows a case waiting for review and shows the decision when it comes.
(function () {
  "use strict";
  var node = document.getElementById("case-status");
  if (!node) { return; }
  var url = node.getAttribute("data-status-url");
  var current = node.getAttribute("data-status");
  window.setInterval(function () {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body && body.status !== current) { window.location.assign(body.next); }
      })
      .catch(function () {});
  }, 10000);
})();
