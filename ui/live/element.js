// The live chart's element (ui/live.py): its lifecycle in the page. Native range inputs redraw a plotly
// figure in the browser, at once and then at most once per animation frame, and send their values back
// to Python when the hand stops. What it draws comes from modules served with plotly.js (ui/live.py,
// serve_live_js): kinds.js, one updater per chart kind, on maths.js, the NumPy functions it copies;
// figure.js applies an update to the figure by the names Python gave its traces, shapes and annotations;
// layer.js draws it into plotly's drawn chart when the axes stay, and plotly draws the rest.
// Nothing received is ever inserted as HTML: labels and readouts are set as text (setLabel() draws a
// label's <sub>…</sub>, bnviz.notation's μ<sub>B</sub>, as a <sub> element holding text).

// The installed plotly package's copy, served in the modules' folder (data.modules), loaded once per page.
// Streamlit's own plotly charts also set window.Plotly, to the copy they bundle (another version) and
// whenever they happen to load, so the live charts keep the reference their copy set while it ran (just
// before its load event) and never read the global again.
function loadPlotly(base) {
  if (!window.__bnvizPlotly) {
    window.__bnvizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      // Relative to the page's base: /app/static on "/" and on "/gamma-beta", and under a baseUrlPath.
      script.src = new URL(base + "plotly.min.js", document.baseURI).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__bnvizPlotly = null;
        script.remove();
        reject(new Error("plotly.js could not be loaded from " + script.src));
      };
      document.head.appendChild(script);
    });
  }
  return window.__bnvizPlotly;
}

// The chart kinds and the figure's updater, from the folder Python names (data.modules), loaded once.
function loadModules(base) {
  const url = (name) => new URL(base + name, document.baseURI).href;
  window.__bnvizLiveModules ||= Promise.all(["kinds.js", "figure.js", "maths.js", "layer.js"].map((name) => import(url(name)))).then(
    ([kinds, figure, maths, layer]) => ({
      KINDS: kinds.KINDS,
      apply: figure.apply,
      finder: figure.finder,
      fixed: maths.fixed,
      drawInPlace: layer.drawInPlace,
    }),
    (error) => {
      window.__bnvizLiveModules = null; // the next chart tries again
      throw error;
    }
  );
  return window.__bnvizLiveModules;
}

// --- the element ------------------------------------------------------------------------------

// A control's or readout's label as text, with each <sub>…</sub> in it (as plotly writes a subscript:
// bnviz.notation's μ<sub>B</sub>) drawn as a <sub> element. The label is split, never parsed as HTML.
function setLabel(element, text) {
  element.replaceChildren();
  String(text)
    .split(/<sub>(.*?)<\/sub>/)
    .forEach((part, i) => {
      if (i % 2 === 0) element.append(part); // a text node
      else element.append(Object.assign(document.createElement("sub"), { textContent: part }));
    });
}

// A control's value as its output shows it (maths.fixed, once the modules are in).
function showValue(live, entry, value) {
  const text = live.modules ? live.modules.fixed(value, entry.control.decimals) : "";
  entry.output.textContent = text;
  if (text) entry.input.setAttribute("aria-valuetext", text);
}

