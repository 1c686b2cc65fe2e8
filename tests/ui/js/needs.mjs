// Check that a figure built in Python has every trace uid, shape and annotation name that a live chart
// kind changes (ui/live/kinds.js's needs(arrays)), and that the kind's update applies to it.
// Reads {kind, figure, arrays, values} as JSON on standard input; exits 1 naming what is missing, else
// writes the update and the figure it gave as JSON ({update, figure}) on standard output.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const dir = process.env.BNVIZ_LIVE_DIR;
const { KINDS } = await import(pathToFileURL(`${dir}/kinds.js`).href);
const { apply, check, finder } = await import(pathToFileURL(`${dir}/figure.js`).href);
const { kind, figure, arrays, values } = JSON.parse(readFileSync(0, "utf8"));
try {
  check(figure, KINDS[kind].needs(arrays));
  const update = KINDS[kind].update(arrays, values, figure, finder(figure));
  apply(figure, update);
  process.stdout.write(JSON.stringify({ update, figure }));
} catch (error) {
  console.error(`${kind}: ${error.message}`);
  process.exit(1);
}
