// Refresh the building list when the community changes (the form works without it too:
// the resident then describes the address).
(function () {
  var form = document.querySelector("form[data-buildings-url]");
  if (!form) return;
  var community = form.querySelector("select[name=community]");
  var building = form.querySelector("select[name=building]");
  if (!community || !building) return;
  var emptyOption = building.options[0] ? building.options[0].cloneNode(true) : null;
  community.addEventListener("change", function () {
    var url = form.dataset.buildingsUrl + "?community=" + encodeURIComponent(community.value);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        building.innerHTML = "";
        if (emptyOption) building.appendChild(emptyOption.cloneNode(true));
        data.buildings.forEach(function (b) {
          var option = document.createElement("option");
          option.value = b.id;
          option.textContent = b.name;
          building.appendChild(option);
        });
      });
  });
})();
