/**
 * Indices out of range (issue 15: WebGPU used to return 0 and a loss of 0): gather, oneHot and
 * softmaxCrossEntropy raise the same RangeError on the CPU and, at the next readback, on WebGPU.
 */
import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { gather, oneHot, softmaxCrossEntropy } from "../../kernels/ops/mod.ts";
import { tensor } from "../../kernels/tensor.ts";
import { ignoreWithoutGpu } from "../kernels/webgpu/gpu_available.ts";

const CASES: [string, () => Promise<unknown>, string][] = [
  [
    "gather 7 of 3 rows",
    async () => await gather(tensor([[1], [2], [3]]), Int32Array.of(0, 7)).data(),
    "gather: index 7 at position 1 is outside [0, 3) (the rows of x); indices must be integers in that range",
  ],
  [
    "label 7 with 3 classes",
    async () =>
      await softmaxCrossEntropy(tensor([[1, 2, 3], [0, 0, 0]]), tensor(Int32Array.of(1, 7))).data(),
    "softmaxCrossEntropy: label 7 at row 1 is outside [0, 3) (the classes of the logits); labels must be integers in that range",
  ],
  [
    "label −4 with 3 classes",
    async () => await softmaxCrossEntropy(tensor([[1, 2, 3]]), tensor(Int32Array.of(-4))).data(),
    "softmaxCrossEntropy: label -4 at row 0 is outside [0, 3) (the classes of the logits); labels must be integers in that range",
  ],
  [
    "oneHot 5 of depth 4",
    async () => await oneHot(tensor(Int32Array.of(5, 1)), 4).data(),
    "oneHot: class 5 at row 0 is outside [0, 4) (the depth); class ids must be integers in that range",
  ],
];

async function expectErrors(suffix = ""): Promise<void> {
  for (const [name, run, message] of CASES) {
    await assert.rejects(run(), (e: unknown) => {
      assert.ok(e instanceof RangeError, `${name}: ${e}`);
      assert.equal(e.message, message + suffix, name);
      return true;
    });
  }
  // After an error the device works on.
  assert.deepEqual(Array.from(await gather(tensor([5, 6]), Int32Array.of(1)).data()), [6]);
}

Deno.test("indices out of range on the CPU: RangeErrors naming op, value and position", async () => {
  await setDevice("cpu");
  await expectErrors();
});

Deno.test({
  name: "indices out of range on WebGPU: the same errors at the next readback",
  ignore: await ignoreWithoutGpu(),
  fn: async () => {
    await setDevice("webgpu");
    try {
      await expectErrors(" (found on WebGPU, raised at this readback)");
    } finally {
      await setDevice("cpu");
    }
  },
});
