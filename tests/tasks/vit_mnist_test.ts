import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { quickFloorTest, twinSmokeTest } from "./task_checks.ts";
import { setDevice } from "../../kernels/device.ts";
import { tensor, zeros } from "../../kernels/tensor.ts";
import { task, VitMnist } from "../../tasks/vit_mnist.ts";

/** 49·64 + 64 patch embedding, 16·64 positions, 2 blocks of 33 472, final norm 128, head 650. */
const VIT_MNIST_PARAMS = 3200 + 1024 + 2 * (128 + 4 * (64 * 64 + 64) + 128 + 8320 + 8256) + 128 +
  650;

Deno.test("vit-mnist: 16 patch tokens, 71 946 parameters, named by field path; logits out", async () => {
  await setDevice("cpu");
  const m = new VitMnist({ seed: 1, inputShape: [28, 28, 1] }).build();
  assert.equal(m.countParams(), VIT_MNIST_PARAMS);
  assert.equal(VIT_MNIST_PARAMS, 71946);
  const names = m.weights().map((w) => w.name);
  assert.equal(new Set(names).size, names.length, "weight names are unique");
  assert.deepEqual(names.slice(0, 3), ["position", "embed.kernel", "embed.bias"]);
  assert.ok(names.includes("blocks.1.mha.attention_output.kernel"), names.join(" "));
  assert.deepEqual(m.apply(zeros([3, 28, 28, 1])).shape, [3, 10]);
  // One lit pixel moves the logits away from a blank image's; the same image gives the same.
  const img = new Float32Array(28 * 28);
  const blank = m.apply(tensor(img, [1, 28, 28, 1])).dataSync();
  img[8 * 28 + 9] = 1;
  const [a, b] = [m.apply(tensor(img, [1, 28, 28, 1])), m.apply(tensor(img, [1, 28, 28, 1]))];
  assert.deepEqual(a.dataSync(), b.dataSync());
  assert.ok(a.dataSync().some((v, i) => v !== blank[i]));
  m.dispose();
});

quickFloorTest(task);
twinSmokeTest("vit_mnist_torch.py", VIT_MNIST_PARAMS);
