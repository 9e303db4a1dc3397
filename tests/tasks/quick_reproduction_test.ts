/**
 * The quick (CI) version of each MNIST task, on real MNIST subsets, with an accuracy floor a
 * broken model or a wrong gradient cannot reach (chance is 0.1). Results go to a temp folder.
 */
import assert from "node:assert/strict";
import { type ClassificationTask, runClassificationTask } from "../../tasks/common.ts";
import { task as linear } from "../../tasks/mnist_mlp_linear.ts";
import { task as relu } from "../../tasks/mnist_mlp_relu.ts";
import { task as starter } from "../../tasks/mnist_starter.ts";
import { task as cnn } from "../../tasks/mnist_cnn.ts";
import { task as cnnDropout } from "../../tasks/mnist_cnn_dropout.ts";

const tasks: ClassificationTask[] = [linear, relu, starter, cnn, cnnDropout];

for (const task of tasks) {
  const floor = task.quick.minTestAcc;
  Deno.test(`${task.name} --quick reaches test accuracy ≥ ${floor} and writes its results`, async () => {
    const out = await Deno.makeTempDir();
    const r = await runClassificationTask(task, ["--quick", "--device", "cpu", "--out", out]);
    const ours = r.metrics.ours as { testAcc: number };
    assert.ok(ours.testAcc >= floor, `${task.name}: test accuracy ${ours.testAcc} < ${floor}`);
    for (const f of ["metrics.json", "history.csv", "curves.svg", "confusion.csv"]) {
      assert.ok((await Deno.stat(`${out}/${f}`)).size > 0, `${f} missing`);
    }
    const saved = JSON.parse(await Deno.readTextFile(`${out}/metrics.json`));
    assert.deepEqual(saved.reported, task.reported);
    assert.equal(saved.ours.testAcc, ours.testAcc);
    await Deno.remove(out, { recursive: true });
  });
}
