// The portal's "use my location": reads the phone's position and submits the place form with
// it; when the browser cannot or may not, says so and leaves the address search.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-locate]");
    if (!button) return;
    var form = button.form;
    var note = form.querySelector(".locate-note");
    if (!navigator.geolocation) {
      note.textContent = button.dataset.denied;
      return;
    }
    note.textContent = button.dataset.locating;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(6);
        form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
        form.submit();
      },
      function () {
        button.disabled = false;
        note.textContent = button.dataset.denied;
      },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  });
})();
