// Live charts (ui/live.py): native range inputs redraw a plotly figure in the browser, once per
// animation frame, and send their values back to Python when the hand stops.
// Nothing received is ever inserted as HTML: labels and readouts are set as text (setLabel() draws a
// label's <sub>…</sub>, bnviz.notation's μ<sub>B</sub>, as a <sub> element holding text).

const PLOTLY_JS = "app/static/plotly.min.js"; // Streamlit's static serving of the installed plotly's copy

// The installed plotly package's copy, loaded once per page. Streamlit's own plotly charts also set
// window.Plotly, to the copy they bundle (another version) and whenever they happen to load, so the
// live charts keep the reference their copy set while it ran (just before its load event) and never
// read the global again.
function loadPlotly() {
  if (!window.__bnvizPlotly) {
    window.__bnvizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      // Relative to the page's base: /app/static on "/" and on "/gamma-beta", and under a baseUrlPath.
      script.src = new URL(PLOTLY_JS, document.baseURI).href;
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

// --- what the chart kinds share ---------------------------------------------------------------

// Counts of `values` in the bins of `edges`, as numpy.histogram(values, bins=edges) counts them:
// bin i holds edges[i] <= v < edges[i + 1], the last bin also v == edges[n]; values outside are left out.
export function histogramCounts(values, edges) {
  const n = edges.length - 1;
  const counts = new Array(n).fill(0);
  const lo = edges[0];
  const hi = edges[n];
  for (const v of values) {
    if (!(v >= lo && v <= hi)) continue;
    if (v === hi) {
      counts[n - 1] += 1;
      continue;
    }
    let a = 0;
    let b = n; // edges[a] <= v < edges[b]
    while (b - a > 1) {
      const m = (a + b) >> 1;
      if (edges[m] <= v) a = m;
      else b = m;
    }
    counts[a] += 1;
  }
  return counts;
}

// bnviz.figures.common.density: counts / (total * width), in the same order of operations.
function density(counts, edges) {
  let total = 0;
  for (const c of counts) total += c;
  return counts.map((c, i) => (total ? c / (total * (edges[i + 1] - edges[i])) : c));
}

function std(values) {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return Math.sqrt(squares / values.length);
}

// bnviz.numbers.sig: Python's f"{value:.4g}" ("1.235", "0.0001235", "1.235e-05", "1.2e+06"), "any"
// for a missing value (NaN), never "-0".
export function sig(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return "any";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const strip = (t) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
  const [mantissa, exp] = value.toExponential(digits - 1).split("e"); // rounded once, as Python rounds
  const exponent = parseInt(exp, 10);
  let text;
  if (exponent >= -4 && exponent < digits) text = strip(value.toFixed(digits - 1 - exponent));
  else text = strip(mantissa) + "e" + (exponent < 0 ? "-" : "+") + String(Math.abs(exponent)).padStart(2, "0");
  if (parseFloat(text) === 0) text = text.replace(/^-/, "");
  return text;
}

// bnviz.figures.common.histogram_edges([values], bins): numpy.linspace(lo, hi, bins + 1), as numpy
// computes it (i * step + lo, the last edge exactly hi), widened around a constant sample.
export function histogramEdges(values, bins) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(lo), Math.abs(hi))) {
    const half = lo ? 0.5 * Math.max(1, Math.abs(lo)) * 1e-3 : 0.5;
    lo -= half;
    hi += half;
  }
  return linspace(lo, hi, bins + 1);
}

function linspace(lo, hi, num) {
  const step = (hi - lo) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + lo);
  out[num - 1] = hi;
  return out;
}

// bnviz.figures.common.histogram_bar's arrays (centres, density, widths), with the counts as customdata.
function histogramBar(values, edges) {
  const counts = histogramCounts(values, edges);
  const x = [];
  const width = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    x.push(0.5 * (edges[i] + edges[i + 1]));
    width.push(edges[i + 1] - edges[i]);
  }
  return { x, y: density(counts, edges), width, customdata: counts };
}

