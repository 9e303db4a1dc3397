/**
 * Classification metrics on plain arrays of class ids (no tensors), so they can be checked by hand
 * and reused on predictions read back from any device.
 * @module
 */

function checkLengths(what: string, pred: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (pred.length !== labels.length) {
    throw new Error(`${what}: ${pred.length} predictions but ${labels.length} labels`);
  }
}

/**
 * Fraction of predictions equal to the labels; NaN for empty input (no samples, no accuracy).
 * Example: `accuracy([1, 2], [1, 0])` → 0.5.
 */
export function accuracy(pred: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths("accuracy", pred, labels);
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) ok++;
  return pred.length ? ok / pred.length : NaN;
}

/**
 * Confusion matrix: `m[true][predicted]` counts, i.e. rows are true classes and columns predicted
 * classes (as in scikit-learn). Throws on a length mismatch or a class id that is not an integer in
 * `[0, numClasses)`.
 * Example: `confusionMatrix([0, 1], [0, 0], 2)` → `[[1, 1], [0, 0]]`.
 */
export function confusionMatrix(
  pred: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): number[][] {
  checkLengths("confusionMatrix", pred, labels);
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`confusionMatrix: numClasses must be a positive integer, got ${numClasses}`);
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const ok = (c: number) => Number.isInteger(c) && c >= 0 && c < numClasses;
  for (let i = 0; i < pred.length; i++) {
    const t = labels[i], p = pred[i];
    if (!ok(t) || !ok(p)) {
      throw new Error(
        `confusionMatrix: sample ${i} has label ${t} / prediction ${p} outside [0, ${numClasses})`,
      );
    }
    m[t][p]++;
  }
  return m;
}

/**
 * Per-class precision (down each column), recall (along each row) and F1 from a confusion matrix
 * laid out as {@link confusionMatrix} makes it. Where a ratio is undefined it is reported as 0,
 * not NaN: a class never predicted has precision 0, a class absent from the labels has recall 0,
 * and F1 is 0 when precision + recall is 0 (scikit-learn's `zero_division=0`).
 * Example: `precisionRecall([[1, 1], [0, 2]]).precision` → `[1, 2 / 3]`.
 */
export function precisionRecall(confusion: number[][]): {
  precision: number[];
  recall: number[];
  f1: number[];
} {
  const k = confusion.length;
  confusion.forEach((row, i) => {
    if (row.length !== k) {
      throw new Error(
        `precisionRecall: confusion matrix is not square (row ${i} has ${row.length}, not ${k})`,
      );
    }
  });
  const precision: number[] = [], recall: number[] = [], f1: number[] = [];
  for (let c = 0; c < k; c++) {
    const tp = confusion[c][c];
    let predicted = 0, actual = 0;
    for (let j = 0; j < k; j++) {
      predicted += confusion[j][c];
      actual += confusion[c][j];
    }
    const p = predicted ? tp / predicted : 0;
    const r = actual ? tp / actual : 0;
    precision.push(p);
    recall.push(r);
    f1.push(p + r ? (2 * p * r) / (p + r) : 0);
  }
  return { precision, recall, f1 };
}

/**
 * Index of the largest score in each row of a row-major `rows × cols` matrix. Ties go to the
 * lowest index; NaN scores are never chosen (a row of only NaN gives 0).
 * Example: `argmaxRows(new Float32Array([0.1, 0.9, 0.7, 0.3]), 2, 2)` → `Int32Array [1, 0]`.
 */
export function argmaxRows(
  scores: Float32Array | Float64Array,
  rows: number,
  cols: number,
): Int32Array {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 1) {
    throw new Error(`argmaxRows: bad shape ${rows}×${cols}`);
  }
  if (scores.length !== rows * cols) {
    throw new Error(`argmaxRows: ${scores.length} scores do not fill ${rows}×${cols}`);
  }
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let best = 0, bestV = -Infinity;
    for (let c = 0; c < cols; c++) {
      // `>` keeps the first of equal maxima and is false for NaN.
      const v = scores[base + c];
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    out[r] = best;
  }
  return out;
}
