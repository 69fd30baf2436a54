// The selfie liveness check: asks the server for a challenge, shows its
// prompts one after another while capturing frames from the front camera,
// and uploads the frames (as the camera sees them, not mirrored) with their
// capture times. docs/biometrics-liveness.md, "What the capture page must do".
(function () {
  "use strict";
  var root = document.getElementById("selfie");
  if (!root) { return; }
  var video = document.getElementById("selfie-video");
  var prompt = document.getElementById("selfie-prompt");
  var statusNode = document.getElementById("selfie-status");
  var errorNode = document.getElementById("selfie-error");
  var start = document.getElementById("selfie-start");
  var next = document.getElementById("selfie-next");
  var consular = document.getElementById("selfie-consular");
  var attempts = document.getElementById("selfie-attempts");
  var prompts = JSON.parse(root.getAttribute("data-prompts") || "{}");
  var text = function (name) { return root.getAttribute("data-text-" + name) || ""; };
  var BASELINE_S = 1.0, PER_ACTION_S = 1.8, TAIL_S = 0.4, MAX_WIDTH = 480;
  var stream = null;

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": root.getAttribute("data-csrf") },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, message: text("network") }; });
    });
  }

  function show(node, message) {
    node.textContent = message || "";
    node.hidden = !message;
  }

  function showErrors(messages) {
    errorNode.textContent = "";
    (messages || []).forEach(function (m) {
      var p = document.createElement("p");
      p.textContent = m;
      errorNode.appendChild(p);
    });
    errorNode.hidden = !(messages && messages.length);
  }

  function camera() {
    if (stream) { return Promise.resolve(stream); }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject(new Error("no camera"));
    }
    return navigator.mediaDevices.getUserMedia({
      audio: false, video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } }
    }).then(function (s) {
      stream = s;
      video.srcObject = s;
      return video.play().then(function () { return s; });
    });
  }

  function ready() {
    return new Promise(function (resolve) {
      if (video.videoWidth > 0) { resolve(); return; }
      video.addEventListener("loadedmetadata", function () { resolve(); }, { once: true });
    });
  }

  function grab(canvas, t0) {
    var scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    return { t: Math.round((performance.now() - t0) * 10) / 10, image: canvas.toDataURL("image/jpeg", 0.85) };
  }

  // Prompts on a timeline; frames evenly spread over it, within the bounds.
  function capture(challenge) {
    var actions = challenge.actions;
    var duration = BASELINE_S + actions.length * PER_ACTION_S + TAIL_S;
    var count = Math.min(challenge.max_frames, Math.max(challenge.min_frames, Math.floor(duration * 8)));
    var interval = (duration * 1000) / (count - 1);
    var canvas = document.createElement("canvas");
    var frames = [];
    return new Promise(function (resolve) {
      var t0 = performance.now();
      function tick() {
        var elapsed = (performance.now() - t0) / 1000;
        var index = Math.floor((elapsed - BASELINE_S) / PER_ACTION_S);
        prompt.textContent = elapsed < BASELINE_S ? text("look")
          : (index < actions.length ? (prompts[actions[index]] || actions[index]) : text("hold"));
        frames.push(grab(canvas, t0));
        if (frames.length >= count) { resolve(frames); return; }
        window.setTimeout(tick, Math.max(0, t0 + frames.length * interval - performance.now()));
      }
      tick();
    });
  }

  function run() {
    start.disabled = true;
    showErrors([]);
    show(statusNode, "");
    camera().then(ready).then(function () {
      return post(root.getAttribute("data-challenge-url"));
    }).then(function (answer) {
      if (!answer.ok) { throw answer; }
      return capture(answer.challenge).then(function (frames) {
        prompt.textContent = "";
        show(statusNode, text("sending"));
        return post(root.getAttribute("data-frames-url"), {
          challenge_id: answer.challenge.challenge_id, nonce: answer.challenge.nonce, frames: frames
        });
      });
    }).then(function (result) {
      show(statusNode, "");
      if (!result.ok) { throw result; }
      if (attempts) { attempts.textContent = String(result.attempts_left); }
      if (result.done) {
        if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
        show(statusNode, text("passed"));
        start.hidden = true;
        if (attempts) { attempts.parentNode.hidden = true; }
        next.hidden = false;
        next.focus();
        return;
      }
      showErrors(result.messages);
      start.disabled = result.attempts_left <= 0;
      consular.hidden = false;
      if (result.attempts_left <= 0) { start.hidden = true; }
    }).catch(function (problem) {
      prompt.textContent = "";
      show(statusNode, "");
      if (problem && problem.next && problem.error === "step_not_allowed") {
        window.location.assign(problem.next);
        return;
      }
      var message = problem && problem.message ? problem.message
        : (problem && problem.name ? text("camera") : text("network"));
      showErrors([message]);
      start.disabled = false;
      consular.hidden = false;
    });
  }

  start.addEventListener("click", run);
})();
