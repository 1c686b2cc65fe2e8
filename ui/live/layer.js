// The moving layer: an update (kinds.js) drawn into the chart plotly has already drawn, by moving the SVG
// elements of the traces and shapes it changes. A step of a control then costs about a millisecond, where
// plotly's redraw of the whole figure costs 10–90 (docs/performance.md). An axis may change its range
// only if it is bare (no tick labels, grid, zero line or axis line: bnviz.figures.gamma_beta.BARE, a
// density's axis), and then every trace on it is moved. Anything this cannot draw as plotly would (an
// axis with numbers that moves, an annotation that moves, a trace kind or option not below, an element
// count that changed, but for a curve's alike markers) returns false, and plotly draws the figure; element.js also lets plotly draw it
// once the hand rests, so that hover labels read the new values.
// Geometry as plotly.js 4 writes it (src/traces/bar/plot.js, src/traces/scatter/plot.js,
// src/components/errorbars/plot.js, src/components/shapes/helpers.js), checked against plotly's own
// drawing by tests/browser/test_browser_live_layer.py.

const axisKey = (id) => (id[0] === "x" ? "xaxis" : "yaxis") + id.slice(1); // "y3" -> "yaxis3"

// Two ranges equal to rounding (the update's is recomputed from the same numbers as the drawn one).
function sameRange(drawn, wanted) {
  if (!Array.isArray(drawn) || !Array.isArray(wanted) || wanted.length !== 2) return false;
  const scale = Math.max(Math.abs(drawn[0]), Math.abs(drawn[1]), 1e-300);
  return Math.abs(drawn[0] - wanted[0]) <= 1e-12 * scale && Math.abs(drawn[1] - wanted[1]) <= 1e-12 * scale;
}

const finite = (values) => Array.from(values).every(Number.isFinite);
const isArray = (v) => Array.isArray(v) || ArrayBuffer.isView(v);

// A trace's array as the update left it, or (not updated: still plotly.py's base64 form in the figure)
// as plotly decoded it when it drew.
function arrayOf(trace, fullTrace, key) {
  if (isArray(trace[key])) return trace[key];
  return isArray(fullTrace[key]) ? fullTrace[key] : null;
}
const round2 = (v) => Math.round(v * 100) / 100; // plotly writes error bars and markers to 0.01 px

// The SVG group plotly drew for trace i (its calcdata is bound to it by d3).
function traceGroup(gd, i) {
  for (const g of gd.querySelectorAll(".trace")) if (g.__data__?.[0]?.trace?.index === i) return g;
  return null;
}

// The update's arrays for a trace are the ones plotly drew.
function unchanged(trace, fullTrace, changes) {
  if (!changes) return false;
  return Object.entries(changes).every(([key, value]) => {
    const drawn = fullTrace[key];
    return isArray(value) && isArray(drawn) && value.length === drawn.length && value.every((v, j) => v === drawn[j]);
  });
}

// An axis that draws nothing of its range: a new range moves only the traces on it.
const isBare = (ax) =>
  ax.type === "linear" && !ax.showticklabels && !ax.showgrid && !ax.zeroline && !ax.showline && !ax.ticks;

// Data to pixels on `ax` (relative to its subplot, as plotly's c2p): plotly's own mapping for the
// range it drew, the same linear map for a new range of a bare axis.
function mapping(ax, range) {
  if (!range) return (v) => ax.c2p(v, true);
  const [r0, r1] = range;
  const length = ax._length;
  // to 0.01 px, as plotly's l2p
  return ax._id[0] === "x"
    ? (v) => round2((length * (v - r0)) / (r1 - r0))
    : (v) => round2((length * (r1 - v)) / (r1 - r0));
}

// The alpha of a single colour ("#0072b2", "rgba(0,0,0,0.5)"); null for a colour per bar.
function alpha(color) {
  if (typeof color !== "string") return null;
  const rgba = /^rgba\(([^)]*)\)$/.exec(color.replace(/\s/g, ""));
  return rgba ? parseFloat(rgba[1].split(",")[3]) : 1;
}

