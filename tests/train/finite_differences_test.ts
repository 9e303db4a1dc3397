import assert from "node:assert/strict";
import {
  centralDifferences,
  maxAbsDiff,
  maxRelError,
  normRelError,
} from "../../train/finite_differences.ts";

Deno.test("centralDifferences: the derivative of x³ at each element, p restored", () => {
  const p = Float64Array.from([0.5, -1, 2]);
  const fd = centralDifferences(() => p.reduce((s, v) => s + v ** 3, 0), p, 1e-5);
  [0.5, -1, 2].forEach((v, i) => assert.ok(Math.abs(fd[i] - 3 * v * v) < 1e-8, `${i}: ${fd[i]}`));
  assert.deepEqual(Array.from(p), [0.5, -1, 2]);
});

Deno.test("maxRelError: cs231n's |a − b| / max(|a| + |b|, 1e-8); lengths must match", () => {
  assert.ok(Math.abs(maxRelError([1, 2], [1, 2.02]) - 0.02 / 4.02) < 1e-15);
  assert.equal(maxRelError([0], [1e-12]), 1e-12 / 1e-8);
  assert.ok(Number.isNaN(maxRelError([NaN], [1])));
  assert.throws(() => maxRelError([1], [1, 2]), /1 vs 2 values/);
});

Deno.test("maxAbsDiff: the largest |a − b|, NaN counted as Infinity", () => {
  assert.equal(maxAbsDiff([1, 2], [1, 2.5]), 0.5);
  assert.equal(maxAbsDiff([], []), 0);
  assert.equal(maxAbsDiff([1, NaN], [1, 2]), Infinity);
  assert.throws(() => maxAbsDiff([1], []), /maxAbsDiff/);
});

Deno.test("normRelError: ‖a − b‖ / (‖a‖ + ‖b‖), 0 for two zeros, NaN → Infinity", () => {
  assert.equal(normRelError([1, 2], [1, 2]), 0);
  assert.equal(normRelError([0, 0], [0, 0]), 0);
  // ‖(0, 0.02)‖ / (‖(1, 2)‖ + ‖(1, 2.02)‖) ≈ 0.02 / 4.48.
  assert.ok(
    Math.abs(normRelError([1, 2], [1, 2.02]) - 0.02 / (Math.sqrt(5) + Math.hypot(1, 2.02))) < 1e-15,
  );
  assert.equal(normRelError([1, NaN], [1, 2]), Infinity);
  assert.throws(() => normRelError([1], [1, 2]));
});
