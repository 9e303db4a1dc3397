import assert from "node:assert/strict";
import { accuracy, confusionMatrix, precisionRecall } from "../../train/metrics.ts";

Deno.test("confusion matrix: rows true, columns predicted", () => {
  const m = confusionMatrix([0, 1, 1, 2, 2, 2], [0, 0, 1, 2, 2, 1], 3);
  assert.deepEqual(m, [[1, 1, 0], [0, 1, 1], [0, 0, 2]]);
  assert.equal(accuracy([0, 1, 1, 2, 2, 2], [0, 0, 1, 2, 2, 1]), 4 / 6);
});

Deno.test("precision per column, recall per row, zero when undefined", () => {
  const { precision, recall, f1 } = precisionRecall([[1, 1, 0], [0, 1, 1], [0, 0, 2]]);
  assert.deepEqual(precision, [1, 0.5, 2 / 3]);
  assert.deepEqual(recall, [0.5, 0.5, 1]);
  assert.ok(Math.abs(f1[2] - 0.8) < 1e-12);
  assert.deepEqual(precisionRecall([[0, 0], [1, 0]]).precision, [0, 0]);
});

Deno.test("out-of-range classes and length mismatches are errors", () => {
  assert.throws(() => confusionMatrix([3], [0], 3), /sample 0 has label 0 \/ prediction 3/);
  assert.throws(() => accuracy([1, 2], [1]), /2 predictions but 1 labels/);
});