// A vertical bar trace of pre-binned bars (x the centres, width each bar's): one path per bar, its edges
// on whole pixels as plotly puts them (bar/plot.js: a bar under 2 px wide is widened to whole pixels).
function moveBars(full, trace, fullTrace, group, px, py) {
  const [x, y, width] = ["x", "y", "width"].map((key) => arrayOf(trace, fullTrace, key));
  const paths = group.querySelectorAll(".points > .point > path");
  const line = fullTrace.marker.line?.width ?? 0;
  const opacity = alpha(fullTrace.marker.color);
  if (fullTrace.orientation !== "v" || fullTrace.base != null || !x || !y || !width || opacity === null) return null;
  if (fullTrace.offset != null || fullTrace.marker.cornerradius) return null; // bars placed or drawn otherwise
  if (paths.length !== x.length || y.length !== x.length || width.length !== x.length) return null;
  if (!finite(x) || !finite(y) || !finite(width)) return null;
  const half = Math.round(((line / 2) % 1) * 100) / 100;
  const snap = full.bargap === 0 && full.bargroupgap === 0 ? (v) => round2(Math.round(v) - half) : (v) => v;
  const widen = (a, b, keep) => {
    if (keep && a === b) return a;
    return Math.abs(a - b) >= 2 ? snap(a) : a > b ? Math.ceil(a) : Math.floor(a);
  };
  const edge = opacity < 1 || line > 0.01 ? snap : widen;
  const base = py(0);
  const d = Array.from(x, (centre, j) => {
    let x0 = px(centre - width[j] / 2);
    let x1 = px(centre + width[j] / 2);
    let y0 = base;
    let y1 = py(y[j]);
    if (y1 - y0 === 0) y1 = y0; // plotly's blank bar
    x0 = edge(x0, x1, false);
    x1 = edge(x1, x0, false);
    y0 = edge(y0, y1, true);
    y1 = edge(y1, y0, true);
    return `M${x0},${y0}V${y1}H${x1}V${y0}Z`;
  });
  return () => paths.forEach((path, j) => path.setAttribute("d", d[j]));
}

// Plotly's line through pixel points: straight (linear) or a step, horizontal first (hv).
const LINES = {
  linear: (xs, ys) => "M" + xs.map((v, j) => `${round2(v)},${round2(ys[j])}`).join("L"),
  hv: (xs, ys) =>
    `M${round2(xs[0])},${round2(ys[0])}` + xs.slice(1).map((v, j) => `H${round2(v)}V${round2(ys[j + 1])}`).join(""),
};

// A scatter trace: its line, or its markers with a constant horizontal error bar.
function moveScatter(trace, fullTrace, group, px, py) {
  const [x, y] = ["x", "y"].map((key) => arrayOf(trace, fullTrace, key));
  if (!x || !y || !x.length || !finite(x) || !finite(y) || x.length !== y.length) return null;
  const xs = Array.from(x, px);
  const ys = Array.from(y, py);
  const moves = [];
  if (fullTrace.mode.includes("lines")) {
    const line = group.querySelector("path.js-line");
    const draw = LINES[fullTrace.line.shape];
    if (!line || !draw || fullTrace.fill !== "none") return null;
    const d = draw(xs, ys);
    moves.push(() => line.setAttribute("d", d));
  }
  if (fullTrace.mode.includes("markers")) {
    const points = [...group.querySelectorAll(".points > path.point")];
    if (points.length !== x.length) {
      // A replay's curve drawn up to a new step: markers removed, or added as copies of its last, when every
      // marker is drawn alike (one size, symbol, colour and opacity; no error bar to follow them).
      const alike = ["size", "symbol", "color", "opacity"].every((key) => !isArray(fullTrace.marker[key]));
      if (!alike || !points.length || fullTrace.error_x?.visible || fullTrace.error_y?.visible) return null;
    }
    const at = xs.map((v, j) => `translate(${round2(v)},${round2(ys[j])})`);
    moves.push(() => {
      while (points.length > at.length) points.pop().remove();
      while (points.length < at.length) points.push(points.at(-1).parentNode.appendChild(points.at(-1).cloneNode()));
      points.forEach((p, j) => p.setAttribute("transform", at[j]));
    });
    const error = fullTrace.error_x;
    if (error?.visible) {
      const bars = group.querySelectorAll(".errorbar > path.xerror");
      const value = trace.error_x?.value;
      if (error.type !== "constant" || bars.length !== x.length || fullTrace.error_y?.visible) return null;
      if (!Number.isFinite(value)) return null;
      const w = error.width;
      const d = Array.from(x, (v, j) => {
        const [lo, hi, at] = [px(v - value), px(v + value), ys[j]].map(round2);
        return `M${hi},${round2(at - w)}v${2 * w}m0,-${w}H${lo}m0,-${w}v${2 * w}`;
      });
      moves.push(() => bars.forEach((bar, j) => bar.setAttribute("d", d[j])));
    }
  }
  return moves.length ? () => moves.forEach((move) => move()) : null;
}

