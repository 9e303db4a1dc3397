import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { tensor } from "../../kernels/tensor.ts";
import { disposable } from "../../datasets/dataset.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { fit } from "../../train/fit.ts";
import { adam } from "../../train/optimizers.ts";
import { functionalResnet, ModuleResnet } from "./resnet_fixture.ts";
import { undisposed } from "../kernels/undisposed.ts";

await setDevice("cpu");

async function trainInScope(): Promise<void> {
  using data = disposable({
    x: tensor(new Float32Array(16 * 4), [16, 4]),
    y: new Int32Array(16),
  });
  using model = new Sequential([layers.dense({ units: 2, inputShape: [4] })]);
  using opt = adam();
  await fit(model, data, { epochs: 1, batchSize: 8, optimizer: opt, verbose: false });
}

Deno.test("`using` frees models, optimisers and datasets at the end of the scope", async () => {
  await trainInScope(); // the first Adam run leaves one tensor cached outside the model: warm up
  const before = undisposed();
  await trainInScope();
  {
    using f = functionalResnet(1).build();
    using m = new ModuleResnet().build([8, 8, 1]);
    assert.ok(f.countParams() > 0 && m.countParams() > 0);
  }
  assert.equal(undisposed(), before);
});
