/**
 * Shards from `--shard` or a Slurm job array: parsing, the partition of the items, every way
 * Slurm describes an array, and the errors when it cannot be numbered.
 */
import assert from "node:assert/strict";
import { parseShard, resolveShard, shardIndices, slurmShard } from "../../experiment/shards.ts";

Deno.test("shard: i/n parsed, and shards 0…n−1 partition the items exactly", () => {
  assert.deepEqual(parseShard(" 2/4 "), { index: 2, count: 4 });
  assert.deepEqual(shardIndices(7, parseShard("1/3")), [1, 4]);
  const seen = new Array(10).fill(0);
  for (let i = 0; i < 4; i++) for (const t of shardIndices(10, { index: i, count: 4 })) seen[t]++;
  assert.ok(seen.every((c) => c === 1));
  for (const bad of ["3/3", "-1/2", "1/0", "a/b", "1"]) {
    assert.throws(() => parseShard(bad), /--shard/);
  }
});

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
