import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { tensor } from "../../../kernels/tensor.ts";
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
} from "../../../layers/losses.ts";
import { gradcheck } from "../../../train/gradcheck.ts";
import {
  BIN_LOGITS,
  BIN_PROBS,
  BIN_Y,
  f64,
  IDS,
  ids,
  LOGITS,
  near,
  PROBS,
  TORCH,
  value,
  W,
  weightedMean,
} from "./data.ts";

/**
 * The cross-entropies against a float64 hand reference (Keras' formulas written out) and
 * against PyTorch's values (data.ts), and their float64 gradients against finite differences.
 */

await setDevice("cpu");

const EPS = 1e-7;
const clip = (p: number, lo = EPS, hi = 1 - EPS) => Math.min(Math.max(p, lo), hi);
const logSoftmax = (row: number[]) => {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
  return row.map((x) => x - lse);
};
const oneHotRow = (c: number, n: number) => Array.from({ length: n }, (_, k) => (k === c ? 1 : 0));

/** Keras' categorical cross-entropy per sample, written out. */
function categoricalRef(out: number[][], target: number[][], fromLogits: boolean, s = 0) {
  return out.map((row, i) => {
    const c = row.length;
    const y = target[i].map((t) => t * (1 - s) + s / c);
    const total = row.reduce((a, b) => a + b, 0);
    const logP = fromLogits ? logSoftmax(row) : row.map((p) => Math.log(clip(p / total)));
    return -y.reduce((acc, yk, k) => acc + yk * logP[k], 0);
  });
}

/** Keras' binary cross-entropy per sample (mean over the last axis), written out. */
function binaryRef(out: number[][], target: number[][], fromLogits: boolean, s = 0) {
  return out.map((row, i) =>
    row.reduce((acc, x, k) => {
      const y = target[i][k] * (1 - s) + s / 2;
      const p = fromLogits ? 1 / (1 + Math.exp(-x)) : clip(x);
      return acc - (y * Math.log(p) + (1 - y) * Math.log(1 - p));
    }, 0) / row.length
  );
}

const oneHot = IDS.map((c) => oneHotRow(c, 4));

Deno.test("categoricalCrossentropy: logits and probabilities, with label smoothing", () => {
  const cases = [
    { o: { fromLogits: true }, x: LOGITS, torch: TORCH.categoricalLogits, s: 0 },
    {
      o: { fromLogits: true, labelSmoothing: 0.1 },
      x: LOGITS,
      torch: TORCH.categoricalLogitsSmooth01,
      s: 0.1,
    },
    { o: {}, x: PROBS, torch: TORCH.categoricalProbs, s: 0 },
    { o: { labelSmoothing: 0.2 }, x: PROBS, torch: TORCH.categoricalProbsSmooth02, s: 0.2 },
  ];
  for (const { o, x, torch, s } of cases) {
    const loss = categoricalCrossentropy(o);
    const hand = weightedMean(categoricalRef(x, oneHot, o.fromLogits ?? false, s));
    // One-hot targets and int32 ids give the same loss.
    for (const labels of [f64(oneHot), ids(IDS)]) {
      const got = value(loss(f64(x), labels));
      near(got, hand);
      near(got, torch);
    }
  }
});

Deno.test("categoricalCrossentropy: per-sample weights (Keras: Σ wᵢℓᵢ / N)", () => {
  const loss = categoricalCrossentropy({ fromLogits: true });
  const got = value(loss(f64(LOGITS), ids(IDS), { sampleWeight: f64(W) }));
  near(got, weightedMean(categoricalRef(LOGITS, oneHot, true), W));
  near(got, TORCH.categoricalLogitsWeighted);
});

Deno.test("categoricalCrossentropy on probabilities: divided by their sum, clipped at 1e-7", () => {
  const loss = categoricalCrossentropy();
  // Unnormalised rows are normalised first; a zero probability costs −log(1e-7), not ∞.
  const x = [[2, 2, 4, 0], [0, 1, 0, 0]];
  const got = value(loss(f64(x), ids([3, 1])));
  near(got, (-Math.log(EPS) + -Math.log(1 - EPS)) / 2);
});

Deno.test("sparseCategoricalCrossentropy: ids against logits or probabilities", () => {
  near(
    value(sparseCategoricalCrossentropy({ fromLogits: true })(f64(LOGITS), ids(IDS))),
    TORCH.categoricalLogits,
  );
  const probs = value(sparseCategoricalCrossentropy()(f64(PROBS), ids(IDS)));
  near(probs, TORCH.categoricalProbs);
  near(probs, weightedMean(categoricalRef(PROBS, oneHot, false)));
  // Sequences: [N, T] ids against [N, T, C] outputs, a mask dropping the last step.
  const seq = tensor([...LOGITS.flat(), ...LOGITS.flat()], [2, 3, 4], "float64");
  const seqIds = ids([...IDS, ...IDS]).reshape([2, 3]);
  const mask = tensor([1, 1, 0, 1, 1, 0], [2, 3], "float64");
  const perStep = categoricalRef(LOGITS, oneHot, true);
  near(
    value(sparseCategoricalCrossentropy({ fromLogits: true })(seq, seqIds, { mask })),
    // The mean over the 4 kept steps, over 4 + 1e-7 as Keras' mask does.
    2 * (perStep[0] + perStep[1]) / (4 + 1e-7),
  );
});

