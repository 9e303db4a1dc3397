/**
 * Tests every classification task with a PyTorch twin shares: its --quick run reaches the
 * task's floor, and the twin (tasks/peers/<name>_torch.py) runs two epochs on a tiny limit and
 * prints the run, each epoch and the test (tasks/peers/twin_common.py).
 * @module
 */
import assert from "node:assert/strict";
import {
  type ClassificationTask,
  runClassificationTask,
  type TaskResult,
} from "../../tasks/common.ts";
import { hasTorch, PYTHON } from "../torch_python.ts";

/** Re-exported for the task tests: the Python with PyTorch, and whether it imports torch. */
export { hasTorch, PYTHON };

/** `deno test`: `task --quick` on the CPU reaches `task.quick.minTestAcc`; `more` checks further. */
export function quickFloorTest(task: ClassificationTask, more?: (r: TaskResult) => void): void {
  Deno.test(`${task.name} --quick reaches test accuracy ≥ ${task.quick.minTestAcc}`, async () => {
    const out = await Deno.makeTempDir();
    const r = await runClassificationTask(task, ["--quick", "--device", "cpu", "--out", out]);
    const acc = r.metrics.ours.testAcc;
    assert.ok(acc >= task.quick.minTestAcc, `test accuracy ${acc}`);
    more?.(r);
    await Deno.remove(out, { recursive: true });
  });
}

/** One JSON line of a twin's output. */
// deno-lint-ignore no-explicit-any
export type TwinLine = Record<string, any>;

/** Runs `script` (relative to tasks/peers/) with `args` and returns its JSON lines. */
export async function runTwin(script: string, args: string[]): Promise<TwinLine[]> {
  const path = new URL(`../../tasks/peers/${script}`, import.meta.url).pathname;
  const out = await new Deno.Command(PYTHON, {
    args: [path, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
}

/**
 * `deno test` (skipped without torch): the twin `script` on 640 training and 100 test samples
 * for 2 epochs has `params` parameters, a 576/64/100 split, two epochs whose training loss falls
 * (below `maxLoss2` when given) and a final test line.
 */
export function twinSmokeTest(script: string, params: number, maxLoss2 = Infinity): void {
  Deno.test({
    name: `${script}: the same recipe on a tiny limit prints the run, epochs, test`,
    ignore: !hasTorch,
    fn: async () => {
      const lines = await runTwin(script, [
        "--limit",
        "640",
        "--test-limit",
        "100",
        "--epochs",
        "2",
      ]);
      assert.equal(lines.length, 4);
      const [run, e1, e2, last] = lines;
      assert.equal(run.params, params, "the twin has our parameter count");
      assert.deepEqual([run.train, run.validation, run.test], [576, 64, 100]);
      assert.deepEqual([e1.epoch, e2.epoch], [1, 2]);
      assert.ok(e2.loss < e1.loss && e2.loss < maxLoss2, `training loss ${e1.loss} → ${e2.loss}`);
      assert.equal(last.final, true);
      assert.ok(Number.isFinite(last.testLoss) && last.testAcc >= 0 && last.testAcc <= 1);
    },
  });
}