function buildControls(live, data, key) {
  const box = live.root.querySelector(".bnviz-live-controls");
  if (!box) return; // a chart with no control
  const names = data.controls.map((c) => c.name).join(",");
  if (live.names !== names) {
    box.replaceChildren();
    live.inputs = {};
    for (const control of data.controls) {
      const id = `bnviz-live-${key}-${control.name}`;
      const wrap = document.createElement("div");
      wrap.className = "bnviz-live-control";
      const label = document.createElement("label");
      label.htmlFor = id;
      setLabel(label, control.label);
      const input = document.createElement("input");
      input.type = "range";
      input.id = id;
      input.name = control.name;
      if (control.help) input.title = control.help;
      const output = document.createElement("output");
      output.setAttribute("for", id);
      wrap.append(label, input, output);
      const entry = { input, output, control, button: null };
      if (control.play) {
        const button = document.createElement("button");
        button.type = "button"; // a native button: Tab reaches it, Space and Enter press it
        button.className = "bnviz-live-play";
        button.setAttribute("aria-pressed", "false");
        button.setAttribute("aria-controls", id);
        button.textContent = "Play";
        button.onclick = () => (live.playing === entry ? pause(live) : play(live, entry));
        wrap.append(button, speedControl(live, data.chart, control, id, entry));
        entry.button = button;
      }
      box.append(wrap);
      live.inputs[control.name] = entry;
    }
    live.names = names;
    live.revision = null;
  }
  for (const control of data.controls) {
    const { input } = live.inputs[control.name];
    live.inputs[control.name].control = control;
    input.parentElement.hidden = Boolean(control.hidden); // still holds its value
    input.disabled = Boolean(control.disabled); // locked until the class has predicted (ui.classroom)
    if (live.inputs[control.name].button) live.inputs[control.name].button.disabled = input.disabled;
    // The range follows Python's (a new training has another number of steps); the value stays.
    input.min = String(control.min);
    input.max = String(control.max);
    input.step = String(control.step);
  }
  // The revision: [Python's count of its moves, the scene (/gamma-beta's channel)], compared as text.
  const revision = JSON.stringify(data.revision);
  if (live.revision !== revision) {
    // Python set the values (first drawing, arrival from a link, a Reset): the inputs take them; or the
    // chart is drawn again under the same revision (classroom mode, a page visited again): the inputs
    // take what the hand last set, remembered for this chart.
    const memory = MEMORY[data.chart]?.revision === revision ? MEMORY[data.chart] : null;
    const remembered = memory ? memory.values : {};
    for (const control of data.controls) {
      const { input } = live.inputs[control.name];
      const value = remembered[control.name] ?? control.value;
      input.value = String(value);
      // A value Python set off the step grid (a recovered γ) is used as it is until the hand moves.
      if (parseFloat(input.value) !== value) live.exact[control.name] = value;
      else delete live.exact[control.name];
      if (control.name in remembered) {
        live.sent[control.name] = memory.sent[control.name] ?? value;
        continue;
      }
      // The component's state holds what this chart sent last: it takes Python's value too, so that a
      // later move of the hand back to that old value is a change Python hears.
      const echo = control.name in live.sent && live.sent[control.name] !== control.value;
      live.sent[control.name] = control.value;
      if (echo) send(live, control.name, control.value);
    }
    // A move the element drawn before had not sent yet (it was removed while the hand rested: Streamlit
    // drew the chart again) is sent from here.
    live.pending = { ...(memory?.pending || {}) };
    live.revision = revision;
    if (Object.keys(live.pending).length) live.timer = setTimeout(() => flush(live), data.debounce);
    remember(live);
  }
  showValues(live);
}

function showValues(live) {
  for (const entry of Object.values(live.inputs)) {
    showValue(live, entry, live.exact[entry.control.name] ?? parseFloat(entry.input.value));
  }
}

function buildReadouts(live, data) {
  const box = live.root.querySelector(".bnviz-live-readouts");
  if (!box) return; // a chart with no control
  const names = JSON.stringify(data.readouts); // their labels may name the channel shown
  if (live.readoutNames === names) return;
  box.replaceChildren();
  live.readouts = {};
  for (const readout of data.readouts) {
    const line = document.createElement("div");
    line.className = "bnviz-live-readout";
    const label = document.createElement("span");
    label.className = "bnviz-live-readout-label";
    setLabel(label, readout.label);
    const value = document.createElement("span");
    value.className = "bnviz-live-readout-value";
    value.dataset.name = readout.name;
    line.append(label, value);
    box.append(line);
    live.readouts[readout.name] = value;
  }
  live.readoutNames = names;
}

function themed(figure, root) {
  // The figure as styled in Python, in Streamlit's theme font and text colour.
  const fig = JSON.parse(JSON.stringify(figure));
  const css = getComputedStyle(root);
  const family = css.getPropertyValue("--st-font").trim();
  const color = css.getPropertyValue("--st-text-color").trim();
  fig.layout = fig.layout || {};
  fig.layout.font = { ...(family ? { family } : {}), ...(color ? { color } : {}), ...(fig.layout.font || {}) };
  fig.layout.paper_bgcolor = "rgba(0,0,0,0)";
  return fig;
}

function currentValues(live) {
  const values = {};
  for (const [name, { input }] of Object.entries(live.inputs)) values[name] = live.exact[name] ?? parseFloat(input.value);
  return values;
}

