import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { tensor } from "../../../kernels/tensor.ts";
import {
  huber,
  kullbackLeiblerDivergence,
  lossByName,
  meanAbsoluteError,
} from "../../../layers/losses.ts";
import { gradcheck } from "../../../train/gradcheck.ts";
import { f64, near, PRED, PROBS, Q, TARGET, TORCH, value, W, weightedMean } from "./data.ts";

/**
 * meanAbsoluteError, huber and kullbackLeiblerDivergence against Keras' formulas written out in
 * float64 and PyTorch's values (data.ts); float64 gradients against finite differences.
 */

await setDevice("cpu");

const rowMeans = (f: (e: number) => number) =>
  PRED.map((row, i) => row.reduce((s, p, k) => s + f(p - TARGET[i][k]), 0) / row.length);
const huberOf = (d: number) => (e: number) =>
  Math.abs(e) <= d ? 0.5 * e * e : d * (Math.abs(e) - 0.5 * d);

Deno.test("meanAbsoluteError: |output − target| averaged, by name too (mae)", () => {
  const hand = weightedMean(rowMeans(Math.abs));
  for (const loss of [meanAbsoluteError(), lossByName("mae"), lossByName("meanAbsoluteError")]) {
    const got = value(loss(f64(PRED), f64(TARGET)));
    near(got, hand);
    near(got, TORCH.mae);
  }
});

Deno.test("huber: quadratic within δ, linear beyond (δ = 1 default, 0.5), weights", () => {
  near(value(huber()(f64(PRED), f64(TARGET))), weightedMean(rowMeans(huberOf(1))));
  near(value(huber()(f64(PRED), f64(TARGET))), TORCH.huber1);
  const half = huber({ delta: 0.5 });
  near(value(half(f64(PRED), f64(TARGET))), TORCH.huber05);
  const weighted = value(half(f64(PRED), f64(TARGET), { sampleWeight: f64(W) }));
  near(weighted, weightedMean(rowMeans(huberOf(0.5)), W));
  near(weighted, TORCH.huber05Weighted);
  assert.throws(() => huber({ delta: 0 }), /delta must be positive/);
});

Deno.test("kullbackLeiblerDivergence: Σ y·log(y/p), both clipped to [1e-7, 1]", () => {
  const hand = weightedMean(
    PROBS.map((y, i) => y.reduce((s, yk, k) => s + yk * Math.log(yk / Q[i][k]), 0)),
  );
  for (const loss of [kullbackLeiblerDivergence(), lossByName("kld")]) {
    near(value(loss(f64(Q), f64(PROBS))), hand);
    near(value(loss(f64(Q), f64(PROBS))), TORCH.kld);
  }
  // A zero target contributes 1e-7·log(1e-7/p) ≈ 0, not NaN.
  const zero = value(kullbackLeiblerDivergence()(f64([[0.5, 0.5]]), f64([[1, 0]])));
  near(zero, Math.log(2) + 1e-7 * Math.log(1e-7 / 0.5));
});

Deno.test("regression losses: a 1-D output is one value per sample; masks average the kept", () => {
  const pred = tensor([1, 2, 3, 4], [4], "float64"), target = tensor([0, 0, 0, 0], [4], "float64");
  const mask = tensor([1, 0, 1, 0], [4], "float64");
  near(value(meanAbsoluteError()(pred, target, { mask })), 4 / (2 + 1e-7));
  assert.throws(
    () => meanAbsoluteError()(pred, target, { sampleWeight: f64([1, 2]) }),
    /sampleWeight \[2\] fits neither the batch \(4\)/,
  );
});

Deno.test("regression losses and KL: float64 gradients match finite differences", () => {
  // δ = 0.7 keeps every error off the kink |e| = δ, where finite differences are O(ε) off.
  const cases: [string, () => ReturnType<typeof gradcheck>][] = [
    ["mae", () => gradcheck((p, t) => meanAbsoluteError()(p, t), [f64(PRED), f64(TARGET)])],
    [
      "huber",
      () =>
        gradcheck((p, t) => huber({ delta: 0.7 })(p, t, { sampleWeight: f64(W) }), [
          f64(PRED),
          f64(TARGET),
        ]),
    ],
    ["kld", () => gradcheck((p, y) => kullbackLeiblerDivergence()(p, y), [f64(Q), f64(PROBS)])],
  ];
  for (const [what, run] of cases) {
    const r = run();
    assert.ok(r.maxRelError < 1e-7, `${what}: ${r.maxRelError}`);
  }
});
