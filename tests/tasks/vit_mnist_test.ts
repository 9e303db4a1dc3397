import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { tensor, zeros } from "../../kernels/tensor.ts";
import { runClassificationTask } from "../../tasks/common.ts";
import { task, VitMnist } from "../../tasks/vit_mnist.ts";

const PYTHON = "/usr/bin/python3";
const hasTorch = existsSync(PYTHON) &&
  new Deno.Command(PYTHON, { args: ["-c", "import torch"], stderr: "null" }).outputSync().success;

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

Deno.test(`vit-mnist --quick reaches test accuracy ≥ ${task.quick.minTestAcc}`, async () => {
  const out = await Deno.makeTempDir();
  const r = await runClassificationTask(task, ["--quick", "--device", "cpu", "--out", out]);
  const acc = (r.metrics.ours as { testAcc: number }).testAcc;
  assert.ok(acc >= task.quick.minTestAcc, `test accuracy ${acc}`);
  await Deno.remove(out, { recursive: true });
});

Deno.test({
  name:
    "vit_mnist_torch.py: the same model and recipe on a tiny limit prints the run, epochs, test",
  ignore: !hasTorch,
  fn: async () => {
    const script = new URL("../../tasks/peers/vit_mnist_torch.py", import.meta.url).pathname;
    const out = await new Deno.Command(PYTHON, {
      args: [script, "--limit", "640", "--test-limit", "100", "--epochs", "2"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 4);
    const [run, e1, e2, last] = lines;
    assert.equal(run.params, VIT_MNIST_PARAMS, "the twin has our parameter count");
    assert.deepEqual([run.train, run.validation, run.test], [576, 64, 100]);
    assert.deepEqual([e1.epoch, e2.epoch], [1, 2]);
    assert.ok(e2.loss < e1.loss, `training loss ${e1.loss} → ${e2.loss}`);
    assert.equal(last.final, true);
    assert.ok(Number.isFinite(last.testLoss) && last.testAcc >= 0 && last.testAcc <= 1);
  },
});