// How long the hand rests before plotly draws the whole figure again after in-place redraws (layer.js):
// its hover labels then read the new values.
const SETTLE_MS = 250;

// The figure at the controls' values: drawn in place (layer.js) when its axes stay, else by plotly.
function draw(live) {
  const { Plotly, modules } = live;
  if (!Plotly || !modules || !live.fig || live.closed) return;
  if (live.plotting) {
    live.again = true; // plotly is drawing: once it has, this draw
    return;
  }
  const kind = modules.KINDS[live.data.kind];
  const update = kind.update(live.data.arrays, currentValues(live), live.fig, modules.finder(live.fig));
  modules.apply(live.fig, update);
  for (const [name, readout] of Object.entries(update.readouts || {})) {
    const element = live.readouts[name];
    if (!element) continue;
    element.textContent = typeof readout === "string" ? readout : readout.text;
    if (typeof readout !== "string") element.dataset.value = String(readout.value); // the exact number, for tests
  }
  if (modules.drawInPlace(live.chart, live.fig, update)) {
    drawn(live, "in place");
    clearTimeout(live.settle);
    live.settle = setTimeout(() => plot(live), SETTLE_MS);
  } else plot(live);
}

// Plotly draws the whole figure, computed again: after in-place draws its own data is the last it drew
// (a new datarevision makes it recompute, where the same arrays would look unchanged to it).
function plot(live) {
  clearTimeout(live.settle);
  live.settle = 0;
  if (live.closed) return;
  if (live.plotting) {
    live.replot = true; // once the draw under way is done
    return;
  }
  live.plotting = true;
  live.fig.layout.datarevision = (live.fig.layout.datarevision || 0) + 1;
  const done = () => {
    live.plotting = false;
    if (live.replot) {
      live.replot = false;
      plot(live);
    } else if (live.again) {
      live.again = false;
      draw(live);
    }
  };
  live.Plotly.react(live.chart, live.fig.data, live.fig.layout, live.config).then(
    () => {
      live.chart.__bnvizLayer = null; // nothing drawn in place since (layer.js)
      live.plots += 1;
      live.root.dataset.plots = String(live.plots); // for tests: plotly drew the whole figure
      drawn(live, "plotly");
      done();
    },
    (error) => {
      done();
      throw error;
    }
  );
}

function drawn(live, how) {
  live.root.dataset.drawn = how; // for tests: how the last redraw was drawn
  live.draws += 1;
  live.root.dataset.draws = String(live.draws); // for tests and the benchmark: a redraw happened
  live.root.querySelector(".bnviz-live-drawing")?.remove(); // the chart is here
}

// A redraw now, and at most one more in this animation frame (the last values of the frame's moves).
function requestDraw(live) {
  if (live.frame) {
    live.dirty = true;
    return;
  }
  live.frame = requestAnimationFrame(() => {
    live.frame = 0;
    if (live.dirty) {
      live.dirty = false;
      requestDraw(live);
    }
  });
  draw(live);
}

// What each chart shows, under the revision it was told, for this window's life: a chart drawn again
// (a new element: classroom mode switched, the page visited again) shows the hand's values, which the
// data, sent only when Python sets them, does not carry.
const MEMORY = (window.__bnvizLiveMemory ||= {});

// The values shown, those sent to Python and the moves not sent yet.
function remember(live) {
  MEMORY[live.data.chart] = {
    revision: live.revision,
    values: currentValues(live),
    sent: { ...live.sent },
    pending: { ...live.pending },
  };
}

// A value to Python, with the scene it belongs to (/gamma-beta's channel): a value that arrives after the
// learner switched channels is not taken for the new channel's.
function send(live, name, value) {
  live.setStateValue(name, { value, scene: live.data.revision[1] });
}

function flush(live) {
  clearTimeout(live.timer);
  live.timer = 0;
  for (const [name, value] of Object.entries(live.pending)) {
    if (live.sent[name] !== value) {
      live.sent[name] = value;
      send(live, name, value);
    }
  }
  live.pending = {};
  remember(live);
}

