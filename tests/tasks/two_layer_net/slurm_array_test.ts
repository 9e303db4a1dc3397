/**
 * two-layer-net run as a Slurm array task: it runs its shard (the log says where the shard came
 * from), and a merge of one of the two shards is refused, naming the missing trials.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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
