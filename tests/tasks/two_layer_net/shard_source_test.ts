/**
 * The grid's shard from `--shard` or a Slurm job array: every way Slurm describes an array, the
 * errors when it cannot be numbered, and the task run as a Slurm array task (the log says where
 * the shard came from) followed by a merge that is refused because the other shard is missing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveShard, slurmShard } from "../../../tasks/two_layer_net/shard_source.ts";

Deno.test("shard: --shard wins over a Slurm array; no shard at all is the whole grid", () => {
  const slurm = { SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_COUNT: "4" };
  assert.deepEqual(resolveShard("2/3", slurm), {
    shard: { index: 2, count: 3 },
    source: "--shard",
  });
  const none = resolveShard(undefined, { SLURM_JOB_ID: "77" });
  assert.deepEqual(none.shard, { index: 0, count: 1 });
  assert.match(none.source, /no --shard and no Slurm job array/);
  assert.throws(() => resolveShard("4/4", slurm), /--shard must be i\/n/);
});

Deno.test("shard: Slurm arrays by COUNT, by MIN/MAX, offset and stepped", () => {
  const cases: [Record<string, string>, [number, number]][] = [
    [{ SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "4" }, [3, 4]],
    [{ SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_MAX: "7" }, [0, 8]],
    // --array=1-4: ids 1…4 are shards 0…3.
    [{ SLURM_ARRAY_TASK_ID: "4", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "4" }, [3, 4]],
    [{
      SLURM_ARRAY_TASK_ID: "2",
      SLURM_ARRAY_TASK_COUNT: "4",
      SLURM_ARRAY_TASK_MIN: "1",
      SLURM_ARRAY_TASK_MAX: "4",
    }, [1, 4]],
    // --array=0-12:4: ids 0, 4, 8, 12.
    [{
      SLURM_ARRAY_TASK_ID: "8",
      SLURM_ARRAY_TASK_MIN: "0",
      SLURM_ARRAY_TASK_MAX: "12",
      SLURM_ARRAY_TASK_STEP: "4",
    }, [2, 4]],
  ];
  for (const [env, [index, count]] of cases) {
    const r = slurmShard(env)!;
    assert.deepEqual(r.shard, { index, count }, JSON.stringify(env));
    assert.match(r.source, /^Slurm job array \(SLURM_ARRAY_TASK_ID=/);
    assert.ok(r.source.includes(`SLURM_ARRAY_TASK_ID=${env.SLURM_ARRAY_TASK_ID}`));
  }
  assert.equal(slurmShard({}), undefined);
});

Deno.test("shard: a Slurm array that cannot be numbered says so and suggests --shard", () => {
  assert.throws(
    () => slurmShard({ SLURM_ARRAY_TASK_ID: "2" }),
    /neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX.*--shard i\/n/,
  );
  // --array=1,5,9 (irregular): COUNT 3 but id 9 is not shard 0–2.
  assert.throws(
    () => slurmShard({ SLURM_ARRAY_TASK_ID: "9", SLURM_ARRAY_TASK_COUNT: "3" }),
    /cannot number this task.*--array=0-2/,
  );
  // --array=3,7 (rerunning two tasks of a 16-task array): shard 0/2 would be the wrong trials.
  assert.throws(
    () =>
      slurmShard({
        SLURM_ARRAY_TASK_ID: "3",
        SLURM_ARRAY_TASK_COUNT: "2",
        SLURM_ARRAY_TASK_MIN: "3",
        SLURM_ARRAY_TASK_MAX: "7",
      }),
    /cannot number this task.*resubmitting the whole array/,
  );
  assert.throws(
    () => slurmShard({ SLURM_ARRAY_TASK_ID: "x", SLURM_ARRAY_TASK_COUNT: "3" }),
    /SLURM_ARRAY_TASK_ID="x" is not a whole number/,
  );
});

const task = fileURLToPath(new URL("../../../tasks/two_layer_net.ts", import.meta.url));

/** Runs the task CLI with `env` added; returns exit code and stdout + stderr. */
async function cli(args: string[], env: Record<string, string>) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", task, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  return { code: r.code, text: td.decode(r.stdout) + td.decode(r.stderr) };
}

Deno.test("shard: a Slurm array task runs its shard; merging one of two shards is refused", async () => {
  const out = await Deno.makeTempDir();
  const empty = await Deno.makeTempDir();
  try {
    const common = ["--quick", "--out", out, "--data-dir", empty, "--iters", "2"];
    const slurm = {
      SLURM_ARRAY_TASK_ID: "1",
      SLURM_ARRAY_TASK_MIN: "0",
      SLURM_ARRAY_TASK_MAX: "1",
    };
    const g = await cli([...common, "--grid"], slurm);
    assert.equal(g.code, 0, g.text);
    assert.match(g.text, /grid shard 1\/2 from Slurm job array \(SLURM_ARRAY_TASK_ID=1, /);
    const files = [];
    for await (const e of Deno.readDir(join(out, "grid"))) files.push(e.name);
    // The quick grid has 4 trials; shard 1/2 runs 1 and 3.
    assert.deepEqual(files.sort(), ["trial-001.json", "trial-003.json"]);

    const m = await cli([...common, "--merge"], {});
    assert.equal(m.code, 1, "an incomplete merge exits non-zero");
    assert.match(m.text, /grid merge refused: 2 of 4 trials missing: 0, 2/);
    const metrics = JSON.parse(await Deno.readTextFile(join(out, "grid_summary/metrics.json")));
    assert.equal(metrics.complete, false);
    assert.deepEqual(metrics.missing, [0, 2]);
    assert.equal(metrics.ours.best, null, "a refused merge names no best trial");
  } finally {
    await Deno.remove(out, { recursive: true });
    await Deno.remove(empty, { recursive: true });
  }
});
