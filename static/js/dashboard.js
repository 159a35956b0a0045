// The vacancy dashboard: Chart.js charts from each canvas's data-chart, and the vacancy map.
// The tables beside them hold the same figures, so the page works without this script.
(function () {
  "use strict";

  const PALETTE = ["#1565c0", "#b3261e", "#2e7d32", "#a15c00", "#6a1b9a", "#00838f", "#5f6368"];
  const CLASS_COLOURS = { frictional: "#f9a825", long_term: "#ef6c00", structural: "#b3261e" };

  function chart(canvas) {
    if (typeof Chart === "undefined" || canvas._vrijstadChart) { return; }
    const spec = JSON.parse(canvas.dataset.chart);
    const datasets = spec.datasets.map((set, i) => {
      const colour = PALETTE[i % PALETTE.length];
      return {
        label: set.label,
        data: set.data,
        borderColor: set.dashed ? "#5f6368" : colour,
        backgroundColor: spec.type === "line" ? colour : colour + "cc",
        borderDash: set.dashed ? [6, 4] : [],
        pointRadius: set.dashed ? 0 : 3,
        spanGaps: true,
      };
    });
    // Numbers in the page's language: "1.234,5 %" and "€ 1.234" in Dutch, whole numbers on an
    // axis of counts (no "0,5 aanvragen").
    const locale = document.documentElement.lang || "nl";
    const number = new Intl.NumberFormat(locale, { maximumFractionDigits: spec.count ? 0 : 1 });
    const euro = new Intl.NumberFormat(locale, {
      style: "currency", currency: "EUR", maximumFractionDigits: 0,
    });
    const format = (value) => (
      spec.euro ? euro.format(value) : number.format(value) + (spec.percent ? " %" : "")
    );
    canvas._vrijstadChart = new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        locale: locale,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: { beginAtZero: true, ticks: { callback: format, precision: spec.count ? 0 : undefined } },
        },
        plugins: { legend: { display: datasets.length > 1 } },
      },
    });
  }

  function vacancyMap(el) {
    if (typeof L === "undefined") { return; }
    if (el._vrijstadMap) { el._vrijstadMap.remove(); }
    const map = L.map(el).setView([52.2, 5.3], 7);
    el._vrijstadMap = map;
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    }
    fetch(el.dataset.src, { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((data) => {
        const group = L.featureGroup();
        data.points.forEach((p) => {
          const link = document.createElement("a");
          link.href = p.url;
          link.textContent = `${p.address} (${p.m2} m², ${p.days} d)`;
          L.circleMarker([p.lat, p.lon], {
            radius: 6, weight: 1, color: "#333", fillOpacity: 0.85,
            fillColor: CLASS_COLOURS[p.class] || "#5f6368",
          }).bindPopup(link).addTo(group);
        });
        group.addTo(map);
        if (data.points.length) { map.fitBounds(group.getBounds(), { maxZoom: 17, padding: [20, 20] }); }
      })
      .catch(() => { el.dataset.failed = "true"; });
  }

  function init(root) {
    root.querySelectorAll("canvas[data-chart]").forEach(chart);
    root.querySelectorAll("#vacancy-map").forEach(vacancyMap);
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSettle", (event) => init(event.detail.elt || document));
})();
