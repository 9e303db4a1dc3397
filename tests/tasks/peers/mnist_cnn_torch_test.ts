import assert from "node:assert/strict";
import { existsSync } from "node:fs";

const PYTHON = "/usr/bin/python3";
const hasTorch = existsSync(PYTHON) &&
  new Deno.Command(PYTHON, { args: ["-c", "import torch"], stderr: "null" }).outputSync().success;

Deno.test({
  name: "mnist_cnn_torch.py: Keras 2 recipe on a tiny limit prints the run, each epoch, the test",
  ignore: !hasTorch,
  fn: async () => {
    const script = new URL("../../../tasks/peers/mnist_cnn_torch.py", import.meta.url).pathname;
    const out = await new Deno.Command(PYTHON, {
      args: [script, "--limit", "320", "--test-limit", "100", "--epochs", "2"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, err);
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 4);
    const [run, e1, e2, last] = lines;
    // Keras' validation_split: the last 20% of the (limited) training set.
    assert.deepEqual([run.train, run.validation, run.test], [256, 64, 100]);
    assert.deepEqual([run.optimizer, run.lr, run.rho, run.eps], ["adadelta", 1, 0.95, 1e-7]);
    assert.deepEqual([e1.epoch, e2.epoch], [1, 2]);
    for (const e of [e1, e2]) {
      for (const k of ["loss", "acc", "valLoss", "valAcc"]) assert.ok(Number.isFinite(e[k]), k);
    }
    // 4 Adadelta steps of lr 1.0 leave the loss below the untrained ln 10 ≈ 2.30.
    assert.ok(e2.loss < 2.2, `epoch-2 training loss ${e2.loss}`);
    assert.equal(last.final, true);
    assert.ok(last.testAcc >= 0 && last.testAcc <= 1 && Number.isFinite(last.testLoss));
  },
});
