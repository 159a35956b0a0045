// The unit search: the phones' filter sheet, and result cards and map markers that point at
// each other (hover or focus a card: its marker lights up; hover or click a marker: its card).
// The page works without it: the sheet is a <details>, the cards are links.
(function () {
  "use strict";

  const WIDE = window.matchMedia("(min-width: 768px)");

  // From 768 px the filters are always shown; below, the sheet opens on the "Filters" button.
  function sheet() { return document.querySelector("details.filter-sheet"); }

  function fitSheet() {
    const details = sheet();
    if (details) { details.open = WIDE.matches; }
  }

  function closeSheet() {
    const details = sheet();
    if (details && !WIDE.matches && details.open) {
      details.open = false;
      details.querySelector("summary").focus();
    }
  }

  function initSheet() {
    const details = sheet();
    if (!details) { return; }
    fitSheet();
    WIDE.addEventListener("change", fitSheet);
    details.querySelectorAll("[data-close-sheet]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", closeSheet);
    });
    details.addEventListener("submit", closeSheet);
    details.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { closeSheet(); }
    });
  }

  // Cards and markers, keyed by unit id (the card's data-unit-id, the marker's unit).
  function markersOf() {
    const map = document.getElementById("units-map");
    return map && map.vrijstadMarkers;
  }

  function markerElement(id) {
    const markers = markersOf();
    const marker = markers && markers.byUnit.get(id);
    if (!marker) { return null; }
    // A marker inside a cluster is not drawn: light up the cluster instead.
    const shown = markers.group.getVisibleParent ? markers.group.getVisibleParent(marker) : marker;
    return shown ? shown.getElement() : null;
  }

  function mark(selector, className, element) {
    document.querySelectorAll(selector + "." + className).forEach((e) => e.classList.remove(className));
    if (element) { element.classList.add(className); }
  }

  function highlightMarker(id) {
    mark("#units-map *", "is-highlighted", id ? markerElement(id) : null);
  }

  function card(id) {
    return id ? document.querySelector(`.unit-card[data-unit-id="${CSS.escape(id)}"]`) : null;
  }

  function highlightCard(id, className) {
    mark(".unit-card", className, card(id));
  }

  let hovered = null;
  function cardHovered(event) {
    const found = event.target.closest ? event.target.closest(".unit-card[data-unit-id]") : null;
    const id = found ? found.dataset.unitId : null;
    if (id !== hovered) {
      hovered = id;
      highlightMarker(id);
    }
  }

  function wireMarkers(event) {
    event.target.vrijstadMarkers.byUnit.forEach((marker, id) => {
      marker.on("mouseover", () => highlightCard(id, "is-highlighted"));
      marker.on("mouseout", () => highlightCard(null, "is-highlighted"));
      marker.on("click", () => {
        highlightCard(id, "is-selected");
        const found = card(id);
        if (found) { found.scrollIntoView({ block: "nearest" }); }
      });
      marker.on("popupclose", () => highlightCard(null, "is-selected"));
    });
  }

  document.addEventListener("pointerover", cardHovered);
  document.addEventListener("focusin", cardHovered);
  document.addEventListener("vrijstad:markers", wireMarkers);
  document.addEventListener("DOMContentLoaded", initSheet);
})();
