import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { zeros } from "../../kernels/tensor.ts";
import { runClassificationTask } from "../../tasks/common.ts";
import { LSTM_MNIST_PARAMS, LstmMnist, task } from "../../tasks/lstm_mnist.ts";

const PYTHON = "/usr/bin/python3";
const hasTorch = existsSync(PYTHON) &&
  new Deno.Command(PYTHON, { args: ["-c", "import torch"], stderr: "null" }).outputSync().success;

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

Deno.test(`lstm-mnist --quick reaches test accuracy ≥ ${task.quick.minTestAcc}`, async () => {
  const out = await Deno.makeTempDir();
  const r = await runClassificationTask(task, ["--quick", "--device", "cpu", "--out", out]);
  const acc = (r.metrics.ours as { testAcc: number }).testAcc;
  assert.ok(acc >= task.quick.minTestAcc, `test accuracy ${acc}`);
  await Deno.remove(out, { recursive: true });
});

Deno.test({
  name: "lstm_mnist_torch.py: the same recipe on a tiny limit prints the run, epochs, test",
  ignore: !hasTorch,
  fn: async () => {
    const script = new URL("../../tasks/peers/lstm_mnist_torch.py", import.meta.url).pathname;
    const out = await new Deno.Command(PYTHON, {
      args: [script, "--limit", "640", "--test-limit", "100", "--epochs", "2"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 4);
    const [run, e1, e2, last] = lines;
    assert.equal(run.params, LSTM_MNIST_PARAMS, "the twin has our parameter count");
    assert.deepEqual([run.train, run.validation, run.test], [576, 64, 100]);
    assert.deepEqual([e1.epoch, e2.epoch], [1, 2]);
    assert.ok(e2.loss < e1.loss, `training loss ${e1.loss} → ${e2.loss}`);
    assert.equal(last.final, true);
    assert.ok(Number.isFinite(last.testLoss) && last.testAcc >= 0 && last.testAcc <= 1);
  },
});
