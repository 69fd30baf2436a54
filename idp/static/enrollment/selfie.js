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

  // Which camera frame is on screen: counted by requestVideoFrameCallback
  // where the browser has it, so that no camera frame is sent twice.
  var presented = 0;
  function countFrames() {
    if (!video.requestVideoFrameCallback) { presented = -1; return; }
    video.requestVideoFrameCallback(function (now, meta) {
      presented = meta.presentedFrames || presented + 1;
      countFrames();
    });
  }

  // Prompts on a timeline; frames at `frame_rate` a second, densely
  // (`blink_frame_rate`) while a blink is asked: a blink lasts 0.1-0.4 s.
  // docs/biometrics-liveness.md, "Frame budget".
  function capture(challenge) {
    var actions = challenge.actions;
    var duration = BASELINE_S + actions.length * PER_ACTION_S + TAIL_S;
    var rate = challenge.frame_rate || 6, dense = challenge.blink_frame_rate || rate;
    var canvas = document.createElement("canvas");
    var frames = [];
    var sent = -2;
    function slot(elapsed) {
      return elapsed < BASELINE_S ? -1 : Math.floor((elapsed - BASELINE_S) / PER_ACTION_S);
    }
    return new Promise(function (resolve) {
      var t0 = performance.now(), due = 0;
      function tick() {
        var elapsed = (performance.now() - t0) / 1000;
        var index = slot(elapsed);
        prompt.textContent = elapsed < BASELINE_S ? text("look")
          : (index < actions.length ? (prompts[actions[index]] || actions[index]) : text("hold"));
        if (elapsed >= due) {
          if (presented < 0 || presented !== sent || elapsed >= due + 0.05) {
            sent = presented;
            frames.push(grab(canvas, t0));
            var blinking = index >= 0 && index < actions.length && actions[index] === "blink";
            due = elapsed + 1 / (blinking ? dense : rate);
          }
        }
        if (elapsed >= duration || frames.length >= challenge.max_frames) { resolve(frames); return; }
        window.setTimeout(tick, 10);
      }
      tick();
    });
  }

  function run() {
    start.disabled = true;
    showErrors([]);
    show(statusNode, "");
    camera().then(ready).then(function () {
      if (!presented) { countFrames(); }
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
