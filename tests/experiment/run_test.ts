import assert from "node:assert/strict";
import { join } from "node:path";
import { TaskError } from "../../experiment/errors.ts";
import { UsageError } from "../../experiment/flags.ts";
import { readManifest } from "../../experiment/result_set.ts";
import { parseRunArgs, prepareOutDir, startRun } from "../../experiment/run.ts";
import { reproductionOf } from "../../experiment/checks.ts";

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
    const at = run.rowContext();
    assert.deepEqual({ ...at, wallSeconds: 0 }, {
      task: "demo",
      device: run.device.description,
      wallSeconds: 0,
      command: run.command,
    });
    assert.ok(at.wallSeconds >= 0 && at.wallSeconds <= run.seconds());
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

Deno.test("startRun: a sub-run keeps its own wall time and folder; done prints the closing line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "start_run_" });
  try {
    const run = await startRun(SPEC, ["--device", "cpu", "--out", dir]);
    const m = run.record({ config: {}, wallSeconds: 2.5 });
    assert.equal(m.wallSeconds, 2.5);
    assert.equal(Object.keys(m).at(-1), "wallSeconds");
    assert.ok(run.record({ config: {} }).wallSeconds < 2.5, "without one: the run's clock");
    await run.write(m, { dir: join(dir, "variant") });
    const back = JSON.parse(await Deno.readTextFile(join(dir, "variant", "metrics.json")));
    assert.equal(back.wallSeconds, 2.5);
    const said: string[] = [];
    const log = console.log;
    console.log = (line: string) => said.push(line);
    try {
      run.done("3 variants", 1.25);
    } finally {
      console.log = log;
    }
    assert.deepEqual(said, [`demo: 3 variants; 1.3 s; results in ${dir}/`]);
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

Deno.test("parseRunArgs: a spec's check turns flags that do not go together into a usage error", () => {
  const spec = {
    ...SPEC,
    check: (own: { lr: number }) => (own.lr > 1 ? "--lr above 1 needs --quick" : undefined),
  };
  assert.equal(parseRunArgs(spec, ["--lr", "1"]).own.lr, 1);
  assert.equal(parseRunArgs(spec, ["--seed", "3"]).flags.seed, 3);
  assert.throws(
    () => parseRunArgs(spec, ["--lr", "2"]),
    (e: Error) => e instanceof UsageError && e.message === "--lr above 1 needs --quick",
  );
});

Deno.test("reproductionOf: quick and full runs differ only in the quick switch", async () => {
  const seen: boolean[] = [];
  const rep = reproductionOf("demo", (_o, quick) => {
    seen.push(quick);
    return Promise.resolve([]);
  }, { requires: "cifar10" });
  const o = { outDir: "x", device: "cpu" as const, seed: 1 };
  await rep.runQuick(o);
  await rep.runFull!(o);
  assert.deepEqual(seen, [true, false]);
  assert.equal(rep.requires, "cifar10");
});