function mean(values) {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function maxOf(values) {
  let top = -Infinity;
  for (const v of values) if (v > top) top = v;
  return top;
}

function minOf(values) {
  let low = Infinity;
  for (const v of values) if (v < low) low = v;
  return low;
}

// bnviz.core.activations.activate, elementwise.
const ACTIVATIONS = {
  sigmoid: (z) => 0.5 * (1 + Math.tanh(0.5 * z)),
  tanh: (z) => Math.tanh(z),
  ReLU: (z) => Math.max(z, 0),
};

// bnviz.numbers.fixed: a true minus sign, never "−0.000".
function fixed(value, places) {
  let text = value.toFixed(places);
  if (parseFloat(text) === 0) text = text.replace(/^-/, "");
  return text.replace("-", "\u2212");
}

// --- the chart kinds -------------------------------------------------------------------------
// (arrays, values, figure) -> {traces: [per-trace changes], layout: {key: changes}, readouts: {name:
// text, or {text, value}: the value, unrounded, goes to the readout's data-value for tests}}.

const KINDS = {
  // One histogram trace per channel of x (channels: arrays.x[k]), each value multiplied by the
  // control arrays.control, binned on the fixed edges arrays.edges (bnviz.figures.common's).
  scaled_histograms(arrays, values) {
    const scale = values[arrays.control];
    const traces = [];
    const stds = [];
    for (const channel of arrays.x) {
      const scaled = channel.map((v) => scale * v);
      const counts = histogramCounts(scaled, arrays.edges);
      traces.push({ y: density(counts, arrays.edges), customdata: counts });
      stds.push(fixed(std(scaled), 3));
    }
    return { traces, readouts: { std: stds.join(", ") } };
  },

  // /gamma-beta §1, bnviz.figures.gamma_beta.stages_figure's third row: y = γ·x̂ + β of one channel.
  // arrays: xs (the channel's x, sorted), xh (its x̂, in the same order: x̂ increases with x), bins,
  // x_range (of the x and x̂ rows), x_top (the top of x's outline), others_max (largest |y − x|
  // over the other channels), gamma and beta (the controls' names). Readouts as
  // bnviz.experiments.gamma_beta.output_readout computes them.
  gamma_beta_stages(arrays, values, figure) {
    const gamma = values[arrays.gamma];
    const beta = values[arrays.beta];
    const { xs, xh } = arrays;
    const y = xh.map((v) => v * gamma + beta); // as batch_norm_forward: x_hat * gamma, then + beta
    const m = y.length;
    const mu = mean(y);
    let squares = 0;
    let largest = arrays.others_max;
    let w1 = 0;
    for (let i = 0; i < m; i++) {
      squares += (y[i] - mu) * (y[i] - mu);
      const gap = Math.abs(y[i] - xs[i]); // γ ≥ 0: y in the same order as x, so also W₁'s pairs
      if (gap > largest) largest = gap;
      w1 += gap;
    }
    const sd = Math.sqrt(squares / m);
    w1 /= m;
    const bar = histogramBar(y, histogramEdges(y, arrays.bins));
    const top = Math.max(maxOf(bar.y), arrays.x_top);
    let lo = Math.min(arrays.x_range[0], minOf(y));
    let hi = Math.max(arrays.x_range[1], maxOf(y));
    const pad = hi > lo ? 0.04 * (hi - lo) : 1;
    const marker = figure.data[6];
    const traces = [];
    traces[4] = bar;
    traces[6] = {
      x: [mu],
      y: [1.1 * top],
      error_x: { ...marker.error_x, value: sd },
      hovertemplate: `mean ± std<br>mean %{x:.4g}, std ${sig(sd, 4)}<extra></extra>`,
    };
    return {
      traces,
      layout: { xaxis: { range: [lo - pad, hi + pad] }, yaxis3: { range: [0, top > 0 ? 1.2 * top : 1] } },
      readouts: {
        mean: { text: fixed(mu, 4), value: mu },
        std: { text: fixed(sd, 4), value: sd },
        largest: { text: sig(largest, 3), value: largest },
        w1: { text: sig(w1, 3), value: w1 },
      },
    };
  },

  // /gamma-beta §3, bnviz.figures.gamma_beta.nonlinearity_figure: z = γ·x̂ + β under the curve f.
  // arrays: xh (the channel's x̂), name (sigmoid, tanh, ReLU), region ([lo, hi], hi null for ∞),
  // bins, gamma and beta (the controls' names). The share as share_in_linear_region computes it.
  nonlinearity(arrays, values, figure) {
    const gamma = values[arrays.gamma];
    const beta = values[arrays.beta];
    const f = ACTIVATIONS[arrays.name];
    const z = arrays.xh.map((v) => v * gamma + beta);
    const out = z.map(f);
    const [a, b] = [arrays.region[0], arrays.region[1] ?? Infinity];
    let inside = 0;
    for (const v of z) if (v >= a && v <= b) inside += 1;
    const share = z.length ? inside / z.length : 0;
    const lo = Math.min(-6, minOf(z));
    const hi = Math.max(6, maxOf(z));
    const grid = linspace(lo, hi, 241);
    const curve = grid.map(f);
    const top = maxOf(curve);
    const bottom = minOf(curve);
    const margin = 0.05 * (top - bottom);
    const shapes = figure.layout.shapes.map((s, i) => (i ? s : { ...s, x0: Math.max(a, lo), x1: Math.min(b, hi) }));
    const annotations = figure.layout.annotations.map((n, i) => (i === 2 ? { ...n, x: Math.max(a, lo) } : n));
    return {
      traces: [histogramBar(z, histogramEdges(z, arrays.bins)), { x: grid, y: curve }, histogramBar(out, histogramEdges(out, arrays.bins))],
      layout: {
        xaxis: { range: [lo, hi] },
        yaxis2: { range: [bottom - margin, top + margin] },
        shapes,
        annotations,
      },
      readouts: { share: { text: `${fixed(100 * share, 1)} %`, value: share } },
    };
  },

  // The replay of a recorded training (bnviz.figures.learning.replay_arrays): the step control
  // arrays.control moves the vertical marker (layout shape arrays.marker) to its step, and the
  // readouts show the recorded numbers of that step (row (step - 1) / stride of each array).
  step_replay(arrays, values) {
    const step = values[arrays.control];
    const row = Math.min(Math.max(Math.round((step - 1) / arrays.stride), 0), arrays.mu.length - 1);
    const readouts = {};
    for (const name of ["mu", "var", "gamma", "beta", "loss"]) {
      const value = arrays[name][row];
      readouts[name] = { text: sig(value), value: value === null ? "nan" : String(value) };
    }
    return { traces: [], shapes: { [arrays.marker]: { x0: step, x1: step } }, readouts };
  },
};

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

function valueText(control, value) {
  return fixed(value, control.decimals);
}

function buildControls(live, data, key) {
  const box = live.root.querySelector(".bnviz-live-controls");
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
        wrap.append(button);
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
    // The range follows Python's (a new training has another number of steps); the value stays.
    input.min = String(control.min);
    input.max = String(control.max);
    input.step = String(control.step);
  }
  if (live.revision !== data.revision) {
    // Python set the values (first drawing, arrival from a link, a Reset): the inputs take them.
    for (const control of data.controls) {
      const { input } = live.inputs[control.name];
      input.value = String(control.value);
      // A value Python set off the step grid (a recovered γ) is used as it is until the hand moves.
      if (parseFloat(input.value) !== control.value) live.exact[control.name] = control.value;
      else delete live.exact[control.name];
      live.sent[control.name] = control.value;
    }
    live.pending = {};
    live.revision = data.revision;
  }
  for (const { input, output, control } of Object.values(live.inputs)) {
    const text = valueText(control, live.exact[control.name] ?? parseFloat(input.value));
    output.textContent = text;
    input.setAttribute("aria-valuetext", text);
  }
}

