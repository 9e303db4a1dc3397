import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../experiment/run.ts";

const task = new URL("../../tasks/mnist_mlp_linear.ts", import.meta.url).pathname;

async function runTask(args: string[]): Promise<{ code: number; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", task, "--limit", "300", "--device", "cpu", ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: r.code, err: new TextDecoder().decode(r.stderr) };
}

const metrics = async (dir: string) =>
  JSON.parse(await Deno.readTextFile(join(dir, "metrics.json")));

Deno.test("a task's --resume continues a run that stopped after epoch 1 to the uninterrupted run's numbers", async () => {
  const root = await Deno.makeTempDir();
  const full = join(root, "full"), cut = join(root, "cut");
  assert.equal((await runTask(["--epochs", "2", "--out", full])).code, 0);
  // The cut run stops after epoch 1 (its checkpoint in cut/checkpoint), then resumes to 2.
  assert.equal((await runTask(["--epochs", "1", "--out", cut])).code, 0);
  assert.equal((await runTask(["--epochs", "2", "--out", cut, "--resume"])).code, 0);
  const a = await metrics(full), b = await metrics(cut);
  const numbers = (m: { history: Record<string, number>[] }) =>
    m.history.map((r) => [r.epoch, r.loss, r.acc, r.valLoss, r.valAcc]);
  assert.equal(a.history.length, 2);
  assert.deepEqual(numbers(b), numbers(a));
  assert.equal(b.ours.testLoss, a.ours.testLoss);
  assert.equal(b.ours.testAcc, a.ours.testAcc);
  // A different data size is refused, naming it.
  const bad = await runTask(["--epochs", "3", "--out", cut, "--resume", "--limit", "200"]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /trainSize is \d+ in the checkpoint but \d+ in this run/);
  await Deno.remove(root, { recursive: true });
});

Deno.test("--resume is a usage error for a task that keeps no checkpoint", () => {
  assert.throws(
    () => parseRunArgs({ task: "lowlevel", description: "d" }, ["--resume"]),
    /--resume: lowlevel keeps no checkpoint to resume from/,
  );
});
