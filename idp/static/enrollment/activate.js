// Activation with a passkey: creation options from the server, the
// authenticator's answer back (WebAuthn Level 3 JSON forms).
(function () {
  "use strict";
  var root = document.getElementById("passkey-activation");
  if (!root) { return; }
  var button = document.getElementById("passkey-create");
  var errorNode = document.getElementById("passkey-error");

  function fail(message) {
    errorNode.textContent = message || root.getAttribute("data-text-failed");
    errorNode.hidden = false;
    button.disabled = false;
  }

  function b64url(buffer) {
    var bytes = new Uint8Array(buffer), s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromB64url(value) {
    var s = atob(value.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((value.length + 3) % 4));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) { out[i] = s.charCodeAt(i); }
    return out.buffer;
  }

  function decodeOptions(o) {
    if (window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(o);
    }
    var copy = JSON.parse(JSON.stringify(o));
    copy.challenge = fromB64url(o.challenge);
    copy.user.id = fromB64url(o.user.id);
    copy.excludeCredentials = (o.excludeCredentials || []).map(function (c) {
      return { type: c.type, id: fromB64url(c.id), transports: c.transports };
    });
    return copy;
  }

  function encodeCredential(c) {
    if (c.toJSON) { return c.toJSON(); }
    var r = c.response;
    return {
      id: c.id, rawId: b64url(c.rawId), type: c.type, authenticatorAttachment: c.authenticatorAttachment,
      clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {},
      response: { clientDataJSON: b64url(r.clientDataJSON), attestationObject: b64url(r.attestationObject),
                  transports: r.getTransports ? r.getTransports() : [] }
    };
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": root.getAttribute("data-csrf") },
      body: JSON.stringify(body || {})
    }).then(function (r) { return r.json().catch(function () { return { ok: false }; }); });
  }

  button.addEventListener("click", function () {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      fail(root.getAttribute("data-text-unsupported"));
      return;
    }
    button.disabled = true;
    errorNode.hidden = true;
    post(root.getAttribute("data-options-url")).then(function (options) {
      if (!options.ok) { throw options; }
      return navigator.credentials.create({ publicKey: decodeOptions(options.publicKey) }).then(function (credential) {
        return post(root.getAttribute("data-verify-url"),
                    { ceremony: options.ceremony, credential: encodeCredential(credential) });
      });
    }).then(function (result) {
      if (!result.ok) { throw result; }
      window.location.assign(result.redirect);
    }).catch(function (problem) {
      fail(problem && problem.message);
    });
  });
})();
