// Vrijstad's own script: progressive enhancements only; every page works without it.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  // Show validation fragments (422) in place; other errors fall back to a full page load.
  if (status === 422 && event.detail.target) {
    event.detail.target.outerHTML = event.detail.xhr.responseText;
  }
});

// The header menu: open (its "Menu" button hidden by CSS) on wide screens, folded below 768 px.
const wideScreen = window.matchMedia("(min-width: 768px)");
const fitMenu = () => {
  const menu = document.querySelector("details.nav-menu");
  if (menu) menu.open = wideScreen.matches;
};
fitMenu();
wideScreen.addEventListener("change", fitMenu);

// A dropdown closes when you click elsewhere, as menus do.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.dropdown[open]").forEach((dropdown) => {
    if (!dropdown.contains(event.target)) dropdown.open = false;
  });
});

// A table (or board) wider than the screen scrolls on its own; keyboard users reach it by Tab.
const markScrollable = () => {
  document.querySelectorAll("main table, main .board, main .table-scroll").forEach((region) => {
    if (region.scrollWidth > region.clientWidth) region.tabIndex = 0;
    else region.removeAttribute("tabindex");
  });
};
markScrollable();
window.addEventListener("resize", markScrollable);
document.addEventListener("htmx:afterSettle", markScrollable);
