// The chart kinds of ui/live.py: for each, an updater (arrays, values, figure) -> update, where the
// update names what it changes, never its position:
//   {traces: {meta: changes}, shapes: {name: changes}, annotations: {name: changes},
//    layout: {key: changes}, readouts: {name: text or {text, value}}}
// (a readout's value, unrounded, goes to its data-value, for tests), and what the updater needs from
// the Python figure (`needs(arrays)`: the traces' meta and the shape and annotation names it changes),
// checked against each figure builder by tests/ui/test_live_js.py.

import { ACTIVATIONS, batchNorm, fixed, histogramBar, histogramEdges, linspace } from "./maths.js";
import { distance, maxOf, mean, minOf, sig, std } from "./maths.js";

// The home page, bnviz.figures.home.before_after_figure: each channel of x times the scale (traces
// before_k), on one x axis that holds the batch at scale 1 and now, rounded out (niceRange); and after
// BatchNorm with γ and β on one channel (after_k), the others on a fixed axis [-a, a]. arrays: x (per
// channel, at scale 1), x_range (its lowest and highest value), band (the after row's grey band), after
// (a), channel, eps, bins, and scale, gamma, beta (the controls' names). Readouts: each channel's std
// before, and the learner's channel after.
const beforeAfter = {
  needs: (arrays) => ({ traces: arrays.x.flatMap((_, k) => [`before_${k}`, `after_${k}`]) }),
  update(arrays, values, figure, find) {
    const scale = values[arrays.scale];
    const before = arrays.x.map((channel) => channel.map((v) => scale * v));
    const after = before.map((channel, k) =>
      k === arrays.channel
        ? batchNorm(channel, values[arrays.gamma], values[arrays.beta], arrays.eps)
        : batchNorm(channel, 1, 0, arrays.eps),
    );
    const low = (rows) => Math.min(...rows.map(minOf));
    const high = (rows) => Math.max(...rows.map(maxOf));
    const top = linspace(
      ...niceRange(Math.min(arrays.x_range[0], low(before)), Math.max(arrays.x_range[1], high(before))),
      arrays.bins + 1,
    );
    // After BN: the learner's channel on its own axis, widened only when γ and β take it out of [-a, a]; the
    // others on [-a, a], fixed.
    const a = arrays.after;
    const mine = after[arrays.channel];
    const own = linspace(...niceRange(Math.min(-a, minOf(mine)), Math.max(a, maxOf(mine))), arrays.bins + 1);
    const others = linspace(-a, a, arrays.bins + 1);
    const traces = {};
    const layout = {};
    for (const [name, rows] of [
      ["before", before],
      ["after", after],
    ]) {
      rows.forEach((values, k) => {
        const edges = name === "before" ? top : k === arrays.channel ? own : others;
        const bar = histogramBar(values, edges);
        traces[`${name}_${k}`] = bar;
        const trace = find.trace(`${name}_${k}`);
        layout[`xaxis${trace.xaxis.slice(1)}`] = { range: [edges[0], edges[edges.length - 1]] };
        layout[`yaxis${trace.yaxis.slice(1)}`] = { range: [0, 1.05 * maxOf(bar.y)] };
      });
    }
    return {
      traces,
      layout,
      readouts: {
        std: before.map((values) => fixed(std(values), 3)).join(", "),
        mean_after: { text: fixed(mean(mine), 3), value: mean(mine) },
        std_after: { text: fixed(std(mine), 3), value: std(mine) },
      },
    };
  },
};

