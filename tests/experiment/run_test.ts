import assert from "node:assert/strict";
import { join } from "node:path";
import { TaskError } from "../../experiment/errors.ts";
import { UsageError } from "../../experiment/flags.ts";
import { readManifest } from "../../experiment/result_set.ts";
import { prepareOutDir, startRun } from "../../experiment/run.ts";

const SPEC = {
  task: "demo",
  description: "A demo.",
  flags: { lr: { type: "number", help: "step", default: 0.5 } },
} as const;

Deno.test("startRun: flags, device, folder and command; finish writes one set", async () => {
  const dir = await Deno.makeTempDir({ prefix: "start_run_" });
  try {
    const out = join(dir, "a", "b");
    const run = await startRun(SPEC, ["--device", "cpu", "--seed", "4", "--lr", "2", "--out", out]);
    assert.equal(run.seed, 4);
    assert.equal(run.own.lr, 2);
    assert.equal(run.device.name, "cpu");
    assert.equal(run.outDir, out);
    assert.equal(run.command, `deno task demo --device cpu --seed 4 --lr 2 --out ${out}`);
    assert.ok((await Deno.stat(out)).isDirectory, "created before any work");
    const history = [{ epoch: 1, loss: 1, acc: 0.5, seconds: 1, samplesPerSecond: 1 }];
    const m = await run.finish(
      { config: { lr: 2 }, reported: {}, ours: { acc: 0.5 } },
      { history, files: { "notes.txt": "hi" } },
    );
    assert.deepEqual(Object.keys(m), [
      "task",
      "command",
      "quick",
      "device",
      "seed",
      "config",
      "reported",
      "ours",
      "wallSeconds",
    ]);
    const written = (await readManifest(out)).files.map((f) => f.name);
    assert.deepEqual(written, ["metrics.json", "history.csv", "curves.svg", "notes.txt"]);
    assert.equal(JSON.parse(await Deno.readTextFile(join(out, "metrics.json"))).seed, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startRun: an unwritable --out fails at once with the fix; bad flags are usage errors", async () => {
  await assert.rejects(
    () => startRun(SPEC, ["--out", "/proc/foo"]),
    (e: Error) =>
      e instanceof TaskError && /cannot write the results folder \/proc\/foo/.test(e.message) &&
      /pass --out with a folder you can create and write/.test(e.message),
  );
  await assert.rejects(() => prepareOutDir("/proc/foo/bar"), TaskError);
  await assert.rejects(() => startRun(SPEC, ["--epochs", "-1"]), /--epochs must be an integer ≥ 1/);
  await assert.rejects(() => startRun(SPEC, ["--bogus"]), UsageError);
});
