/**
 * Recurrent layers on WebGPU (lavapipe in CI) against the CPU: the same float32 weights and
 * inputs give the same outputs and gradients to float32 rounding, with and without a mask.
 */
import "../../kernels/tensor_methods.ts";
import { gradients } from "../../kernels/autograd.ts";
import { setDevice } from "../../kernels/device.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import type { RecurrentLayer } from "../../layers/recurrent.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";
import { assertCloseTo } from "./layer_test_utils.ts";
import { values } from "./recurrent_fixture.ts";

/** Output and gradients (input, kernel, recurrent kernel, bias) of a weighted sum of the output. */
async function run(
  make: () => RecurrentLayer,
  device: "cpu" | "webgpu",
  masked: boolean,
): Promise<Float32Array[]> {
  await setDevice(device);
  const layer = make();
  const x = tensor(Float32Array.from(values(3 * 6 * 5, 1)), [3, 6, 5]);
  x.requiresGrad = true;
  // Rows of 6, 2 and 4 steps, right-padded; row 2 also skips its step 1.
  const keep = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0];
  const mask = masked ? tensor(Int32Array.from(keep), [3, 6], "int32") : undefined;
  const y = layer.apply(x, { mask });
  const probe = tensor(Float32Array.from(values(y.size, 2)), y.shape);
  const p = layer.params!;
  const gs = gradients(y.mul(probe).sum(), [x, p.kernel, p.recurrentKernel, p.bias]);
  const out = [y, ...gs.map((g) => g!)];
  const host = await Promise.all(out.map(async (t) => Float32Array.from(await t.data())));
  layer.dispose();
  return host;
}

const cases: [string, () => RecurrentLayer, boolean][] = [
  ["simpleRNN", () => layers.simpleRNN({ units: 4, returnSequences: true }), false],
  ["lstm", () => layers.lstm({ units: 4, returnSequences: true, goBackwards: true }), false],
  ["gru", () => layers.gru({ units: 4 }), false],
  ["masked simpleRNN", () => layers.simpleRNN({ units: 4 }), true],
  ["masked lstm", () => layers.lstm({ units: 4, returnSequences: true, goBackwards: true }), true],
  ["masked gru", () => layers.gru({ units: 4, returnSequences: true }), true],
];

for (const [name, make, masked] of cases) {
  await gpuTest(`webgpu vs cpu: ${name} outputs and gradients`, async () => {
    const cpu = await run(make, "cpu", masked);
    const gpu = await run(make, "webgpu", masked);
    await setDevice("cpu");
    ["output", "dx", "dkernel", "drecurrent", "dbias"].forEach((what, k) =>
      assertCloseTo(gpu[k], cpu[k], 1e-5, `${name} ${what}`)
    );
  });
}
