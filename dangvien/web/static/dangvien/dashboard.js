// The dashboard's charts (Chart.js, vendored: vendor/README.md), drawn from the
// figures the page carries in #dashboard-data; each chart has its table beside it.
(function () {
  var node = document.getElementById("dashboard-data");
  if (!node || typeof Chart === "undefined") return;
  var data = JSON.parse(node.textContent);
  var fmt = new Intl.NumberFormat("vi-VN");
  Chart.defaults.font.family = "system-ui, sans-serif";
  Chart.defaults.animation = false;
  var tick = { callback: function (v) { return Number.isInteger(v) ? fmt.format(v) : ""; } };
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }
  function labels(rows) { return rows.map(function (r) { return r.label; }); }
  function counts(rows, key) { return rows.map(function (r) { return r[key || "count"]; }); }
  var blue = "#1f5fa8", red = "#b71c1c", grey = "#9e9e9e";
  draw("chart-over-time", {
    type: "line",
    data: { labels: labels(data.over_time), datasets: [
      { label: "Đảng viên", data: counts(data.over_time, "members"), borderColor: blue, backgroundColor: blue, tension: 0.2 },
      { label: "Dự bị", data: counts(data.over_time, "probationary"), borderColor: red, backgroundColor: red, tension: 0.2 }
    ] },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: false, ticks: tick } } }
  });
  draw("chart-ages", {
    type: "bar",
    data: { labels: labels(data.ages), datasets: [{ label: "Đảng viên", data: counts(data.ages), backgroundColor: blue }] },
    options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: tick } } }
  });
  draw("chart-status", {
    type: "doughnut",
    data: { labels: labels(data.status), datasets: [{ data: counts(data.status), backgroundColor: [blue, red] }] },
    options: { maintainAspectRatio: false }
  });
  draw("chart-gender", {
    type: "doughnut",
    data: { labels: labels(data.gender), datasets: [{ data: counts(data.gender), backgroundColor: [grey, red] }] },
    options: { maintainAspectRatio: false }
  });
  if (data.grading && data.grading.length) draw("chart-grading", {
    type: "doughnut",
    data: { labels: labels(data.grading), datasets: [{ data: counts(data.grading), backgroundColor: ["#1b5e20", blue, "#f9a825", red] }] },
    options: { maintainAspectRatio: false }
  });
  draw("chart-children", {
    type: "bar",
    data: { labels: labels(data.children), datasets: [{ label: "Đảng viên", data: counts(data.children), backgroundColor: blue }] },
    options: { indexAxis: "y", maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: tick } } }
  });
})();
