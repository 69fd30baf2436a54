/* The activation page: a QR code carries the code in the URL fragment (never
 * sent to the server); put it in the form and take it out of the address bar. */
(() => {
  "use strict";
  function start() {
    const field = document.getElementById("activation-code");
    const code = window.location.hash.replace(/^#/, "").replace(/[^A-Za-z0-9-]/g, "").slice(0, 40);
    if (!field || !code) return;
    field.value = code;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    const button = document.getElementById("activation-continue");
    if (button) button.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
