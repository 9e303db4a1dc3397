import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { Add } from "../../layers/merge.ts";
import { runClassificationTask } from "../../tasks/common.ts";
import { RESNET_FASHION_PARAMS, resnetFashion, task } from "../../tasks/resnet_fashion.ts";

const PYTHON = "/usr/bin/python3";
const hasTorch = existsSync(PYTHON) &&
  new Deno.Command(PYTHON, { args: ["-c", "import torch"], stderr: "null" }).outputSync().success;

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

Deno.test(`resnet-fashion --quick reaches test accuracy ≥ ${task.quick.minTestAcc}`, async () => {
  const out = await Deno.makeTempDir();
  const r = await runClassificationTask(task, ["--quick", "--device", "cpu", "--out", out]);
  const acc = (r.metrics.ours as { testAcc: number }).testAcc;
  assert.ok(acc >= task.quick.minTestAcc, `test accuracy ${acc}`);
  assert.equal((r.metrics.config as { params: number }).params, RESNET_FASHION_PARAMS);
  await Deno.remove(out, { recursive: true });
});

Deno.test({
  name: "resnet_fashion_torch.py: the same recipe on a tiny limit prints the run, epochs, test",
  ignore: !hasTorch,
  fn: async () => {
    const script = new URL("../../tasks/peers/resnet_fashion_torch.py", import.meta.url).pathname;
    const out = await new Deno.Command(PYTHON, {
      args: [script, "--limit", "640", "--test-limit", "100", "--epochs", "2"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 4);
    const [run, e1, e2, last] = lines;
    assert.equal(run.params, RESNET_FASHION_PARAMS, "the twin has our parameter count");
    assert.deepEqual([run.train, run.validation, run.test], [576, 64, 100]);
    assert.deepEqual([e1.epoch, e2.epoch], [1, 2]);
    assert.ok(e2.loss < e1.loss && e2.loss < 2.0, `training loss ${e1.loss} → ${e2.loss}`);
    assert.equal(last.final, true);
    assert.ok(Number.isFinite(last.testLoss) && last.testAcc >= 0 && last.testAcc <= 1);
  },
});