// A line or rectangle shape on an x axis, and on the paper, a y axis' domain or a y axis.
function moveShape(gd, full, index, shape) {
  const path = gd.querySelector(`.shapelayer path[data-index="${index}"]`);
  const drawn = full.shapes?.[index];
  if (!path || !drawn || !["line", "rect"].includes(shape.type) || drawn.xsizemode !== "scaled") return null;
  if (drawn.ysizemode !== "scaled" || !/^x\d*$/.test(drawn.xref)) return null;
  const xa = full[axisKey(drawn.xref)];
  const x2p = (v) => xa._offset + xa.r2p(v);
  let y2p;
  if (drawn.yref === "paper") y2p = (v) => full._size.t + full._size.h * (1 - v);
  else if (/^y\d* domain$/.test(drawn.yref)) {
    const ya = full[axisKey(drawn.yref.split(" ")[0])];
    y2p = (v) => ya._offset + ya._length * (1 - v);
  } else if (/^y\d*$/.test(drawn.yref)) {
    const ya = full[axisKey(drawn.yref)];
    y2p = (v) => ya._offset + ya.r2p(v);
  } else return null;
  const [x0, x1, y0, y1] = [x2p(shape.x0), x2p(shape.x1), y2p(shape.y0), y2p(shape.y1)];
  if (![x0, x1, y0, y1].every(Number.isFinite)) return null;
  const d = shape.type === "line" ? `M${x0},${y0}L${x1},${y1}` : `M${x0},${y0}H${x1}V${y1}H${x0}Z`;
  return () => path.setAttribute("d", d);
}

// Draw `update`, already applied to the figure `fig` (figure.js apply), into `gd`, plotly's drawn chart
// of that figure before the update. True when drawn; false when plotly must draw the whole figure (then
// nothing has been changed).
export function drawInPlace(gd, fig, update) {
  const full = gd._fullLayout;
  if (!full || !gd._fullData || !gd.calcdata || gd.data !== fig.data) return false;
  // What this layer has drawn since plotly last drew (element.js clears it then): the ranges it moved
  // bare axes to. A trace is compared with plotly's drawing only while nothing has been moved in place.
  const layer = gd.__bnvizLayer || { ranges: {} };
  const moved = {}; // axis key -> its new range (bare axes only)
  const ranges = { ...layer.ranges };
  for (const [key, changes] of Object.entries(update.layout || {})) {
    const ax = full[key];
    if (Object.keys(changes).some((k) => k !== "range") || !ax || !Array.isArray(changes.range)) return false;
    const drawn = layer.ranges[key] || ax.range;
    if (sameRange(drawn, changes.range)) continue;
    if (!isBare(ax) || !finite(changes.range) || changes.range[0] === changes.range[1]) return false;
    moved[key] = changes.range;
    ranges[key] = changes.range;
  }
  const movedIds = new Set(Object.keys(moved).map((key) => full[key]._id));
  // Nothing placed in a moved axis' data coordinates but traces (a shape or annotation would stay behind).
  for (const item of [...(full.shapes || []), ...(full.annotations || [])]) {
    if (movedIds.has(item.xref) || movedIds.has(item.yref)) return false;
  }
  for (const [name, changes] of Object.entries(update.annotations || {})) {
    const drawn = (full.annotations || []).find((a) => a.name === name);
    if (!drawn || Object.entries(changes).some(([k, v]) => drawn[k] !== v)) return false;
  }
  // The traces the update changes, and every trace on a moved axis.
  const indices = new Set(Object.keys(update.traces || {}).map((meta) => fig.data.findIndex((t) => t.meta === meta)));
  for (const t of gd._fullData) if (movedIds.has(t.xaxis) || movedIds.has(t.yaxis)) indices.add(t.index);
  const moves = [];
  for (const i of indices) {
    const fullTrace = gd._fullData.find((t) => t.index === i);
    const group = i < 0 ? null : traceGroup(gd, i);
    if (!fullTrace || !group || fullTrace.visible !== true) return false;
    const [xKey, yKey] = [axisKey(fullTrace.xaxis), axisKey(fullTrace.yaxis)];
    // A trace whose numbers and axes are the ones plotly drew stays (plotly's line may have fewer points).
    const still = !gd.__bnvizLayer && !moved[xKey] && !moved[yKey];
    if (still && unchanged(fig.data[i], fullTrace, update.traces[fig.data[i].meta])) continue;
    const px = mapping(full[xKey], ranges[xKey]);
    const py = mapping(full[yKey], ranges[yKey]);
    const move =
      fullTrace.type === "bar"
        ? moveBars(full, fig.data[i], fullTrace, group, px, py)
        : fullTrace.type === "scatter"
          ? moveScatter(fig.data[i], fullTrace, group, px, py)
          : null;
    if (!move) return false;
    moves.push(move);
  }
  for (const name of Object.keys(update.shapes || {})) {
    const index = (fig.layout.shapes || []).findIndex((s) => s.name === name);
    const move = index < 0 ? null : moveShape(gd, full, index, fig.layout.shapes[index]);
    if (!move) return false;
    moves.push(move);
  }
  for (const move of moves) move();
  gd.__bnvizLayer = { ranges };
  return true;
}
