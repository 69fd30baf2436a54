// Passport page scan: live capture with a guide frame. A still from the
// video becomes the form's file, and the form is posted as if the photo had
// been chosen from the gallery (one server path for both). A photo taken
// with the camera app or chosen from the gallery is sent as soon as it is
// chosen.
(function () {
  "use strict";
  var section = document.getElementById("scan");
  if (!section) return;
  var form = document.getElementById("scan-form");
  var input = form.querySelector("input[type=file]");
  var typeInstead = document.getElementById("scan-type-instead");
  if (typeInstead) {
    typeInstead.addEventListener("click", function (event) {
      var field = document.getElementById(typeInstead.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({block: "center"});
      field.focus();
    });
  }
  Array.prototype.forEach.call(section.querySelectorAll("form.scan-upload input[type=file]"), function (picker) {
    picker.addEventListener("change", function () {
      if (picker.files && picker.files.length) picker.form.submit();
    });
  });
  var start = document.getElementById("scan-camera");
  var live = document.getElementById("scan-live");
  var video = document.getElementById("scan-video");
  var shoot = document.getElementById("scan-shoot");
  var stream = null;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof DataTransfer === "undefined") return;
  start.hidden = false;

  function fail() {
    live.hidden = true;
    var p = document.createElement("p");
    p.className = "alert";
    p.setAttribute("role", "alert");
    p.textContent = section.dataset.textCamera;
    section.appendChild(p);
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({audio: false, video: {facingMode: "environment",
      width: {ideal: 1920}, height: {ideal: 1080}}}).then(function (s) {
      stream = s;
      video.srcObject = s;
      live.hidden = false;
      start.hidden = true;
    }).catch(fail);
  });

  shoot.addEventListener("click", function () {
    if (!stream || !video.videoWidth) return;
    var canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    shoot.disabled = true;
    canvas.toBlob(function (blob) {
      stream.getTracks().forEach(function (t) { t.stop(); });
      var transfer = new DataTransfer();
      transfer.items.add(new File([blob], "page.jpg", {type: "image/jpeg"}));
      input.files = transfer.files;
      form.submit();
    }, "image/jpeg", 0.92);
  });
})();
