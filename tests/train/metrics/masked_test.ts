/**
 * The streaming metrics with an output mask, against values counted by hand: the masked
 * prediction counts as absent (tf.keras weighs metrics by the output's mask), in one batch and
 * over batches; without a mask every prediction counts.
 */
import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { tidy } from "../../../kernels/engine.ts";
import { tensor } from "../../../kernels/tensor.ts";
import type { Metric } from "../../../train/metric.ts";
import { f1Macro } from "../../../train/metrics/f1_macro.ts";
import { meanAbsoluteError } from "../../../train/metrics/mean_absolute_error.ts";
import { sparseTopKCategoricalAccuracy } from "../../../train/metrics/top_k.ts";

await setDevice("cpu");

// [N = 2, T = 2, C = 3] scores; step (1, 1) is masked. Argmax per step: 1, 0, 2, 2.
const SCORES = [
  [[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]],
  [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7]],
];
const LABELS = [[1, 2], [1, 2]]; // true class ranks: 0, 2, 1, 0
const MASK = [[1, 1], [1, 0]];
const ONE_HOT = LABELS.map((r) => r.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))));

/** The metric over the data fed `batch` rows at a time, masked or not. */
async function run(m: Metric, masked: boolean, batch: number, oneHot = false) {
  for (let s = 0; s < 2; s += batch) {
    const rows = (a: number[][][] | number[][]) => a.slice(s, s + batch).flat(2);
    tidy(() =>
      m.update(
        tensor(rows(SCORES), [batch, 2, 3]),
        oneHot
          ? tensor(rows(ONE_HOT), [batch, 2, 3])
          : tensor(Int32Array.from(rows(LABELS)), [batch, 2], "int32"),
        masked ? tensor(rows(MASK), [batch, 2]) : undefined,
      )
    );
  }
  const r = await m.result();
  m.reset();
  return r;
}

const near = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) < 1e-6, `${what}: ${got} vs ${want}`);

Deno.test("metrics with an output mask: masked steps count as absent", async () => {
  for (const batch of [2, 1]) {
    // Top-2: hits at ranks 0, 1 (and the masked rank-0 step): 2 of 3 kept, 3 of 4 in all.
    const top2 = sparseTopKCategoricalAccuracy({ k: 2 });
    near(await run(top2, true, batch), 2 / 3, `top-2 masked, batch ${batch}`);
    near(await run(top2, false, batch), 3 / 4, `top-2, batch ${batch}`);
    // Kept: predicted 1, 0, 2 against 1, 2, 1 → F1 per class 0, 2/3, 0. All four steps add a
    // right prediction of class 2: F1 0, 2/3, 1/2.
    const f1 = f1Macro();
    near(await run(f1, true, batch), 2 / 9, `f1 masked, batch ${batch}`);
    near(await run(f1, false, batch), (2 / 3 + 1 / 2) / 3, `f1, batch ${batch}`);
    // Σ|score − one-hot| per step: 0.6, 1.6, 1.4, (masked) 0.6, over 3 values each.
    const mae = meanAbsoluteError();
    near(await run(mae, true, batch, true), 3.6 / 9, `mae masked, batch ${batch}`);
    near(await run(mae, false, batch, true), 4.2 / 12, `mae, batch ${batch}`);
  }
});

Deno.test("metrics with an output mask: a mask that keeps nothing gives NaN", async () => {
  const m = meanAbsoluteError();
  tidy(() => m.update(tensor([1, 2], [1, 1, 2]), tensor([0, 0], [1, 1, 2]), tensor([0], [1, 1])));
  assert.ok(Number.isNaN(await m.result()));
  m.reset();
});