function buildReadouts(live, data) {
  const box = live.root.querySelector(".bnviz-live-readouts");
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

function draw(live) {
  live.frame = 0;
  const Plotly = live.Plotly;
  if (!Plotly || !live.fig) return;
  const update = KINDS[live.data.kind](live.data.arrays, currentValues(live), live.fig);
  update.traces.forEach((changes, i) => changes && Object.assign(live.fig.data[i], changes));
  for (const [name, changes] of Object.entries(update.layout || {})) {
    if (Array.isArray(changes)) live.fig.layout[name] = changes;
    else live.fig.layout[name] = { ...(live.fig.layout[name] || {}), ...changes };
  }
  for (const [i, changes] of Object.entries(update.shapes || {})) Object.assign(live.fig.layout.shapes[i], changes);
  live.fig.layout.datarevision = (live.fig.layout.datarevision || 0) + 1;
  for (const [name, readout] of Object.entries(update.readouts || {})) {
    const element = live.readouts[name];
    if (!element) continue;
    element.textContent = typeof readout === "string" ? readout : readout.text;
    if (typeof readout !== "string") element.dataset.value = String(readout.value); // the exact number, for tests
  }
  Plotly.react(live.chart, live.fig.data, live.fig.layout, live.config).then(() => {
    live.draws += 1;
    live.root.dataset.draws = String(live.draws); // for tests and the benchmark: a redraw happened
  });
}

function requestDraw(live) {
  if (!live.frame) live.frame = requestAnimationFrame(() => draw(live));
}

function flush(live) {
  clearTimeout(live.timer);
  live.timer = 0;
  for (const [name, value] of Object.entries(live.pending)) {
    if (live.sent[name] !== value) {
      live.sent[name] = value;
      live.setStateValue(name, value);
    }
  }
  live.pending = {};
}

// A control's value moved (the hand, or Play): its text, one redraw, and the value sent once it rests.
function changed(live, entry) {
  const value = parseFloat(entry.input.value);
  delete live.exact[entry.control.name]; // the hand moved: the value is the input's again
  const text = valueText(entry.control, value);
  entry.output.textContent = text;
  entry.input.setAttribute("aria-valuetext", text);
  requestDraw(live);
  live.pending[entry.control.name] = value;
  clearTimeout(live.timer);
  live.timer = setTimeout(() => flush(live), live.data.debounce);
}

const PLAY_FRAMES = 600; // Play crosses the whole range in about 600 frames (10 s at 60 frames a second)

function setPlaying(entry, playing) {
  entry.button.setAttribute("aria-pressed", String(playing));
  entry.button.textContent = playing ? "Pause" : "Play";
}

function play(live, entry) {
  const { input } = entry;
  const min = parseFloat(input.min);
  const max = parseFloat(input.max);
  const step = parseFloat(input.step);
  if (parseFloat(input.value) >= max) input.value = String(min); // at the end: play again from the start
  const per = Math.max(1, Math.round((max - min) / step / PLAY_FRAMES)) * step;
  live.playing = entry;
  setPlaying(entry, true);
  const tick = () => {
    if (live.playing !== entry) return;
    input.value = String(Math.min(max, parseFloat(input.value) + per)); // the input snaps it to its grid
    changed(live, entry);
    if (parseFloat(input.value) >= max) pause(live);
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
  const root = parentElement.querySelector(".bnviz-live");
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
    timer: 0,
    playing: null, // the control Play is advancing
    playFrame: 0,
    draws: 0,
    config: { displaylogo: false, responsive: true, toImageButtonOptions: { format: "png", scale: 2 } },
  });
  live.data = data;
  live.setStateValue = setStateValue;
  if (!KINDS[data.kind]) throw new Error("Unknown live chart kind: " + String(data.kind));
  buildControls(live, data, key);
  buildReadouts(live, data);
  live.fig = themed(data.figure, root);

  for (const entry of Object.values(live.inputs)) {
    entry.input.oninput = () => {
      if (live.playing) pause(live); // the hand takes over from Play
      changed(live, entry);
    };
  }
  loadPlotly().then((Plotly) => {
    live.Plotly = Plotly;
    root.dataset.plotly = Plotly.version; // which copy draws: for tests
    requestDraw(live);
  });
  // Leaving the page: a link to another page (the sidebar, a page link, Previous / Next) or Back.
  if (!live.leave) {
    live.leave = (event) => {
      if (event.type === "popstate" || event.target.closest?.("a[href]:not([target=_blank])")) drop(live);
    };
    document.addEventListener("click", live.leave, true); // before Streamlit's own handler
    window.addEventListener("popstate", live.leave);
  }
  // Removed (the learner left the page, or the chart left it): nothing more is sent from it.
  return () => {
    drop(live);
    document.removeEventListener("click", live.leave, true);
    window.removeEventListener("popstate", live.leave);
    live.leave = null;
  };
}
