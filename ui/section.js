// Open a page at the section a link names, and bring a lesson's reveal into view (ui/links.py sends this script with every run of app.py):
// `gamma-beta?section=peaks` brings the heading whose anchor is "peaks" to the top of the window, once per
// page the learner comes to. Streamlit's page links carry no `#fragment` (and a heading scrolls itself to a
// fragment at each redraw, so every slider move would jump back), hence the parameter (content/registry.py).
//
// The charts above the heading are drawn after it and push it down: it is held at the top until the app has
// finished its run and the page has kept still for a moment, or until the learner scrolls, clicks or presses
// a key, or for a minute at most. The parameter is only ever compared with elements' ids, never shown.
(() => {
  if (window.bnvizSection) return; // sent with every run: installed once per window
  window.bnvizSection = true;
  const NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;
  const STILL_MS = 800; // the page kept still this long, the app idle: the section is reached
  const GIVE_UP_MS = 60_000;
  let reached = null; // the address (path and section) whose section was last reached
  let holding = null; // {where, since, still}: the section being brought into view
  let hand = false; // the learner moved the page since the hold began
  const state = (value) => (document.documentElement.dataset.bnvizSection = value); // "holding", "reached": for tests

  for (const type of ["wheel", "touchstart", "keydown", "mousedown"]) {
    addEventListener(type, () => (hand = true), { capture: true, passive: true });
  }

  const idle = () => document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]') !== null;
  // Elements still drawn as Streamlit's 40 px placeholders (a page's first drawing): the page is not its height yet.
  const drawing = () => document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]') !== null;

  function scroller(element) {
    for (let e = element.parentElement; e; e = e.parentElement) {
      const overflow = getComputedStyle(e).overflowY;
      if ((overflow === "auto" || overflow === "scroll") && e.scrollHeight > e.clientHeight) return e;
    }
    return document.scrollingElement;
  }

  // How far the heading is from just below Streamlit's header bar (which covers the top of the page), in px.
  function offset(heading) {
    const bar = document.querySelector('[data-testid="stHeader"]');
    const top = (bar ? bar.getBoundingClientRect().bottom : 0) + 8;
    return heading.getBoundingClientRect().top - top;
  }

  function tick() {
    const section = new URLSearchParams(location.search).get("section");
    if (!section || !NAME.test(section)) {
      reached = holding = null;
      return;
    }
    const where = `${location.pathname}?section=${section}`;
    if (where === reached) return;
    const now = performance.now();
    if (holding?.where !== where) {
      holding = { where, since: now, still: now };
      hand = false;
      state("holding");
    }
    const heading = document.querySelector(`[data-testid="stMain"] [id="${section}"]`);
    if (heading && !hand) {
      const by = offset(heading);
      const page = scroller(heading);
      const before = page.scrollTop;
      if (Math.abs(by) > 2) page.scrollBy(0, by);
      if (page.scrollTop !== before) holding.still = now; // at the page's end it cannot go further: still

    }
    const settled = heading && idle() && !drawing() && now - holding.still > STILL_MS;
    if (settled || hand || now - holding.since > GIVE_UP_MS) {
      reached = where;
      holding = null;
      state("reached");
    }
  }

  // In classroom mode a lesson's reveal (ui.classroom.reveal) is scrolled into view when it appears, as little
  // as it takes (so the prompt above it stays in view where both fit): once each time it appears, when the run
  // has finished and the charts above it are drawn.
  const placed = new Set();
  // A chart not yet drawn by plotly still has its placeholder's height: wait for every chart shown.
  const undrawn = () =>
    [...document.querySelectorAll('[data-testid="stMain"] :is(.bnviz-chart, .bnviz-live)')].some(
      (e) => e.getClientRects().length > 0 && !(Number(e.dataset.plots || 0) >= 1),
    );
  const REVEAL = "st-key-lesson_reveal_";
  const revealKey = (box) => [...box.classList].find((c) => c.startsWith(REVEAL));
  function reveal() {
    const boxes = [...document.querySelectorAll(`[data-testid="stMain"] [class*="${REVEAL}"]`)];
    const keys = new Set(boxes.map(revealKey));
    for (const key of placed) if (!keys.has(key)) placed.delete(key); // gone: placed again when it comes back
    if (!idle() || holding || undrawn()) return;
    for (const box of boxes) {
      const key = revealKey(box);
      if (placed.has(key)) continue;
      placed.add(key);
      const above = offset(box) < 0; // under Streamlit's header bar, or higher
      if (above || box.getBoundingClientRect().bottom > innerHeight) box.scrollIntoView({ block: above ? "center" : "end" });
      document.documentElement.dataset.bnvizReveal = key.slice(REVEAL.length); // for tests: this one is placed
    }
  }

  setInterval(() => {
    tick();
    reveal();
  }, 100);
})();
