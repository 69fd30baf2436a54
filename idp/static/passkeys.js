/* Passkeys: registration in the cabinet, login (button and autofill), step-up.
 *
 * Each ceremony is two POSTs to the server: options (JSON WebAuthn options and
 * a ceremony handle), then the browser's answer. Containers carry their URLs
 * and translated messages in data- attributes (the page's CSP allows no
 * inline script):
 *   [data-passkey="login" | "step-up" | "register"]
 *     data-options-url, data-verify-url, data-csrf (or <meta name="csrf-token">),
 *     data-autofill (login: the identifier field for conditional mediation),
 *     data-msg-cancelled, -failed, -unsupported, -exists
 *   [data-passkey-start] button, [data-passkey-error] message, [data-passkey-label] name field
 */
(() => {
  "use strict";
  if (window.idpPasskeysLoaded) return;
  window.idpPasskeysLoaded = true;

  const supported = () => typeof window.PublicKeyCredential === "function" && !!navigator.credentials;

  // -- base64url <-> ArrayBuffer (for browsers without the JSON helpers) --------
  function decode(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    const raw = atob(b64);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function encode(buffer) {
    const bytes = new Uint8Array(buffer);
    let raw = "";
    for (let i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  const withIds = (list) => (list || []).map((c) => Object.assign({}, c, { id: decode(c.id) }));

  function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: decode(json.challenge),
      user: Object.assign({}, json.user, { id: decode(json.user.id) }),
      excludeCredentials: withIds(json.excludeCredentials),
    });
  }

  function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, { challenge: decode(json.challenge), allowCredentials: withIds(json.allowCredentials) });
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") {
      try { return credential.toJSON(); } catch (err) { /* fall through to the manual form */ }
    }
    const r = credential.response;
    const out = {
      id: credential.id, rawId: encode(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: encode(r.clientDataJSON) },
    };
    if (r.attestationObject) {
      out.response.attestationObject = encode(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = encode(r.authenticatorData);
      out.response.signature = encode(r.signature);
      out.response.userHandle = r.userHandle ? encode(r.userHandle) : null;
    }
    return out;
  }

  // -- talking to the server -------------------------------------------------------
  class ServerRefused extends Error {}

  function csrfToken(box) {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return box.dataset.csrf || (meta ? meta.content : "");
  }

  async function post(box, url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken(box) },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    if (!response.ok || !data || data.ok !== true) {
      // A change to the login methods needs a recent login: go and confirm it, then come back.
      if (data && data.error === "reauth_required" && data.redirect) window.location.assign(data.redirect);
      throw new ServerRefused((data && data.message) || box.dataset.msgFailed);
    }
    return data;
  }

  // -- messages ----------------------------------------------------------------------
  function show(box, err) {
    const slot = box.querySelector("[data-passkey-error]");
    let text = box.dataset.msgFailed;
    if (err instanceof ServerRefused) text = err.message;
    else if (err && err.name === "NotAllowedError") text = box.dataset.msgCancelled;
    else if (err && err.name === "InvalidStateError" && box.dataset.msgExists) text = box.dataset.msgExists;
    if (slot) { slot.textContent = text; slot.hidden = false; }
  }

  function clear(box) {
    const slot = box.querySelector("[data-passkey-error]");
    if (slot) { slot.hidden = true; slot.textContent = ""; }
  }

  // -- ceremonies ----------------------------------------------------------------------
  async function signIn(box, mediation, signal) {
    const options = await post(box, box.dataset.optionsUrl, {});
    const request = { publicKey: requestOptions(options.publicKey) };
    if (mediation) request.mediation = mediation;
    if (signal) request.signal = signal;
    const credential = await navigator.credentials.get(request);
    const result = await post(box, box.dataset.verifyUrl, { ceremony: options.ceremony, credential: credentialJSON(credential) });
    window.location.assign(result.redirect);
  }

  async function addPasskey(box) {
    const field = box.querySelector("[data-passkey-label]");
    const label = field ? field.value : "";
    const options = await post(box, box.dataset.optionsUrl, { label: label });
    const credential = await navigator.credentials.create({ publicKey: creationOptions(options.publicKey) });
    const result = await post(box, box.dataset.verifyUrl, { ceremony: options.ceremony, credential: credentialJSON(credential), label: label });
    window.location.assign(result.redirect);
  }

  async function conditionalAvailable() {
    return typeof PublicKeyCredential.isConditionalMediationAvailable === "function"
      && await PublicKeyCredential.isConditionalMediationAvailable();
  }

  async function setUpLogin(box, button) {
    let autofill = null;
    const field = box.dataset.autofill ? document.querySelector(box.dataset.autofill) : null;
    if (field && await conditionalAvailable()) {
      // Conditional mediation: the identifier field's autofill offers this site's passkeys.
      field.setAttribute("autocomplete", "username webauthn");
      autofill = new AbortController();
      signIn(box, "conditional", autofill.signal).catch((err) => {
        if (!(err && err.name === "AbortError")) show(box, err);
      });
    }
    button.addEventListener("click", () => {
      clear(box);
      if (autofill) { autofill.abort(); autofill = null; }
      button.disabled = true;
      signIn(box, null, null).catch((err) => show(box, err)).finally(() => { button.disabled = false; });
    });
  }

  function setUp(box) {
    const button = box.querySelector("[data-passkey-start]");
    if (!button) return;
    if (!supported()) {
      if (box.dataset.passkey === "register") {
        button.disabled = true;
        show(box, new ServerRefused(box.dataset.msgUnsupported));
      }
      return;  // login and step-up stay hidden
    }
    box.hidden = false;
    if (box.dataset.passkey === "login") {
      setUpLogin(box, button);
      return;
    }
    const run = box.dataset.passkey === "register" ? () => addPasskey(box) : () => signIn(box, null, null);
    button.addEventListener("click", () => {
      clear(box);
      button.disabled = true;
      run().catch((err) => show(box, err)).finally(() => { button.disabled = false; });
    });
  }

  function confirmBeforeSubmit(form) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }

  function start() {
    document.querySelectorAll("[data-passkey]").forEach(setUp);
    document.querySelectorAll("form[data-confirm]").forEach(confirmBeforeSubmit);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
