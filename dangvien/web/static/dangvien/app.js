// Refresh a commune <select> when its province changes (only that province's communes).
document.querySelectorAll("select[data-commune-of]").forEach(function (communeSelect) {
  var province = document.getElementById(communeSelect.dataset.communeOf);
  if (!province) return;
  province.addEventListener("change", function () {
    fetch("/dia-gioi/xa/?province=" + encodeURIComponent(province.value))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        communeSelect.innerHTML = "";
        var blank = document.createElement("option");
        blank.value = ""; blank.textContent = "---------";
        communeSelect.appendChild(blank);
        data.items.forEach(function (item) {
          var o = document.createElement("option");
          o.value = item.code; o.textContent = item.name;
          communeSelect.appendChild(o);
        });
      });
  });
});
