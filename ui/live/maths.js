// The numbers a live chart computes in the browser, each a copy of one NumPy function of bnviz (named
// beside it) and tested against it on fixtures that bnviz writes (tests/ui/test_live_js.py): pure
// functions, no page, no plotly.

// A live chart's values come from a validated batch: NaN or ±∞ here is a bug, never a value to bin.
function finite(values, what) {
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`${what}: not a finite number: ${v}`);
  return values;
}

// numpy.histogram(values, bins=edges)[0]: bin i holds edges[i] <= v < edges[i + 1], the last bin also
// v == edges[n]; values outside the edges are left out.
export function histogramCounts(values, edges) {
  finite(values, "histogramCounts");
  const n = edges.length - 1;
  const counts = new Array(n).fill(0);
  const lo = edges[0];
  const hi = edges[n];
  for (const v of values) {
    if (v < lo || v > hi) continue;
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
export function density(counts, edges) {
  let total = 0;
  for (const c of counts) total += c;
  return counts.map((c, i) => (total ? c / (total * (edges[i + 1] - edges[i])) : c));
}

// numpy.linspace(lo, hi, num): i * step + lo, the last value exactly hi.
export function linspace(lo, hi, num) {
  const step = (hi - lo) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + lo);
  out[num - 1] = hi;
  return out;
}

// bnviz.figures.common.histogram_edges([values], bins): linspace over the values' range, widened
// around a constant sample.
export function histogramEdges(values, bins) {
  finite(values, "histogramEdges");
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

// bnviz.figures.common.histogram_bar's arrays: bin centres, density, widths, and the counts.
export function histogramBar(values, edges) {
  const counts = histogramCounts(values, edges);
  const x = [];
  const width = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    x.push(0.5 * (edges[i] + edges[i + 1]));
    width.push(edges[i + 1] - edges[i]);
  }
  return { x, y: density(counts, edges), width, customdata: counts };
}

// numpy.mean, summed left to right (numpy sums pairwise: the two agree to about 1e-15 relative).
export function mean(values) {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

// numpy.std: the biased one (divides by m), as BatchNorm's σ_B.
export function std(values) {
  const mu = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - mu) * (v - mu);
  return Math.sqrt(squares / values.length);
}

// bnviz.core.batchnorm.batch_norm_forward for one channel in train mode: x̂ = (x − μ_B) / √(σ²_B + ε) with
// the biased σ²_B of the centred values (batch_statistics), then y = x̂·γ + β; a constant channel gives
// x̂ = 0 (its rounding noise zeroed, as batch_statistics does).
export function batchNorm(values, gamma, beta, eps) {
  finite(values, "batchNorm");
  const mu = mean(values);
  let centred = values.map((v) => v - mu);
  let squares = 0;
  for (const v of centred) squares += v * v;
  let variance = squares / values.length;
  const noise = (8 * Number.EPSILON * Math.abs(mu)) ** 2;
  if (variance <= noise && minOf(values) === maxOf(values)) {
    centred = centred.map(() => 0);
    variance = 0;
  }
  const denom = Math.sqrt(variance + eps);
  const inv = denom > 0 ? 1 / denom : 0;
  return centred.map((v) => v * inv * gamma + beta);
}

export function minOf(values) {
  let low = Infinity;
  for (const v of values) if (v < low) low = v;
  return low;
}

export function maxOf(values) {
  let top = -Infinity;
  for (const v of values) if (v > top) top = v;
  return top;
}

// bnviz.core.activations.activate, elementwise.
export const ACTIVATIONS = {
  sigmoid: (z) => 0.5 * (1 + Math.tanh(0.5 * z)),
  tanh: (z) => Math.tanh(z),
  ReLU: (z) => Math.max(z, 0),
};

// Python rounds an exact tie, a value exactly halfway between two results, to the even one
// (f"{0.125:.2f}" is "0.12"); JavaScript's toFixed and toExponential round it away from zero ("0.13").
// A tie at `places` decimals is a dyadic value whose |value| · 2^(places + 1) is an odd integer (exact:
// a power of two); after rounding away from zero the last digit is then odd exactly when the even
// result is the one below, one unit smaller in that digit (an odd digit: no borrow).
function halfEven(text, tie) {
  if (!tie) return text;
  const last = text.search(/\d(?=\D*$)/); // the last digit (before an exponent, if any)
  const digit = Number(text[last]);
  return digit % 2 ? text.slice(0, last) + String(digit - 1) + text.slice(last + 1) : text;
}

function toFixedHalfEven(value, places) {
  const scaled = Math.abs(value) * 2 ** (places + 1);
  return halfEven(value.toFixed(places), Number.isInteger(scaled) && scaled % 2 === 1);
}

// A tie at `digits` significant digits of a number of exponent `exponent` ≥ digits: an integer whose
// double is an odd multiple of 10^(exponent − digits + 1). (Below 10^digits a tie is toFixed's case;
// below 1e-4 a double is never a tie at 17 digits or fewer.)
function integerTie(value, digits, exponent) {
  if (!Number.isSafeInteger(value)) return false;
  const unit = 10n ** BigInt(exponent - digits + 1);
  const twice = 2n * BigInt(Math.abs(value));
  return twice % unit === 0n && (twice / unit) % 2n === 1n;
}

// bnviz.numbers.sig: Python's f"{value:.4g}" ("1.235", "0.0001235", "1.235e-05", "1.2e+06"), "any"
// for a missing value (NaN), never "-0".
export function sig(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return "any";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const strip = (t) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
  const rounded = value.toExponential(digits - 1); // rounded once, as Python rounds
  const exponent = parseInt(rounded.split("e")[1], 10);
  let text;
  if (exponent >= -4 && exponent < digits) text = strip(toFixedHalfEven(value, digits - 1 - exponent));
  else {
    const mantissa = halfEven(rounded.split("e")[0], exponent >= digits && integerTie(value, digits, exponent));
    text = strip(mantissa) + "e" + (exponent < 0 ? "-" : "+") + String(Math.abs(exponent)).padStart(2, "0");
  }
  if (parseFloat(text) === 0) text = text.replace(/^-/, "");
  return text;
}

// bnviz.numbers.fixed: `places` decimals, a true minus sign (−), never "−0.000".
export function fixed(value, places) {
  let text = toFixedHalfEven(value, places);
  if (parseFloat(text) === 0) text = text.replace(/^-/, "");
  return text.replace("-", "\u2212");
}

// bnviz.numbers.distance: sig(value, 3), or "below 1e-9" (the bound as Python writes it, boundText) under
// the bound, float64's rounding, whose digits depend on the order of the sums.
export function distance(value, bound, boundText) {
  return Math.abs(value) < bound ? `below ${boundText}` : sig(value, 3);
}
