/**
 * Small examples of the low-level functions whose answers were worked out by hand (the
 * arithmetic is in the comments), shared by `deno task lowlevel` and its test.
 * @module
 */
import { maxAbsDiff } from "../../train/finite_differences.ts";
import {
  convolve,
  fullyConnected,
  type Maps,
  maxPool,
  normalizeMaps,
  type Output,
  outputOf,
  relu,
  softmax,
} from "./functions.ts";

/** One hand-computed example: what goes in, and the shape and values that must come out. */
export interface HandExample {
  /** The function under test, as named in functions.ts. */
  fn: string;
  /** What the example shows. */
  what: string;
  shapeIn: number[];
  expectedShape: number[];
  /** Expected values, flattened in row, column, channel order. */
  expected: number[];
  /** Runs the function: its output's shape and flattened values. */
  run: () => Output;
}

/** A single-channel H×W map from a 2-D array. */
function gray(rows: number[][]): Maps {
  return rows.map((r) => r.map((v) => [v]));
}

const ONE_TO_NINE = gray([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
const POOL_4X4 = gray([[1, 3, 2, 1], [4, 2, 0, 1], [5, 6, 1, 2], [0, 7, 3, 9]]);

/** The hand-computed examples, one or more per function. */
export const HAND_EXAMPLES: HandExample[] = [
  {
    fn: "convolve",
    what: "3×3 box filter, same zero padding",
    shapeIn: [3, 3, 1],
    expectedShape: [3, 3, 1],
    // Each output sums the in-bounds 3×3 neighbourhood of 1..9:
    // corners 1+2+4+5=12, 2+3+5+6=16, 4+5+7+8=24, 5+6+8+9=28;
    // edges 1+2+3+4+5+6=21, 1+2+4+5+7+8=27, 2+3+5+6+8+9=33, 4+5+6+7+8+9=39; centre 45.
    expected: [12, 21, 16, 27, 45, 33, 24, 39, 28],
    run: () => outputOf(convolve(ONE_TO_NINE, [gray([[1, 1, 1], [1, 1, 1], [1, 1, 1]])])),
  },
  {
    fn: "convolve",
    what: "two channels, 3×3 filter, bias 1",
    shapeIn: [3, 3, 2],
    expectedShape: [3, 3, 1],
    // Channel 0 is 1..9 under a centre-only filter (copies it); channel 1 is all ones under an
    // all-ones filter, which counts in-bounds neighbours: 4 at corners, 6 on edges, 9 inside.
    // Row 0: 1+4+1=6, 2+6+1=9, 3+4+1=8; row 1: 4+6+1=11, 5+9+1=15, 6+6+1=13;
    // row 2: 7+4+1=12, 8+6+1=15, 9+4+1=14.
    expected: [6, 9, 8, 11, 15, 13, 12, 15, 14],
    run: () => {
      const image = ONE_TO_NINE.map((row) => row.map(([v]) => [v, 1]));
      const filter = [[0, 0, 0], [0, 1, 0], [0, 0, 0]].map((row) => row.map((v) => [v, 1]));
      return outputOf(convolve(image, [filter], [1]));
    },
  },
  {
    fn: "convolve",
    what: "stack of two 1×1 filters on two channels",
    shapeIn: [2, 2, 2],
    expectedShape: [2, 2, 2],
    // Pixels (c0, c1) = (1,0) (2,1) / (3,1) (4,0). Filter A = c0 − c1: 1, 1 / 2, 4.
    // Filter B = 0.5·c0 + 2·c1: 0.5, 1+2=3 / 1.5+2=3.5, 2. Output channels interleave A, B.
    expected: [1, 0.5, 1, 3, 2, 3.5, 4, 2],
    run: () =>
      outputOf(convolve([[[1, 0], [2, 1]], [[3, 1], [4, 0]]], [[[[1, -1]]], [[[0.5, 2]]]])),
  },
  {
    fn: "relu",
    what: "negatives become 0",
    shapeIn: [2, 1, 2],
    expectedShape: [2, 1, 2],
    // max(0, −2)=0, max(0, 0.5)=0.5, max(0, 0)=0, max(0, −0.1)=0.
    expected: [0, 0.5, 0, 0],
    run: () => outputOf(relu([[[-2, 0.5]], [[0, -0.1]]])),
  },
  {
    fn: "maxPool",
    what: "F=2, S=2 on 4×4: (4−2)/2+1 = 2",
    shapeIn: [4, 4, 1],
    expectedShape: [2, 2, 1],
    // Quadrants: max(1,3,4,2)=4, max(2,1,0,1)=2, max(5,6,0,7)=7, max(1,2,3,9)=9.
    expected: [4, 2, 7, 9],
    run: () => outputOf(maxPool(POOL_4X4, 2, 2)),
  },
  {
    fn: "maxPool",
    what: "F=3, S=1 on 4×4: (4−3)/1+1 = 2, overlapping windows",
    shapeIn: [4, 4, 1],
    expectedShape: [2, 2, 1],
    // Rows 0–2 × cols 0–2: max(1,3,2,4,2,0,5,6,1)=6; rows 0–2 × cols 1–3: max(3,2,1,2,0,1,6,1,2)=6;
    // rows 1–3 × cols 0–2: max(4,2,0,5,6,1,0,7,3)=7; rows 1–3 × cols 1–3: max(2,0,1,6,1,2,7,3,9)=9.
    expected: [6, 6, 7, 9],
    run: () => outputOf(maxPool(POOL_4X4, 3, 1)),
  },
  {
    fn: "maxPool",
    what: "F=3, S=2 on 5×5×2: (5−3)/2+1 = 2",
    shapeIn: [5, 5, 2],
    expectedShape: [2, 2, 2],
    // Channel 0 holds 5r+q (largest at the window's bottom-right: (2,2)=12, (2,4)=14, (4,2)=22,
    // (4,4)=24); channel 1 holds −(5r+q) (largest at the top-left: (0,0)=0, (0,2)=−2, (2,0)=−10,
    // (2,2)=−12).
    expected: [12, 0, 14, -2, 22, -10, 24, -12],
    run: () => {
      const m = Array.from(
        { length: 5 },
        (_, r) => Array.from({ length: 5 }, (_, q) => [5 * r + q, -(5 * r + q)]),
      );
      return outputOf(maxPool(m, 3, 2));
    },
  },
  {
    fn: "normalizeMaps",
    what: "each channel to mean 0, std 1",
    shapeIn: [2, 2, 2],
    expectedShape: [2, 2, 2],
    // Channel 0 = 1,2,3,4: μ = 2.5, σ² = (2.25+0.25+0.25+2.25)/4 = 1.25, so (v−μ)/σ =
    // ∓1.5/√1.25 = ∓1.3416407865, ∓0.5/√1.25 = ∓0.4472135955.
    // Channel 1 = 0,0,0,8: μ = 2, σ² = (4+4+4+36)/4 = 12, σ = 2√3, so −2/(2√3) = −1/√3 and
    // 6/(2√3) = √3.
    expected: [
      -1.5 / Math.sqrt(1.25),
      -1 / Math.sqrt(3),
      -0.5 / Math.sqrt(1.25),
      -1 / Math.sqrt(3),
      0.5 / Math.sqrt(1.25),
      -1 / Math.sqrt(3),
      1.5 / Math.sqrt(1.25),
      Math.sqrt(3),
    ],
    run: () => outputOf(normalizeMaps([[[1, 0], [2, 0]], [[3, 0], [4, 8]]])),
  },
  {
    fn: "fullyConnected",
    what: "1×2×2 maps flattened to 4 inputs, 2 outputs",
    shapeIn: [1, 2, 2],
    expectedShape: [2],
    // x = (1, 2, 3, 4). out0 = 0.5 + 1·1 + 2·0 + 3·1 + 4·(−1) = 0.5;
    // out1 = −1 + 1·0 + 2·1 + 3·1 + 4·2 = 12.
    expected: [0.5, 12],
    run: () =>
      outputOf(fullyConnected([[[1, 2], [3, 4]]], [[1, 0], [0, 1], [1, 1], [-1, 2]], [0.5, -1])),
  },
  {
    fn: "softmax",
    what: "scores 0, ln 2, ln 3",
    shapeIn: [3],
    expectedShape: [3],
    // e^0, e^{ln 2}, e^{ln 3} = 1, 2, 3; sum 6 → 1/6, 2/6, 3/6.
    expected: [1 / 6, 1 / 3, 1 / 2],
    run: () => outputOf(softmax([0, Math.log(2), Math.log(3)])),
  },
  {
    fn: "softmax",
    what: "large equal scores do not overflow",
    shapeIn: [2],
    expectedShape: [2],
    // e^1000 overflows a double; after subtracting the max both are e^0 = 1 → 1/2 each.
    expected: [0.5, 0.5],
    run: () => outputOf(softmax([1000, 1000])),
  },
];

/** One line of lowlevel's checks table and checks.csv: a function against a hand example or the toolkit. */
export interface CheckLine {
  kind: "hand" | "toolkit";
  fn: string;
  /** The hand example's description, or the toolkit op compared with. */
  against: string;
  /** Shapes as text, e.g. "3×3×1". */
  shapeIn: string;
  shapeOut: string;
  maxAbsDiff: number;
  tolerance: number;
  pass: boolean;
}

/** Runs a hand example: the shape must match exactly and every value within `tol`. */
export function runHandExample(e: HandExample, tol = 1e-12): CheckLine {
  const { shape, values } = e.run();
  const shapeOk = shape.join() === e.expectedShape.join() && values.length === e.expected.length;
  const diff = shapeOk ? maxAbsDiff(values, e.expected) : Infinity;
  return {
    kind: "hand",
    fn: e.fn,
    against: e.what,
    shapeIn: e.shapeIn.join("×"),
    shapeOut: shape.join("×"),
    maxAbsDiff: diff,
    tolerance: tol,
    pass: diff <= tol,
  };
}
