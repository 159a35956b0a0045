// Vrijstad's own script: progressive enhancements only; every page works without it.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  // Show validation fragments (422) in place; other errors fall back to a full page load.
  if (status === 422 && event.detail.target) {
    event.detail.target.outerHTML = event.detail.xhr.responseText;
  }
});
