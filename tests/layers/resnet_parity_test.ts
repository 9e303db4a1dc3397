import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { fit } from "../../train/fit.ts";
import { sgd } from "../../train/optimizers.ts";
import type { Layer } from "../../layers/layer.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";
import { functionalResnet, ModuleResnet, tinyImages } from "./resnet_fixture.ts";

/** Per-epoch losses of `make()` trained 3 epochs on the tiny images. */
async function losses(make: () => Layer): Promise<number[]> {
  const data = tinyImages(5);
  const m = make();
  // Plain SGD: Adam's g/√v would magnify the last-bit differences of near-zero gradients.
  const opt = sgd({ learningRate: 0.01 });
  const h = await fit(m, data, {
    epochs: 3,
    batchSize: 16,
    seed: 2,
    optimizer: opt,
    validationSplit: 0.25,
    verbose: false,
  });
  m.dispose();
  opt.dispose();
  data.x.dispose();
  return h.epochs.flatMap((e) => [e.loss, e.valLoss!]);
}

Deno.test("residual CNN: functional Model and Module give bit-identical losses on the CPU", async () => {
  await setDevice("cpu");
  const f = functionalResnet(7);
  const mod = new ModuleResnet({ seed: 7 });
  f.build();
  mod.build([8, 8, 1]);
  assert.equal(f.countParams(), mod.countParams());
  assert.equal(f.weights().length, mod.weights().length);
  f.weights().forEach((w, i) =>
    assert.deepEqual(w.tensor.dataSync(), mod.weights()[i].tensor.dataSync(), w.name)
  );
  f.dispose();
  mod.dispose();
  const a = await losses(() => functionalResnet(7));
  const b = await losses(() => new ModuleResnet({ seed: 7 }));
  assert.ok(a.every(Number.isFinite), JSON.stringify(a));
  assert.deepEqual(a, b);
  assert.ok(a[4] < a[0], `training lowers the loss: ${a}`);
});

await gpuTest(
  "residual CNN: WebGPU losses match the CPU within the parity tolerance (1e-5)",
  async () => {
    await setDevice("cpu");
    const cpu = await losses(() => new ModuleResnet({ seed: 7 }));
    await setDevice("webgpu");
    const gpu = await losses(() => functionalResnet(7));
    await setDevice("cpu");
    cpu.forEach((c, i) => {
      const rel = Math.abs(gpu[i] - c) / Math.max(Math.abs(c), 1e-3);
      assert.ok(rel <= 1e-5, `loss ${i}: webgpu ${gpu[i]} vs cpu ${c} (relative ${rel})`);
    });
  },
);
