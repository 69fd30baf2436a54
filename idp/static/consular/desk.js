/* The consular desk: confirm before destructive buttons, follow the chip
 * reader, take the photo with the desk camera, print the code sheet.
 * No inline script (CSP); everything hangs on ids and data- attributes. */
(() => {
  "use strict";

  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach((form) => {
      form.addEventListener("submit", (event) => {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  function printButton() {
    document.querySelectorAll("[data-print]").forEach((button) => {
      button.addEventListener("click", () => window.print());
    });
  }

  // The reader uploads to the server; the page reloads the visit when it has.
  function followReader() {
    const box = document.getElementById("reader");
    if (!box) return;
    const before = box.dataset.chipAt || "";
    const visitUrl = box.dataset.statusUrl.replace(/\/chip\/status$/, "");
    const timer = window.setInterval(async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) { window.clearInterval(timer); return; }
        const body = await response.json();
        if (body.chip_at && body.chip_at !== before) window.location.assign(visitUrl);
      } catch (err) { /* try again at the next tick */ }
    }, 2000);
  }

  // The desk camera: a live picture, and a button that puts a still into the form's file field.
  async function camera() {
    const box = document.getElementById("camera");
    const field = document.getElementById("photo-file");
    const form = document.getElementById("photo-form");
    if (!box || !field || !form || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia
        || typeof DataTransfer !== "function") return;
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false });
    } catch (err) {
      return;  // no camera, or not allowed: the file field stays
    }
    const video = box.querySelector("video");
    video.srcObject = stream;
    box.hidden = false;
    document.getElementById("camera-shoot").addEventListener("click", () => {
      const canvas = document.createElement("canvas");
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      canvas.toBlob((blob) => {
        if (!blob) return;
        const files = new DataTransfer();
        files.items.add(new File([blob], "desk-photo.jpg", { type: "image/jpeg" }));
        field.files = files.files;
        stream.getTracks().forEach((track) => track.stop());
        form.submit();
      }, "image/jpeg", 0.92);
    });
  }

  function start() {
    confirmations();
    printButton();
    followReader();
    camera();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
