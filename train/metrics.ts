/** Classification metrics on plain arrays of class ids. */

function checkLengths(pred: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (pred.length !== labels.length) {
    throw new Error(`metrics: ${pred.length} predictions but ${labels.length} labels`);
  }
}

/** Fraction of predictions equal to the labels. Example: `accuracy([1, 2], [1, 0])` → 0.5. */
export function accuracy(pred: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths(pred, labels);
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) ok++;
  return pred.length ? ok / pred.length : NaN;
}

/**
 * Confusion matrix: rows are true classes, columns predicted classes (like scikit-learn).
 * Example: `confusionMatrix([0, 1], [0, 0], 2)` → `[[1, 1], [0, 0]]`.
 */
export function confusionMatrix(
  pred: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): number[][] {
  checkLengths(pred, labels);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < pred.length; i++) {
    const t = labels[i], p = pred[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) {
      throw new Error(
        `confusionMatrix: sample ${i} has label ${t} / prediction ${p} outside [0, ${numClasses})`,
      );
    }
    m[t][p]++;
  }
  return m;
}

/**
 * Per-class precision (column-wise), recall (row-wise) and F1 from a confusion matrix. A class
 * never predicted has precision 0; a class absent from the labels has recall 0 (scikit-learn's
 * `zero_division=0`).
 */
export function precisionRecall(confusion: number[][]): {
  precision: number[];
  recall: number[];
  f1: number[];
} {
  const k = confusion.length;
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
