// One history entry per page visited (ui/links.py sends this script with every run of app.py).
//
// Streamlit's client pushes an entry for every address a run writes (handlePageInfoChanged calls
// history.pushState unless Back or Forward started the run): each st.query_params write (a live control's
// value, /gamma-beta's γ and β, classroom mode's switch) and each bound control that Python moves
// (/steps' Next ▶). Back then walked through the page's own moves, each time to an address that the run
// it started wrote over again: Back did nothing. Here a new address on the same path replaces the entry.
//
// A new path (the sidebar, a page link, Previous / Next) is pushed, as Streamlit does, so Back goes to the
// page before. Streamlit pushes it only once the new page's run has begun, after that run has written its
// own parameters over the page being left (it drops the old page's bound controls, it adds the batch it
// carries): the entry left is given back the address it had when the learner clicked the link.
(() => {
  if (history.pushState.bnvizOneEntryPerPage) return; // sent with every run: installed once per window
  const push = history.pushState;
  let left = null; // the address of the page a clicked link leaves, as the learner left it

  document.addEventListener(
    "click",
    (event) => {
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (link && new URL(link.href, location.href).pathname !== location.pathname) left = location.href;
    },
    true
  );

  const pushNewPage = function (state, unused, url) {
    const path = url == null ? location.pathname : new URL(url, location.href).pathname;
    if (path === location.pathname) return history.replaceState(state, unused, url);
    if (left !== null && new URL(left).pathname === location.pathname) history.replaceState(history.state, "", left);
    left = null;
    return push.call(history, state, unused, url);
  };
  pushNewPage.bnvizOneEntryPerPage = true;
  history.pushState = pushNewPage;

  // This script arrives with the first run's sidebar, after that run's own writes: a link the first run
  // corrected (a value out of range, an unknown parameter) was pushed on top of the link as opened, on the
  // same page (once per write), and Back would land on one of those entries, which the page corrects again:
  // nothing. So a Back that lands below the corrected entry goes on, past the link as opened, to where the
  // learner came from (a tab opened on the link has nowhere to go). Only for a page opened by a link, not
  // reloaded (a reloaded entry keeps its state from before this run). Entries are told apart by their
  // index (the Navigation API, where the browser has it), else by the link's address.
  const navigation = performance.getEntriesByType("navigation")[0];
  const opened = navigation?.name;
  const streamlits = (state) => state !== null && typeof state === "object" && !Object.keys(state).length;
  if (navigation?.type === "navigate" && opened && opened !== location.href && streamlits(history.state)) {
    if (new URL(opened).pathname === location.pathname) {
      const entries = window.navigation?.entries?.();
      const top = window.navigation?.currentEntry?.index;
      const first = entries ? entries.findLastIndex((e) => e.index < top && e.url === opened) : -1;
      window.addEventListener("popstate", () => {
        const at = window.navigation?.currentEntry?.index;
        if (first >= 0 && at !== undefined) {
          if (at >= entries[first].index && at < top) history.go(entries[first].index - 1 - at);
        } else if (location.href === opened) history.back();
      });
    }
  }
})();