Deno.test("sparseCategoricalCrossentropy: ignoreClass drops those values from the mean", () => {
  const perSample = categoricalRef(LOGITS, oneHot, true);
  const loss = sparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1 });
  // Sample 1's id is the ignored class: the mean is over samples 0 and 2 (Keras' mask rule).
  near(
    value(loss(f64(LOGITS), ids([3, -1, 1]))),
    (perSample[0] + perSample[2]) / (2 + 1e-7),
  );
  // Combined with a mask: only sample 2 is left.
  const mask = f64([0, 1, 1]);
  near(value(loss(f64(LOGITS), ids([3, -1, 1]), { mask })), perSample[2] / (1 + 1e-7));
  // An ignored class inside [0, C) works too.
  const skip0 = sparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: 0 });
  near(value(skip0(f64(LOGITS), ids(IDS))), (perSample[0] + perSample[2]) / (2 + 1e-7));
  const r = gradcheck((x) => loss(x, ids([3, -1, 1])), [f64(LOGITS)]);
  assert.ok(r.maxRelError < 1e-7, `${r.maxRelError}`);
  assert.throws(
    () => sparseCategoricalCrossentropy({ ignoreClass: 0.5 }),
    /ignoreClass must be an integer/,
  );
});

Deno.test("sparseCategoricalCrossentropy: clear errors for float or misshapen labels", () => {
  const loss = sparseCategoricalCrossentropy();
  assert.throws(() => loss(f64(PROBS), f64(oneHot)), /int32 class ids.*categoricalCrossentropy/);
  assert.throws(() => loss(f64(PROBS), ids([1, 2])), /labels \[2\] must be the output \[3,4\]/);
});

Deno.test("binaryCrossentropy: logits and probabilities, smoothing and weights", () => {
  const y = f64(BIN_Y);
  const logits = value(binaryCrossentropy({ fromLogits: true })(f64(BIN_LOGITS), y));
  near(logits, weightedMean(binaryRef(BIN_LOGITS, BIN_Y, true)));
  near(logits, TORCH.binaryLogits);
  const probs = value(binaryCrossentropy()(f64(BIN_PROBS), y));
  near(probs, weightedMean(binaryRef(BIN_PROBS, BIN_Y, false)));
  near(probs, TORCH.binaryProbs);
  const smooth = value(binaryCrossentropy({ labelSmoothing: 0.2 })(f64(BIN_PROBS), y));
  near(smooth, weightedMean(binaryRef(BIN_PROBS, BIN_Y, false, 0.2)));
  near(smooth, TORCH.binaryProbsSmooth02);
  const weighted = binaryCrossentropy({ fromLogits: true })(f64(BIN_LOGITS), y, {
    sampleWeight: f64(W),
  });
  near(value(weighted), TORCH.binaryLogitsWeighted);
});

Deno.test("binaryCrossentropy from logits is stable for large |x|; probabilities are clipped", () => {
  const big = value(
    binaryCrossentropy({ fromLogits: true })(f64([[800], [-800]]), f64([[0], [1]])),
  );
  near(big, 800);
  const clipped = value(binaryCrossentropy()(f64([[0], [1]]), f64([[1], [0]])));
  near(clipped, -Math.log(EPS), 1e-9);
});

Deno.test("cross-entropies: bad options and shapes are refused with the fix", () => {
  assert.throws(() => categoricalCrossentropy({ labelSmoothing: 1.5 }), /labelSmoothing.*\[0, 1\]/);
  assert.throws(
    () => binaryCrossentropy()(f64(BIN_PROBS), f64([[1, 0, 1]])),
    /output \[3,2\] and labels \[1,3\] differ/,
  );
});

Deno.test("cross-entropies: float64 gradients match finite differences", () => {
  const cases: [string, (x: ReturnType<typeof f64>) => ReturnType<typeof f64>, number[][]][] = [
    [
      "categorical logits + smoothing + weights",
      (x) =>
        categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 })(x, ids(IDS), {
          sampleWeight: f64(W),
        }),
      LOGITS,
    ],
    ["categorical probabilities", (x) => categoricalCrossentropy()(x, f64(oneHot)), PROBS],
    [
      "sparse probabilities",
      (x) => sparseCategoricalCrossentropy({})(x, ids(IDS)),
      PROBS,
    ],
    [
      "binary logits",
      (x) => binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 })(x, f64(BIN_Y)),
      BIN_LOGITS,
    ],
    ["binary probabilities", (x) => binaryCrossentropy()(x, f64(BIN_Y)), BIN_PROBS],
  ];
  for (const [what, fn, x] of cases) {
    const r = gradcheck(fn, [f64(x)]);
    assert.ok(r.maxRelError < 1e-7, `${what}: ${r.maxRelError}`);
  }
});
