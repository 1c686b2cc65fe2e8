// A chart kind's update applied to the figure as Python built it: traces found by the `meta` their
// builder in bnviz/figures set, shapes and annotations by their `name`, never by position (a trace
// moved in Python still moves here; one renamed fails tests/ui/test_live_js.py and throws here).

function indexBy(items, key, value, what) {
  const i = (items || []).findIndex((item) => item && item[key] === value);
  if (i < 0) throw new Error(`The live chart's figure has no ${what} with ${key} "${value}"`);
  return i;
}

// Lookups by name in `fig` (plotly's {data, layout}).
export function finder(fig) {
  return {
    trace: (meta) => fig.data[indexBy(fig.data, "meta", meta, "trace")],
    shape: (name) => fig.layout.shapes[indexBy(fig.layout.shapes, "name", name, "shape")],
    annotation: (name) => fig.layout.annotations[indexBy(fig.layout.annotations, "name", name, "annotation")],
  };
}

// Every name an update (or a kind's needs()) refers to is in `fig`: throws, naming the first missing.
export function check(fig, needs) {
  const find = finder(fig);
  for (const meta of needs.traces || []) find.trace(meta);
  for (const name of needs.shapes || []) find.shape(name);
  for (const name of needs.annotations || []) find.annotation(name);
}

// Apply `update` to `fig` in place; returns the indices of the traces it changed (plotly redraws those).
export function apply(fig, update) {
  const find = finder(fig);
  const changed = [];
  for (const [meta, changes] of Object.entries(update.traces || {})) {
    const i = indexBy(fig.data, "meta", meta, "trace");
    Object.assign(fig.data[i], changes);
    changed.push(i);
  }
  for (const [key, changes] of Object.entries(update.layout || {})) {
    fig.layout[key] = Array.isArray(changes) ? changes : { ...(fig.layout[key] || {}), ...changes };
  }
  for (const [name, changes] of Object.entries(update.shapes || {})) Object.assign(find.shape(name), changes);
  for (const [name, changes] of Object.entries(update.annotations || {})) Object.assign(find.annotation(name), changes);
  fig.layout.datarevision = (fig.layout.datarevision || 0) + 1;
  return changed;
}
