import assert from "node:assert/strict";
import { accuracy, argmaxRows, confusionMatrix, precisionRecall } from "../../train/metrics.ts";

// Worked by hand: labels (true) 0 0 1 2 2 1, predictions 0 1 1 2 2 2.
const pred = [0, 1, 1, 2, 2, 2];
const labels = [0, 0, 1, 2, 2, 1];

Deno.test("accuracy counts exact matches and is NaN on no samples", () => {
  assert.equal(accuracy(pred, labels), 4 / 6);
  assert.equal(accuracy(new Int32Array([3, 3]), new Int32Array([3, 3])), 1);
  assert.equal(accuracy([1, 2, 3], [0, 0, 0]), 0);
  assert.ok(Number.isNaN(accuracy([], [])));
});

Deno.test("confusion matrix: rows true, columns predicted (sklearn layout)", () => {
  assert.deepEqual(confusionMatrix(pred, labels, 3), [[1, 1, 0], [0, 1, 1], [0, 0, 2]]);
  // Asymmetric case: a true 0 predicted as 1 lands in row 0, column 1 (not row 1, column 0).
  assert.deepEqual(confusionMatrix([1], [0], 2), [[0, 1], [0, 0]]);
  assert.deepEqual(confusionMatrix([], [], 2), [[0, 0], [0, 0]]);
});

Deno.test("precision per column, recall per row, F1 their harmonic mean", () => {
  const { precision, recall, f1 } = precisionRecall([[1, 1, 0], [0, 1, 1], [0, 0, 2]]);
  assert.deepEqual(precision, [1, 0.5, 2 / 3]);
  assert.deepEqual(recall, [0.5, 0.5, 1]);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  close(f1[0], 2 / 3);
  close(f1[1], 0.5);
  close(f1[2], 0.8);
});

Deno.test("precision/recall are 0 (not NaN) where undefined", () => {
  // Class 1 is never predicted (precision 0/0) and class 0 is never right.
  const a = precisionRecall([[0, 0], [1, 0]]);
  assert.deepEqual(a, { precision: [0, 0], recall: [0, 0], f1: [0, 0] });
  // Class 2 absent from the labels: recall 0/0 → 0; its precision is 0/1 = 0.
  const b = precisionRecall([[2, 0, 0], [0, 1, 1], [0, 0, 0]]);
  assert.deepEqual(b.recall, [1, 0.5, 0]);
  assert.deepEqual(b.precision, [1, 1, 0]);
});

Deno.test("argmaxRows: first of ties, NaN never chosen", () => {
  const s = new Float32Array([0.1, 0.9, 0.7, 0.3, 5, 5, 1, 2, NaN, 3, NaN, NaN]);
  assert.deepEqual(Array.from(argmaxRows(s.subarray(0, 8), 4, 2)), [1, 0, 0, 1]);
  assert.deepEqual(Array.from(argmaxRows(s.subarray(8), 2, 2)), [1, 0]);
  assert.deepEqual(Array.from(argmaxRows(new Float64Array([-3, -1, -2]), 1, 3)), [1]);
  assert.equal(argmaxRows(new Float32Array(0), 0, 10).length, 0);
});

Deno.test("bad lengths, shapes and class ids are clear errors", () => {
  assert.throws(() => confusionMatrix([3], [0], 3), /sample 0 has label 0 \/ prediction 3/);
  assert.throws(() => confusionMatrix([0], [-1], 3), /label -1/);
  assert.throws(() => confusionMatrix([0.5], [0], 3), /prediction 0.5/);
  assert.throws(() => confusionMatrix([0], [0], 0), /numClasses/);
  assert.throws(() => confusionMatrix([0, 1], [0], 2), /2 predictions but 1 labels/);
  assert.throws(() => accuracy([1, 2], [1]), /2 predictions but 1 labels/);
  assert.throws(() => precisionRecall([[1, 2], [3]]), /not square/);
  assert.throws(() => argmaxRows(new Float32Array(5), 2, 3), /5 scores do not fill 2×3/);
});
