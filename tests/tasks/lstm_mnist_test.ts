import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { quickFloorTest, twinSmokeTest } from "./task_checks.ts";
import { setDevice } from "../../kernels/device.ts";
import { zeros } from "../../kernels/tensor.ts";
import { LSTM_MNIST_PARAMS, LstmMnist, task } from "../../tasks/lstm_mnist.ts";

Deno.test("lstm-mnist: images become 28 steps of 28 features; 81 674 parameters; logits out", async () => {
  await setDevice("cpu");
  const m = new LstmMnist({ seed: 1, inputShape: [28, 28, 1] }).build();
  assert.equal(m.countParams(), LSTM_MNIST_PARAMS);
  assert.equal(LSTM_MNIST_PARAMS, 81674);
  assert.deepEqual(m.weights().map((w) => [w.name, w.tensor.shape]), [
    ["lstm.kernel", [28, 512]],
    ["lstm.recurrent_kernel", [128, 512]],
    ["lstm.bias", [512]],
    ["fc.kernel", [128, 10]],
    ["fc.bias", [10]],
  ]);
  assert.deepEqual(m.apply(zeros([3, 28, 28, 1])).shape, [3, 10]);
  m.dispose();
});

quickFloorTest(task);
twinSmokeTest("lstm_mnist_torch.py", LSTM_MNIST_PARAMS);
