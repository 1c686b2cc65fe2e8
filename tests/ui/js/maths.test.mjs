// ui/live/maths.js against the NumPy functions it copies, on fixtures that tests/test_live_js.py writes
// from bnviz's own functions: the same numbers to 1e-9 and the same strings.
// BNVIZ_LIVE_DIR: the folder of the modules under test; BNVIZ_JS_FIXTURES: the fixtures' JSON file.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

const maths = await import(pathToFileURL(`${process.env.BNVIZ_LIVE_DIR}/maths.js`).href);
const fixtures = JSON.parse(readFileSync(process.env.BNVIZ_JS_FIXTURES, "utf8"));
// JSON has no NaN nor ±∞: the fixtures spell them "nan", "inf", "-inf".
const number = (v) => ({ nan: NaN, inf: Infinity, "-inf": -Infinity })[v] ?? v;

function close(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => {
    const e = number(expected[i]);
    assert.ok(Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} (JavaScript) != ${e} (NumPy)`);
  });
}

test("histogram counts and densities are numpy.histogram's and bnviz's density", () => {
  for (const c of fixtures.histograms) {
    assert.deepEqual(maths.histogramCounts(c.values, c.edges), c.counts, `counts of ${c.name}`);
    close(maths.density(c.counts, c.edges), c.density, `density of ${c.name}`);
  }
});

test("a value that is not a finite number is refused, as bnviz's check_batch refuses it", () => {
  for (const c of fixtures.refused) {
    const values = c.values.map(number);
    assert.throws(() => maths.histogramCounts(values, [0, 1, 2]), RangeError, c.name);
    assert.throws(() => maths.histogramEdges(values, 4), RangeError, c.name);
  }
});

test("histogram edges are bnviz.figures.common.histogram_edges', linspace is numpy's", () => {
  for (const c of fixtures.edges) close(maths.histogramEdges(c.values, c.bins), c.edges, `edges of ${c.name}`);
  for (const c of fixtures.linspace) close(maths.linspace(c.lo, c.hi, c.num), c.out, `linspace ${c.lo}, ${c.hi}`);
});

test("mean and std are numpy's (the std biased, as BatchNorm's)", () => {
  for (const c of fixtures.stats) {
    close([maths.mean(c.values)], [c.mean], `mean of ${c.name}`);
    close([maths.std(c.values)], [c.std], `std of ${c.name}`);
    close([maths.minOf(c.values), maths.maxOf(c.values)], [c.min, c.max], `min, max of ${c.name}`);
  }
});

test("batchNorm is bnviz.core.batchnorm.batch_norm_forward's, train mode, one channel", () => {
  for (const c of fixtures.batch_norm) {
    close(maths.batchNorm(c.values, c.gamma, c.beta, c.eps), c.y, `batch norm of ${c.name}`);
  }
});

test("the activations are bnviz.core.activations'", () => {
  for (const [name, { z, out }] of Object.entries(fixtures.activations)) {
    close(z.map(maths.ACTIVATIONS[name]), out, name);
  }
});

test("numbers are written as bnviz.numbers writes them", () => {
  for (const [value, digits, text] of fixtures.sig) assert.equal(maths.sig(number(value), digits), text, `sig(${value}, ${digits})`);
  for (const [value, places, text] of fixtures.fixed) assert.equal(maths.fixed(value, places), text, `fixed(${value}, ${places})`);
});

test("a distance at float64's rounding is written as bnviz.numbers.distance writes it", () => {
  for (const [value, bound, text, expected] of fixtures.distances) {
    assert.equal(maths.distance(value, bound, text), expected, `distance(${value})`);
  }
});
