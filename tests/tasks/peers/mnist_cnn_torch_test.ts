import assert from "node:assert/strict";
import { hasTorch, runTwin } from "../task_checks.ts";

Deno.test({
  name: "mnist_cnn_torch.py: Keras 2 recipe on a tiny limit prints the run, each epoch, the test",
  ignore: !hasTorch,
  fn: async () => {
    const args = ["--limit", "320", "--test-limit", "100", "--epochs", "2"];
    const lines = await runTwin("mnist_cnn_torch.py", args);
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
