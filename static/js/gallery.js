// A unit's photo gallery: a scroll-snap strip that works by swiping or scrolling alone. This
// adds previous/next buttons, the arrow keys one photo at a time, a "2 / 5" count and
// thumbnails that show their photo in the strip instead of jumping the page.
const smooth = () =>
  window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";

document.querySelectorAll("[data-gallery]").forEach((frame) => {
  const strip = frame.querySelector(".gallery-strip");
  const slides = [...strip.children];
  if (slides.length < 2) return;
  const buttons = frame.querySelectorAll(".gallery-button");
  const count = frame.querySelector(".gallery-count");
  const thumbs = [...frame.parentElement.querySelectorAll(".gallery-thumbs a")];

  const current = () => Math.round(strip.scrollLeft / strip.clientWidth);
  const show = (index) => {
    const target = Math.max(0, Math.min(slides.length - 1, index));
    strip.scrollTo({ left: target * strip.clientWidth, behavior: smooth() });
  };
  const update = () => {
    const index = current();
    buttons.forEach((button) => {
      const step = Number(button.dataset.step);
      button.disabled = index + step < 0 || index + step >= slides.length;
    });
    count.textContent = `${index + 1} / ${slides.length}`;
    thumbs.forEach((thumb, n) => {
      if (n === index) thumb.setAttribute("aria-current", "true");
      else thumb.removeAttribute("aria-current");
    });
  };

  buttons.forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => show(current() + Number(button.dataset.step)));
  });
  count.hidden = false;
  strip.addEventListener("keydown", (event) => {
    const step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
    if (step) {
      event.preventDefault();
      show(current() + step);
    }
  });
  thumbs.forEach((thumb) => {
    thumb.addEventListener("click", (event) => {
      event.preventDefault();
      show(Number(thumb.dataset.photo));
    });
  });
  let pending = 0;
  strip.addEventListener("scroll", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(update);
  });
  window.addEventListener("resize", update);
  update();
});
