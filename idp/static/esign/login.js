// The e-signature login page (templates/esign/login.html).
//
// 1. "Continue": open the chosen .pfx with its password here in the browser
//    (IdpEsign.readCertificateInfo) and show whose key it is.
// 2. "Sign and log in": ask the server for a fresh single-use challenge, sign
//    it with the key (IdpEsign.signChallenge) and post only the signature.
// The key file and its password are never sent: their inputs have no name.
(function () {
  "use strict";

  var form = document.getElementById("esign-form");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var fileInput = $("esign-pfx");
  var passwordInput = $("esign-password");
  var status = $("esign-status");
  var errorBox = $("esign-client-error");
  var holderBox = $("esign-holder");
  var keyBytes = null;
  var busy = false;

  function camel(code) {
    return "msg" + code.split("_").map(function (p) { return p.charAt(0).toUpperCase() + p.slice(1); }).join("");
  }

  function text(code) {
    return form.dataset[camel(code)] || form.dataset[camel("unknown")];
  }

  function showError(code) {
    errorBox.textContent = text(code);
    errorBox.hidden = false;
    var serverError = $("esign-error");
    if (serverError) serverError.hidden = true;
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
  }

  function setBusy(state) {
    busy = Boolean(state);
    status.hidden = !busy;
    status.textContent = busy ? status.dataset[state] : "";
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = busy; });
  }

  function codeOf(err) {
    if (err && typeof err.code === "string") return err.code;
    if (err && err.name === "EsignClientError" && err.code) return err.code;
    return "unknown";
  }

  function formatDate(iso) {
    var date = new Date(iso);
    try {
      return date.toLocaleDateString(document.documentElement.lang || undefined,
        { year: "numeric", month: "long", day: "numeric" });
    } catch (e) {
      return iso.slice(0, 10);
    }
  }

  function showHolder(info) {
    var name = [info.surname, info.givenName].filter(Boolean).join(" ") || info.commonName || "";
    $("esign-holder-name").textContent = name;
    var org = info.userType === "L" && info.organisation;
    $("esign-holder-org").textContent = org ? info.organisation + (info.tin ? " (" + info.tin + ")" : "") : "";
    $("esign-holder-org").hidden = !org;
    $("esign-holder-org-label").hidden = !org;
    $("esign-holder-until").textContent = formatDate(info.notAfter);
    $("esign-holder-issuer").textContent = info.issuer || "";
    var warning = $("esign-holder-warning");
    warning.hidden = !info.expired;
    warning.textContent = info.expired ? text("expired") : "";
    $("esign-key").hidden = true;
    holderBox.hidden = false;
    $("esign-sign").focus();
  }

  function reset() {
    keyBytes = null;
    holderBox.hidden = true;
    $("esign-key").hidden = false;
    fileInput.value = "";
    passwordInput.value = "";
    clearError();
    fileInput.focus();
  }

  async function openKey() {
    if (busy) return;
    clearError();
    var file = fileInput.files && fileInput.files[0];
    if (!file) { showError("no_file"); return; }
    if (!window.IdpEsign) { showError("unknown"); return; }
    setBusy("opening");
    try {
      keyBytes = await file.arrayBuffer();
      var info = await window.IdpEsign.readCertificateInfo(keyBytes, passwordInput.value);
      setBusy(false);
      showHolder(info);
    } catch (err) {
      keyBytes = null;
      setBusy(false);
      showError(codeOf(err));
    }
  }

  async function fetchChallenge() {
    var token = document.querySelector('meta[name="csrf-token"]').content;
    var response = await fetch(form.dataset.challengeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" },
    });
    if (!response.ok) throw { code: "challenge_failed" };
    return response.json();
  }

  async function signAndSend() {
    if (busy || !keyBytes) return;
    clearError();
    setBusy("signing");
    try {
      var challenge;
      try {
        challenge = await fetchChallenge();
      } catch (err) {
        throw { code: err && err.code ? err.code : "challenge_failed" };
      }
      var bytes = new TextEncoder().encode(challenge.challenge);
      var cms = await window.IdpEsign.signChallenge(keyBytes, passwordInput.value, bytes);
      keyBytes = null;
      passwordInput.value = "";
      $("esign-challenge-id").value = challenge.id;
      $("esign-cms").value = cms;
      HTMLFormElement.prototype.submit.call(form);  // a normal post: the answer is a redirect
    } catch (err) {
      setBusy(false);
      showError(codeOf(err));
    }
  }

  $("esign-open").addEventListener("click", openKey);
  $("esign-sign").addEventListener("click", signAndSend);
  $("esign-other").addEventListener("click", reset);
  // Enter in the password field continues instead of posting an empty form.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (holderBox.hidden) openKey(); else signAndSend();
  });
})();
