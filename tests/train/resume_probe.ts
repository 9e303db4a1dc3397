/**
 * Helper of resume_test.ts: trains a small net (dense, batch norm, dropout; Adam with a
 * validation split) for 2 epochs with a checkpoint in folder Deno.args[1]. Deno.args[0] says how:
 * "full" runs both epochs; "kill" exits the process in the middle of epoch 2 (as a crash would,
 * after epoch 1's checkpoint); "resume" continues from the checkpoint. Prints, as JSON, each
 * epoch's loss, acc, valLoss and valAcc and the final weights.
 */
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { Rng } from "../../kernels/random.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { fit } from "../../train/fit.ts";
import { adam } from "../../train/optimizers.ts";

await setDevice("cpu");
const [mode, dir] = Deno.args;

/** Three noisy clusters in 4-D (n samples). */
function clusters(n: number, seed: number): { x: ReturnType<typeof tensor>; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(4 * n), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) x[4 * i + j] = rng.normal() + (j === y[i] ? 1.5 : 0);
  }
  return { x: tensor(x, [n, 4]), y };
}

const model = new Sequential([
  layers.dense({ units: 12, activation: "relu", inputShape: [4] }),
  layers.batchNorm(),
  layers.dropout({ rate: 0.3 }),
  layers.dense({ units: 3 }),
], { seed: 7 });
const h = await fit(model, clusters(90, 3), {
  epochs: 2,
  optimizer: adam({ learningRate: 0.01 }),
  batchSize: 16,
  validationSplit: 0.2,
  seed: 5,
  verbose: false,
  checkpoint: dir,
  resumeFrom: mode === "resume" ? dir : undefined,
  onBatchEnd: (step) => {
    if (mode === "kill" && step === 7) Deno.exit(3); // epoch 2's third step: 72 / 16 → 5 per epoch
  },
});
const weights: Record<string, number[]> = {};
for (const w of model.weights()) weights[w.name] = Array.from(await w.tensor.data());
console.log(JSON.stringify({
  epochs: h.epochs.map((r) => [r.epoch, r.loss, r.acc, r.valLoss, r.valAcc]),
  steps: h.steps,
  weights,
}));
