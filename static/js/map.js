// Leaflet maps: search results as clustered markers, one unit's location, and pin placement.
(function () {
  "use strict";

  function baseMap(el, center, zoom) {
    const map = L.map(el).setView(center, zoom);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, {
        maxZoom: 19,
        attribution: "&copy; OpenStreetMap",
      }).addTo(map);
    }
    return map;
  }

  function resultsMap(el) {
    if (el._vrijstadMap) { el._vrijstadMap.remove(); }
    const map = baseMap(el, [52.2, 5.3], 7);
    map.setMaxZoom(19);  // the clusters need it, also when no tile layer sets it
    el._vrijstadMap = map;
    fetch(el.dataset.src, { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((data) => {
        const group = L.markerClusterGroup ? L.markerClusterGroup() : L.featureGroup();
        const markers = new Map();  // unit id -> marker, for the cards (js/search.js)
        data.markers.forEach((m) => {
          const link = document.createElement("a");
          link.href = m.url;
          link.textContent = `${m.title}, ${m.city} (${m.area} m²)`;
          const marker = L.marker([m.lat, m.lon], { title: m.title }).bindPopup(link).addTo(group);
          markers.set(String(m.id), marker);
        });
        group.addTo(map);
        if (data.markers.length) { map.fitBounds(group.getBounds(), { maxZoom: 16, padding: [20, 20] }); }
        el.vrijstadMarkers = { group: group, byUnit: markers };
        el.dispatchEvent(new CustomEvent("vrijstad:markers", { bubbles: true }));
      })
      .catch(() => { el.dataset.failed = "true"; });
  }

  function unitMap(el) {
    const position = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    const map = baseMap(el, position, 17);
    L.marker(position, { title: el.dataset.title }).addTo(map);
  }

  function pinMap(el) {
    const lat = document.getElementById(el.dataset.latInput);
    const lon = document.getElementById(el.dataset.lonInput);
    const known = lat.value && lon.value;
    const start = known ? [parseFloat(lat.value), parseFloat(lon.value)] : [52.2, 5.3];
    const map = baseMap(el, start, known ? 17 : 7);
    let marker = known ? L.marker(start, { draggable: true }).addTo(map) : null;
    function place(latlng) {
      if (!marker) { marker = L.marker(latlng, { draggable: true }).addTo(map); }
      marker.setLatLng(latlng);
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
      lon.dispatchEvent(new Event("change", { bubbles: true }));
    }
    map.on("click", (event) => place(event.latlng));
    if (marker) { marker.on("dragend", () => place(marker.getLatLng())); }
  }

  function init(root) {
    if (typeof L === "undefined") { return; }
    root.querySelectorAll("#units-map").forEach(resultsMap);
    root.querySelectorAll("#unit-map").forEach(unitMap);
    root.querySelectorAll("#pin-map").forEach(pinMap);
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSettle", (event) => init(event.detail.elt.parentNode || document));
})();