// A control's value moved (the hand, or Play): its text, one redraw, and the value sent once it rests.
function changed(live, entry) {
  const value = parseFloat(entry.input.value);
  delete live.exact[entry.control.name]; // the hand moved: the value is the input's again
  showValue(live, entry, value);
  requestDraw(live);
  live.pending[entry.control.name] = value;
  clearTimeout(live.timer);
  live.timer = setTimeout(() => flush(live), live.data.debounce);
  remember(live);
}

// Play crosses the whole range in PLAY_MS at 1×, whatever its number of steps and the frame rate: each frame
// it moves to where the time since it started says, so a slow frame is followed by a longer move.
const PLAY_MS = 10_000;
const SPEEDS = ["0.5", "1", "2", "4"]; // Play's speeds, as multiples of that
const SPEED = (window.__bnvizLiveSpeed ||= {}); // the speed chosen for each chart's control, for this window's life

// Play's speed: a native <select> with its own <label> (Tab reaches it, the arrow keys choose), beside Play.
function speedControl(live, chart, control, id, entry) {
  const wrap = document.createElement("span");
  wrap.className = "bnviz-live-speed";
  const label = document.createElement("label");
  label.htmlFor = `${id}-speed`;
  label.textContent = "Speed";
  const select = document.createElement("select");
  select.id = `${id}-speed`;
  const remembered = `${chart}:${control.name}`;
  for (const speed of SPEEDS) select.append(new Option(`${speed}×`, speed));
  select.value = SPEED[remembered] || "1";
  select.onchange = () => (SPEED[remembered] = select.value); // a replay under way takes it at its next frame
  entry.speed = select;
  wrap.append(label, select);
  return wrap;
}

function setPlaying(entry, playing) {
  entry.button.setAttribute("aria-pressed", String(playing));
  entry.button.textContent = playing ? "Pause" : "Play";
}

function play(live, entry) {
  const { input } = entry;
  const min = parseFloat(input.min);
  const max = parseFloat(input.max);
  if (parseFloat(input.value) >= max) {
    input.value = String(min); // at the end: play again from the start
    changed(live, entry);
  }
  live.playing = entry;
  setPlaying(entry, true);
  let clock = null; // where and when play started, or last changed speed: {time, value, speed}
  const tick = (now) => {
    if (live.playing !== entry) return;
    const speed = parseFloat(entry.speed.value);
    if (!clock || clock.speed !== speed) clock = { time: now, value: parseFloat(input.value), speed };
    const target = Math.min(max, clock.value + ((now - clock.time) * speed * (max - min)) / PLAY_MS);
    const before = input.value;
    input.value = String(target); // the input snaps it to its grid
    if (input.value !== before) changed(live, entry);
    if (target >= max) pause(live); // the time is up (a max off the grid: the input stays on the step below)
    else live.playFrame = requestAnimationFrame(tick);
  };
  live.playFrame = requestAnimationFrame(tick);
}

// A value still waiting for the hand to rest is dropped, not sent, when the learner leaves the page:
// sent then, it asks Streamlit to rerun this page's fragment while the next page runs, and Streamlit
// 1.67 answers with an empty fragment run that clears the whole next page (a blank page).
function drop(live) {
  clearTimeout(live.timer);
  live.timer = 0;
  live.pending = {};
  if (live.revision !== null) {
    // and the chart, drawn again when the learner comes back, shows what Python has
    MEMORY[live.data.chart] = { revision: live.revision, values: { ...live.sent }, sent: { ...live.sent }, pending: {} };
  }
  if (live.playing) {
    cancelAnimationFrame(live.playFrame);
    setPlaying(live.playing, false);
    live.playing = null;
  }
}

function pause(live) {
  const entry = live.playing;
  if (!entry) return;
  live.playing = null;
  cancelAnimationFrame(live.playFrame);
  setPlaying(entry, false);
  flush(live); // the step played to goes to Python now: its details follow
}

