import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { quickFloorTest, twinSmokeTest } from "./task_checks.ts";
import { setDevice } from "../../kernels/device.ts";
import { Add } from "../../layers/merge.ts";
import { RESNET_FASHION_PARAMS, resnetFashion, task } from "../../tasks/resnet_fashion.ts";

Deno.test("resnet-fashion is a functional model with two residual adds and stable counts", async () => {
  await setDevice("cpu");
  const m = resnetFashion(1);
  assert.equal(m.countParams(), RESNET_FASHION_PARAMS);
  const adds = m.layerSummaries().filter((r) => r.type === "Add");
  assert.deepEqual(adds.map((r) => r.inbound.length), [2, 2]);
  assert.equal(m.layers.filter((l) => l instanceof Add).length, 2);
  assert.deepEqual(m.outputs[0].shape, [10]);
  m.dispose();
});

quickFloorTest(task, (r) => assert.equal(r.metrics.config.params, RESNET_FASHION_PARAMS));
twinSmokeTest("resnet_fashion_torch.py", RESNET_FASHION_PARAMS, 2.0);
