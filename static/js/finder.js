// "Use my location": the browser's position fills the hidden fields and the search runs.
(function () {
  var button = document.getElementById("use-location");
  var form = document.getElementById("finder");
  if (!button || !form || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("input[name=lat]").value = position.coords.latitude.toFixed(6);
      form.querySelector("input[name=lng]").value = position.coords.longitude.toFixed(6);
      form.querySelector("select[name=community]").value = "";
      form.submit();
    }, function () {
      button.disabled = false;
      var hint = document.getElementById("location-refused");
      if (hint) hint.hidden = false;
    }, { timeout: 15000 });
  });
})();
