/** Trials run in shards: one file each, resumed, found across shard folders, refused when incomplete. */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  bestBy,
  findTrials,
  gridProduct,
  indexRanges,
  mergeProblems,
  runTrials,
  trialPath,
} from "../../experiment/trials.ts";

const TRIALS = [{ x: 1 }, { x: 2 }, { x: 3 }];
const run = (p: { x: number }) => Promise.resolve({ y: p.x * p.x });

Deno.test("trials: each shard writes its files; a rerun skips finished ones, reruns stale ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const settings = { seed: 1 };
    const a = await runTrials({
      dir,
      trials: TRIALS,
      shard: { index: 0, count: 2 },
      settings,
      run,
    });
    assert.deepEqual(a, { ran: [0, 2], skipped: [] });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(trialPath(dir, 2))), {
      index: 2,
      params: { x: 3 },
      settings,
      y: 9,
    });
    await Deno.writeTextFile(
      trialPath(dir, 2),
      JSON.stringify({ index: 2, params: { x: 3 }, settings: { seed: 2 } }),
    );
    const b = await runTrials({
      dir,
      trials: TRIALS,
      shard: { index: 0, count: 2 },
      settings,
      run,
    });
    assert.deepEqual(b, { ran: [2], skipped: [0] });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trials: found across shard folders; missing and duplicated trials are named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const settings = { seed: 1 };
    for (const i of [0, 1]) {
      await runTrials({
        dir: join(dir, `s${i}`),
        trials: TRIALS,
        shard: { index: i, count: 2 },
        settings,
        run,
      });
    }
    const all = await findTrials(dir, TRIALS, settings);
    assert.equal(all.complete, true);
    assert.deepEqual(all.trials.map((t) => t.index), [0, 1, 2]);
    assert.equal(mergeProblems(all), undefined);
    await Deno.copyFile(trialPath(join(dir, "s1"), 1), trialPath(dir, 1));
    await Deno.remove(trialPath(join(dir, "s0"), 2));
    await Deno.writeTextFile(trialPath(dir, 0) + ".bak", "{");
    const bad = await findTrials(dir, TRIALS, settings);
    assert.equal(bad.complete, false);
    assert.deepEqual(bad.missing, [2]);
    assert.deepEqual(bad.duplicates, [{
      index: 1,
      files: [join(dir, "s1/trial-001.json"), join(dir, "trial-001.json")],
    }]);
    assert.match(mergeProblems(bad)!, /1 of 3 trials missing: 2; trial 1 is in 2 files/);
    // Settings computed from the file's own: any seed is accepted.
    const any = await findTrials(dir, TRIALS, (f: { seed: number }) => f);
    assert.deepEqual(any.missing, [2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trials: indexRanges folds runs", () => {
  assert.equal(indexRanges([1, 2, 3, 7, 9, 10]), "1–3, 7, 9–10");
  assert.equal(indexRanges([]), "");
});

Deno.test("gridProduct: every point once, the first parameter slowest", () => {
  assert.deepEqual(gridProduct({ lr: [1, 2], h: [3, 4, 5] }), [
    { lr: 1, h: 3 },
    { lr: 1, h: 4 },
    { lr: 1, h: 5 },
    { lr: 2, h: 3 },
    { lr: 2, h: 4 },
    { lr: 2, h: 5 },
  ]);
  assert.deepEqual(gridProduct({ a: [1], b: [] }), []);
  assert.deepEqual(gridProduct({}), [{}]);
});

Deno.test("bestBy: the highest score, the first of a tie, undefined for none", () => {
  const items = [{ i: 0, s: 0.2 }, { i: 1, s: 0.5 }, { i: 2, s: 0.5 }, { i: 3, s: 0.1 }];
  assert.equal(bestBy(items, (t) => t.s)?.i, 1);
  assert.equal(bestBy([], (t: { s: number }) => t.s), undefined);
});
