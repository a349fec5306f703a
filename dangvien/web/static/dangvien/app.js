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

// The report's period: the year and its number for a quarter or a half-year,
// the year alone for a year, the two dates for a span (a field with an error
// stays shown). Without scripts every field is shown and the server says which
// it reads.
(function () {
  var form = document.getElementById("period-form");
  var kind = form && form.querySelector("select[name=ky]");
  if (!kind) return;
  function wanted(name) {
    if (name === "tu" || name === "den") return kind.value === "custom";
    if (name === "nam") return kind.value !== "custom";
    if (name === "so") return kind.value === "quarter" || kind.value === "half";
    return true;
  }
  function show() {
    form.querySelectorAll("[data-field]").forEach(function (div) {
      div.hidden = !wanted(div.dataset.field) && !div.classList.contains("has-error");
    });
  }
  kind.addEventListener("change", show);
  show();
})();