// bnviz.figures.home.nice_range: [lo, hi] rounded out to multiples of half a power of ten of its span.
function niceRange(lo, hi) {
  const span = hi > lo ? hi - lo : Math.max(1, Math.abs(lo));
  const power = (k) => (k >= 0 ? 10 ** k : 1 / 10 ** -k);
  let k = Math.floor(Math.log10(span));
  if (power(k + 1) <= span) k += 1;
  else if (power(k) > span) k -= 1;
  const step = power(k) / 2;
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

// /gamma-beta §1, bnviz.figures.gamma_beta.stages_figure's third row: y = γ·x̂ + β of one channel.
// arrays: xs (the channel's x, sorted), xh (its x̂, in the same order: x̂ increases with x), bins,
// x_range (of the x and x̂ rows), x_top (the top of x's outline), rounding and rounding_text (the bound
// under which a distance is float64's rounding, and its text), gamma and beta (the controls' names).
// Readouts as bnviz.experiments.gamma_beta.output_readout computes them for this channel, written as
// content.gamma_beta.readout_table writes them.
const gammaBetaStages = {
  needs: () => ({ traces: ["y_bars", "y_mean"] }),
  update(arrays, values, figure, find) {
    const gamma = values[arrays.gamma];
    const beta = values[arrays.beta];
    const { xs, xh } = arrays;
    const y = xh.map((v) => v * gamma + beta); // as batch_norm_forward: x_hat * gamma, then + beta
    const m = y.length;
    const mu = mean(y);
    let squares = 0;
    let largest = 0;
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
    const lo = Math.min(arrays.x_range[0], minOf(y));
    const hi = Math.max(arrays.x_range[1], maxOf(y));
    const pad = hi > lo ? 0.04 * (hi - lo) : 1;
    const marker = find.trace("y_mean");
    return {
      traces: {
        y_bars: bar,
        y_mean: {
          x: [mu],
          y: [1.1 * top],
          error_x: { ...marker.error_x, value: sd },
          hovertemplate: `mean ± std<br>mean %{x:.4g}, std ${sig(sd, 4)}<extra></extra>`,
        },
      },
      layout: { xaxis: { range: [lo - pad, hi + pad] }, yaxis3: { range: [0, top > 0 ? 1.2 * top : 1] } },
      readouts: {
        mean: { text: fixed(mu, 4), value: mu },
        std: { text: fixed(sd, 4), value: sd },
        largest: { text: distance(largest, arrays.rounding, arrays.rounding_text), value: largest },
        w1: { text: distance(w1, arrays.rounding, arrays.rounding_text), value: w1 },
      },
    };
  },
};

// /gamma-beta §3, bnviz.figures.gamma_beta.nonlinearity_figure: z = γ·x̂ + β under the curve f.
// arrays: xh (the channel's x̂), name (sigmoid, tanh, ReLU), region ([lo, hi], hi null for ∞),
// bins, gamma and beta (the controls' names). The share as share_in_linear_region computes it.
const nonlinearity = {
  needs: () => ({ traces: ["z_bars", "curve", "out_bars"], shapes: ["linear_region"], annotations: ["linear_label"] }),
  update(arrays, values) {
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
    const fRange = [bottom - margin, top + margin];
    const zBars = histogramBar(z, histogramEdges(z, arrays.bins));
    const outBars = histogramBar(out, histogramEdges(out, arrays.bins));
    return {
      traces: { z_bars: zBars, curve: { x: grid, y: curve }, out_bars: outBars },
      // every range as nonlinearity_figure sets it
      layout: {
        xaxis: { range: [lo, hi] },
        yaxis: { range: [0, 1.05 * maxOf(zBars.y)] },
        yaxis2: { range: fRange },
        xaxis2: { range: fRange },
        yaxis3: { range: [0, 1.05 * maxOf(outBars.y)] },
      },
      shapes: { linear_region: { x0: Math.max(a, lo), x1: Math.min(b, hi) } },
      annotations: { linear_label: { x: Math.max(a, lo) } },
      readouts: { share: { text: `${fixed(100 * share, 1)} %`, value: share } },
    };
  },
};

// A typed array as plotly.py sends one ({dtype, bdata}: base64 of its little-endian bytes), decoded once per
// array received; a list as it is.
const TYPED = { f4: Float32Array, f8: Float64Array };
const decodedArrays = new WeakMap();
function decoded(array) {
  if (Array.isArray(array)) return array;
  if (!decodedArrays.has(array)) {
    const bytes = Uint8Array.from(atob(array.bdata), (c) => c.charCodeAt(0));
    decodedArrays.set(array, new TYPED[array.dtype](bytes.buffer));
  }
  return decodedArrays.get(array);
}

// How many of the increasing numbers `sorted` are at most v (numpy's searchsorted(sorted, v, "right")).
function countUpTo(sorted, v) {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// The replay of a recorded training (bnviz.figures.learning.replay_arrays, replay_curves): the step control
// arrays.control moves the vertical marker (the shape "step_marker") to its step, draws each curve of
// arrays.curves (by its trace's meta) up to it, the points known at that step (as replay_figure draws
// them), and the readouts show the recorded numbers of that step (row (step - 1) / stride of each array).
const stepReplay = {
  needs: (arrays) => ({ traces: Object.keys(arrays.curves), shapes: ["step_marker"] }),
  update(arrays, values) {
    const step = values[arrays.control];
    const row = Math.min(Math.max(Math.round((step - 1) / arrays.stride), 0), arrays.mu.length - 1);
    const readouts = {};
    for (const name of ["mu", "var", "gamma", "beta", "loss"]) {
      const value = arrays[name][row];
      readouts[name] = { text: sig(value), value: value === null ? "nan" : String(value) };
    }
    const traces = {};
    for (const [meta, curve] of Object.entries(arrays.curves)) {
      const n = countUpTo(curve.known, step);
      traces[meta] = { x: curve.x.slice(0, n), y: Array.from(decoded(curve.y).subarray(0, n)) };
    }
    return { traces, shapes: { step_marker: { x0: step, x1: step } }, readouts };
  },
};

// A chart with no control (ui/live.py chart()): drawn as Python built it.
const staticChart = { needs: () => ({}), update: () => ({}) };

export const KINDS = {
  static: staticChart,
  before_after: beforeAfter,
  gamma_beta_stages: gammaBetaStages,
  nonlinearity,
  step_replay: stepReplay,
};