export default function (component) {
  const { data, key, parentElement, setStateValue } = component;
  const root = parentElement.querySelector(".bnviz-live, .bnviz-chart"); // a live chart, or one with no control
  // What outlives a run of this function with new data: the inputs, the values sent, the chart.
  const live = (root.__bnvizLive ||= {
    root,
    chart: root.querySelector(".bnviz-live-chart"),
    inputs: {},
    exact: {},
    sent: {},
    pending: {},
    readouts: {},
    names: null,
    readoutNames: null,
    revision: null,
    frame: 0,
    dirty: false, // a value moved after this frame's redraw
    settle: 0, // plotly's redraw once the hand rests
    plotting: false,
    again: false,
    replot: false,
    plots: 0,
    timer: 0,
    playing: null, // the control Play is advancing
    playFrame: 0,
    draws: 0,
    config: { displaylogo: false, responsive: true, toImageButtonOptions: { format: "png", scale: 2 } },
  });
  live.data = data;
  live.setStateValue = setStateValue;
  live.closed = false; // drawn again after a removal (the same element kept by Streamlit)
  buildControls(live, data, key);
  // Run again on the same element (Streamlit removed it and drew it again, or sent new data): a move the
  // hand made before, not sent yet, is sent once the hand rests (the removal stopped its timer).
  if (Object.keys(live.pending).length && !live.timer) live.timer = setTimeout(() => flush(live), data.debounce);
  buildReadouts(live, data);
  live.fig = themed(data.figure, root);
  // The chart is as tall as Python's figure, whatever plotly does: its resize (on a new width) drops the
  // layout's height, and its next draw then fills the chart's own height, which was none: the chart fell to
  // 0 px and its plot spilled over the page below.
  live.chart.style.height = live.fig.layout.height ? `${live.fig.layout.height}px` : "";

  for (const entry of Object.values(live.inputs)) {
    entry.input.oninput = () => {
      if (live.playing) pause(live); // the hand takes over from Play
      changed(live, entry);
    };
  }
  Promise.all([loadPlotly(data.modules), loadModules(data.modules)]).then(
    ([Plotly, modules]) => {
      if (!modules.KINDS[data.kind]) throw new Error("Unknown live chart kind: " + String(data.kind));
      live.Plotly = Plotly;
      live.modules = modules;
      root.dataset.plotly = Plotly.version; // which copy draws: for tests
      showValues(live);
      requestDraw(live);
    },
    (error) => {
      const drawing = root.querySelector(".bnviz-live-drawing");
      if (drawing) drawing.textContent = "The chart could not be loaded: reload the page to try again.";
      throw error;
    }
  );
  // The chart follows its container's width (plotly's own `responsive` follows only the window's: a
  // sidebar collapsed, or a column that changed, leaves it at its old width).
  if (!live.resizer && window.ResizeObserver) {
    live.resizer = new ResizeObserver(() => {
      // Only a chart drawn and on screen (a hidden or removed one has nothing to fit).
      if (!live.Plotly || !live.chart.data || !live.chart.isConnected || !live.chart.offsetWidth) return;
      if (live.settle) {
        plot(live); // drawn in place since plotly's last draw: plotly draws the figure, at the new size
        return;
      }
      Promise.resolve()
        .then(() => live.Plotly.Plots.resize(live.chart))
        .catch(() => {}); // it left the screen meanwhile: the next resize fits it
    });
    live.resizer.observe(live.root);
  }
  // Leaving the page: a link to another page (the sidebar, a page link, Previous / Next) or Back.
  if (!live.leave) {
    live.leave = (event) => {
      if (event.type === "popstate" || event.target.closest?.("a[href]:not([target=_blank])")) drop(live);
    };
    document.addEventListener("click", live.leave, true); // before Streamlit's own handler
    window.addEventListener("popstate", live.leave);
  }
  // Removed (the learner left the page, or Streamlit draws the chart again): nothing more is sent from it.
  // A move not sent yet stays remembered (the learner did not leave by a link or Back: the leave listener
  // above has dropped it then), and a chart drawn again under the same revision sends it.
  return () => {
    live.closed = true; // a plotly draw still running draws nothing more
    clearTimeout(live.timer);
    live.timer = 0;
    if (live.playing) {
      cancelAnimationFrame(live.playFrame);
      setPlaying(live.playing, false);
      live.playing = null;
    }
    clearTimeout(live.settle);
    cancelAnimationFrame(live.frame);
    live.frame = 0;
    live.resizer?.disconnect();
    live.resizer = null;
    document.removeEventListener("click", live.leave, true);
    window.removeEventListener("popstate", live.leave);
    live.leave = null;
  };
}
