// The patrol page: "Check in here" asks the phone for its position (WGS-84) and sends it with
// the note and photos; without a position nothing is sent and the page says why.
(function () {
  "use strict";
  const form = document.getElementById("checkin-form");
  if (!form) return;
  const status = document.getElementById("checkin-status");
  let located = false;
  form.addEventListener("submit", (event) => {
    if (located) return;
    event.preventDefault();
    if (!navigator.geolocation) {
      status.textContent = form.dataset.labelNoPosition;
      return;
    }
    status.textContent = form.dataset.labelLocating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        form.elements.lon.value = position.coords.longitude.toFixed(7);
        form.elements.lat.value = position.coords.latitude.toFixed(7);
        located = true;
        form.submit();
      },
      () => { status.textContent = form.dataset.labelNoPosition; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 10000 },
    );
  });
})();
