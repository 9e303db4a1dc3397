import assert from "node:assert/strict";
import { join } from "node:path";
import { circle } from "../../datasets/toy.ts";
import { dense } from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { sgd } from "../../train/optimizers.ts";
import type { ClassificationTask } from "../../tasks/common.ts";
import { reproduce } from "../../tasks/reproduce.ts";
import {
  judgeSeeds,
  meanSd,
  parseSeeds,
  parseShard,
  shardSeeds,
} from "../../tasks/reproduce_seeds.ts";
import { classificationReproduction, within } from "../../tasks/reproductions.ts";

Deno.test("parseSeeds: ranges and lists; bad input names the problem", () => {
  assert.deepEqual(parseSeeds("1-5"), [1, 2, 3, 4, 5]);
  assert.deepEqual(parseSeeds("1,2,3"), [1, 2, 3]);
  assert.deepEqual(parseSeeds("1-3, 7"), [1, 2, 3, 7]);
  assert.throws(() => parseSeeds("5-1"), /runs backwards/);
  assert.throws(() => parseSeeds("1,1"), /repeats a seed/);
  assert.throws(() => parseSeeds("a"), /not a seed or a range/);
  assert.throws(() => parseSeeds(""), /at least one seed/);
});

Deno.test("parseShard / shardSeeds: every seed in exactly one shard", () => {
  assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
  assert.throws(() => parseShard("2/2"), /0 ≤ i < n/);
  const seeds = [1, 2, 3, 4, 5];
  const parts = [0, 1, 2].map((index) => shardSeeds(seeds, { index, count: 3 }));
  assert.deepEqual(parts, [[1, 4], [2, 5], [3]]);
});

Deno.test("meanSd / judgeSeeds: sample standard deviation, verdict on the mean", () => {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(v − 5)² = 32, sample sd √(32/7).
  const { mean, sd } = meanSd([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(mean, 5);
  assert.ok(Math.abs(sd - Math.sqrt(32 / 7)) < 1e-12);
  assert.deepEqual(meanSd([3]), { mean: 3, sd: 0 });
  // One seed far off, the mean within: passes, and the row shows every seed.
  const j = judgeSeeds(
    [{ seed: 1, value: 0.98 }, { seed: 2, value: 0.995 }, { seed: 3, value: 0.995 }],
    (m) => Math.abs(m - 0.99) <= 0.005,
  );
  assert.equal(j.pass, true);
  assert.match(
    j.ours,
    /^mean 0\.9900 ± 0\.0087 over 3 seeds \(1: 0\.9800, 2: 0\.9950, 3: 0\.9950\)$/,
  );
  assert.equal(judgeSeeds([{ seed: 1, value: 0.9 }], (m) => m > 0.95).pass, false);
  // One seed (`--seeds 3`): its value and seed, no "mean ± 0 over 1 seeds".
  assert.equal(
    judgeSeeds([{ seed: 3, value: 0.91234 }], () => true, "acc").ours,
    "acc: 0.9123 (seed 3)",
  );
});

/** A recipe that trains in well under a second: the Playground circle, 2 → 4 tanh → 2. */
const tiny: ClassificationTask = {
  name: "tiny-circle",
  description: "test recipe",
  reported: { testAcc: 0.9 },
  choices: {},
  data: (flags) => {
    const d = circle({ n: 120, seed: 7, features: ["x1", "x2"] });
    void flags;
    return Promise.resolve({
      train: { x: d.train.x, y: d.train.y, classNames: ["0", "1"] },
      test: { x: d.test.x, y: d.test.y, classNames: ["0", "1"] },
      source: "toy circle",
    });
  },
  model: (seed) =>
    new Sequential([
      dense({ units: 4, activation: "tanh" }),
      dense({ units: 2, activation: "softmax" }),
    ], { seed, inputShape: [2] }),
  optimizer: () => sgd({ learningRate: 0.1 }),
  recipe: { epochs: 3, batchSize: 10, validationSplit: 0.2 },
  quick: { epochs: 1, limit: 60, minTestAcc: 0 },
};

Deno.test("reproduce --full --seeds: per-seed runs, mean ± sd judged on the mean; shards merge to the same table", async () => {
  const out = await Deno.makeTempDir();
  const list = [classificationReproduction(tiny, [within("testAcc", "test accuracy", 0.9, 1)])];
  const args = ["--full", "--device", "cpu", "--seeds", "1-3"];
  const md = async (name: string) => await Deno.readTextFile(join(out, name));

  assert.equal(await reproduce(list, [...args, "--out", out]), 0);
  const whole = JSON.parse(await md("reproduction-full.json")).rows;
  assert.equal(whole.length, 1);
  const accs = [];
  for (const s of [1, 2, 3]) {
    const m = JSON.parse(await md(join("tiny-circle", `seed-${s}`, "metrics.json")));
    assert.equal(m.seed, s);
    accs.push(m.ours.testAcc as number);
  }
  const { mean, sd } = meanSd(accs);
  assert.match(
    whole[0].ours,
    new RegExp(`^mean ${mean.toFixed(4)} ± ${sd.toFixed(4)} over 3 seeds`),
  );
  assert.match(whole[0].ours, /\(1: [\d.]+, 2: [\d.]+, 3: [\d.]+\)$/);
  assert.equal(whole[0].tolerance, "± 1, on the mean of 3 seeds");
  assert.match(whole[0].command, /--seed S.*S = 1,2,3$/);

  // Two shard processes, then a merge that trains nothing: the same numbers.
  const sharded = await Deno.makeTempDir();
  for (const sh of ["0/2", "1/2"]) {
    assert.equal(await reproduce(list, [...args, "--shard", sh, "--out", sharded]), 0);
  }
  const shard1 = JSON.parse(
    await Deno.readTextFile(join(sharded, "reproduction-full-shard-0-of-2.json")),
  );
  assert.match(shard1.rows[0].ours, /over 2 seeds \(1: [\d.]+, 3: [\d.]+\)$/);
  assert.equal(await reproduce(list, [...args, "--merge", "--out", sharded]), 0);
  const merged = JSON.parse(await Deno.readTextFile(join(sharded, "reproduction-full.json"))).rows;
  assert.equal(merged[0].ours, whole[0].ours);
  assert.equal(merged[0].status, "pass");

  // A merge with a seed no shard ran is a failed row naming the missing run.
  assert.equal(await reproduce(list, ["--full", "--seeds", "1-4", "--merge", "--out", sharded]), 1);
  const missing = JSON.parse(await Deno.readTextFile(join(sharded, "reproduction-full.json")));
  assert.match(missing.rows[0].ours, /no finished run in .*seed-4/);

  // Flag misuse is refused before anything runs.
  assert.equal(await reproduce(list, ["--seeds", "1-3", "--out", out]), 2);
  assert.equal(await reproduce(list, ["--full", "--shard", "0/2", "--out", out]), 2);
  assert.equal(await reproduce(list, ["--full", "--seeds", "3-1", "--out", out]), 2);
  await Deno.remove(out, { recursive: true });
  await Deno.remove(sharded, { recursive: true });
});
