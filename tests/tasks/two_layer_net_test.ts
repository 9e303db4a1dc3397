/**
 * The two-layer-net task: the hand backward against numeric and autograd gradients (and a
 * broken backward that must be caught), grid sharding, resume and merge, and the quick run's
 * files and rows (CIFAR-10 absent here, so its CIFAR rows must not pass).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import "../../kernels/tensor_methods.ts";
import { reproduction } from "../../tasks/two_layer_net.ts";
import { parseShard, shardIndices } from "../../experiment/shards.ts";
import { gridProduct, indexRanges, mergeProblems, trialPath } from "../../experiment/trials.ts";
import {
  FULL_GRID,
  type GridSpec,
  runShard,
  type TrialParams,
  type TrialSettings,
} from "../../tasks/two_layer_net/grid.ts";
import { gridCsv, mergeGrid } from "../../tasks/two_layer_net/merge.ts";
import { lossAndGrads, type LossAndGradsFn } from "../../tasks/two_layer_net/net.ts";
import { maxRelError } from "../../train/finite_differences.ts";
import {
  autogradGradients,
  gradientErrors,
  runToyCheck,
  TOY,
  toyProblem,
} from "../../tasks/two_layer_net/toy_check.ts";

Deno.test("toy: hand gradients match central differences (< 1e-7) and float64 autograd", async () => {
  const r = await runToyCheck();
  for (const [k, v] of Object.entries(r.numericRelErrors)) assert.ok(v < 1e-7, `${k}: ${v}`);
  for (const [k, v] of Object.entries(r.autogradRelErrors)) assert.ok(v < 1e-10, `${k}: ${v}`);
  assert.ok(r.scoresMaxAbsDiff < 1e-10 && r.lossAbsDiff < 1e-10);
  assert.ok(r.autogradLossAbsDiff < 1e-10);
  assert.ok(r.training.finalLoss < 0.05, `toy final loss ${r.training.finalLoss}`);
  assert.ok(r.training.finalLoss < r.training.losses[0] / 10, "toy training barely moved");
});

/** The real backward with one mistake. */
function broken(kind: "regFactor" | "noReluMask"): LossAndGradsFn {
  return (net, x, y, reg) => {
    const r = lossAndGrads(net, x, y, reg);
    if (kind === "regFactor") {
      // reg·W instead of 2·reg·W: a classic slip.
      for (let i = 0; i < r.grads.W2.length; i++) r.grads.W2[i] -= reg * net.W2[i];
      return r;
    }
    // Gradient through the ReLU as if it were the identity, for b1 only.
    const n = y.length;
    // dscores rebuilt from the scores, then pushed back without the ReLU mask.
    const probs = r.scores.slice();
    for (let i = 0; i < n; i++) {
      const row = probs.subarray(i * net.c, (i + 1) * net.c);
      const m = Math.max(...row);
      let z = 0;
      for (let j = 0; j < net.c; j++) z += Math.exp(row[j] - m);
      for (let j = 0; j < net.c; j++) row[j] = Math.exp(row[j] - m) / z / n;
      row[y[i]] -= 1 / n;
    }
    const db1 = new Float64Array(net.h);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < net.h; k++) {
        for (let j = 0; j < net.c; j++) db1[k] += probs[i * net.c + j] * net.W2[k * net.c + j];
      }
    }
    return { ...r, grads: { ...r.grads, b1: db1 } };
  };
}

Deno.test("toy: a deliberately wrong backward is caught by both checks", async () => {
  const { net, x, y } = toyProblem(TOY.seed);
  const reg = TOY.reg;
  const wrongReg = gradientErrors(broken("regFactor"), net, x, y, reg);
  assert.ok(wrongReg.W2 > 1e-3, `missing reg factor not caught: ${wrongReg.W2}`);
  assert.ok(wrongReg.W1 < 1e-7, "only W2 was broken");
  const auto = await autogradGradients(net, x, y, reg);
  assert.ok(maxRelError(broken("regFactor")(net, x, y, reg).grads.W2, auto.grads.W2) > 1e-3);

  const wrongMask = gradientErrors(broken("noReluMask"), net, x, y, reg);
  assert.ok(wrongMask.b1 > 1e-3, `missing ReLU mask not caught: ${wrongMask.b1}`);
  const r = await runToyCheck(TOY.seed, broken("noReluMask"));
  assert.ok(r.numericRelErrors.b1 > 1e-3 && r.autogradRelErrors.b1 > 1e-3);
});

Deno.test("grid: 144 trials, and shards i/n partition them exactly", () => {
  const trials = gridProduct(FULL_GRID);
  assert.equal(trials.length, 144);
  assert.equal(new Set(trials.map((t) => JSON.stringify(t))).size, 144);
  assert.deepEqual(trials[0], { learningRate: 1e-3, hidden: 20, reg: 1e-4, batchSize: 200 });
  for (const n of [1, 2, 3, 5, 7, 144, 200]) {
    const seen = new Array(144).fill(0);
    for (let i = 0; i < n; i++) {
      const mine = shardIndices(144, parseShard(`${i}/${n}`));
      for (const t of mine) {
        assert.equal(t % n, i);
        seen[t]++;
      }
    }
    assert.ok(
      seen.every((c) => c === 1),
      `n = ${n}: a trial ran ${Math.max(...seen)} times or never`,
    );
  }
  for (const bad of ["3/3", "-1/2", "1/0", "a/b", "1", "1/2/3"]) {
    assert.throws(() => parseShard(bad), /--shard/, bad);
  }
});

const SMALL: GridSpec = {
  learningRate: [1e-3, 2e-3],
  hidden: [20, 40],
  reg: [1e-4],
  batchSize: [100, 200],
};
const SETTINGS: TrialSettings = {
  iterations: 5,
  learningRateDecay: 0.95,
  initStd: 1e-4,
  seed: 1,
  numTrain: 10,
  numVal: 5,
  numTest: 5,
  source: "fake",
};

/** A trial runner whose val accuracy is a known function of the params; counts its calls. */
function fakeRunner(calls: TrialParams[]) {
  return (p: TrialParams) => {
    calls.push(p);
    const valAcc = p.learningRate * 100 + p.hidden / 1000 + p.batchSize / 1e6;
    return Promise.resolve({
      valAcc,
      testAcc: valAcc - 0.01,
      trainAcc: 0.5,
      finalLoss: 1,
      seconds: 0,
      history: [],
    });
  };
}

Deno.test("grid: a resumed shard skips finished trials and reruns stale ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const calls: TrialParams[] = [];
    const shard = parseShard("1/3");
    const first = await runShard({
      dir,
      spec: SMALL,
      shard,
      settings: SETTINGS,
      run: fakeRunner(calls),
    });
    assert.deepEqual(first.ran, [1, 4, 7]);
    assert.equal(calls.length, 3);
    // As if killed after trial 1: trial 4's file is gone; trial 7 was made with another seed.
    await Deno.remove(trialPath(dir, 4));
    const stale = JSON.parse(await Deno.readTextFile(trialPath(dir, 7)));
    stale.settings.seed = 2;
    await Deno.writeTextFile(trialPath(dir, 7), JSON.stringify(stale));
    calls.length = 0;
    const second = await runShard({
      dir,
      spec: SMALL,
      shard,
      settings: SETTINGS,
      run: fakeRunner(calls),
    });
    assert.deepEqual(second.skipped, [1]);
    assert.deepEqual(second.ran, [4, 7]);
    assert.deepEqual(calls.map((c) => c.hidden), [20, 40]);
    const third = await runShard({
      dir,
      spec: SMALL,
      shard,
      settings: SETTINGS,
      run: fakeRunner([]),
    });
    assert.deepEqual(third.ran, []);
    // No temporary files left behind by the atomic writes.
    for await (const e of Deno.readDir(dir)) assert.match(e.name, /^trial-\d{3}\.json$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grid: merge lists missing trials, then picks the best when complete", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { source: _, ...settings } = SETTINGS;
    await runShard({
      dir,
      spec: SMALL,
      shard: parseShard("0/2"),
      settings: SETTINGS,
      run: fakeRunner([]),
    });
    const half = await mergeGrid(dir, SMALL, settings);
    assert.equal(half.complete, false);
    assert.deepEqual(half.missing, [1, 3, 5, 7]);
    assert.equal(half.trials.length, 4);

    await runShard({
      dir,
      spec: SMALL,
      shard: parseShard("1/2"),
      settings: SETTINGS,
      run: fakeRunner([]),
    });
    const full = await mergeGrid(dir, SMALL, settings);
    assert.equal(full.complete, true);
    assert.deepEqual(full.missing, []);
    // Highest valAcc of the fake runner: lr 2e-3, hidden 40, batch 200 = trial 7.
    assert.equal(full.best?.index, 7);
    assert.deepEqual(full.best?.params, {
      learningRate: 2e-3,
      hidden: 40,
      reg: 1e-4,
      batchSize: 200,
    });
    assert.equal(full.source, "fake");
    const csv = gridCsv(full.trials).trim().split("\n");
    assert.equal(csv.length, 9);
    assert.match(csv[0], /^index,learningRate,hidden,reg,batchSize,valAcc/);

    // Trials from another run (other iterations) do not count.
    const other = await mergeGrid(dir, SMALL, { ...settings, iterations: 6 });
    assert.equal(other.trials.length, 0);
    assert.equal(other.missing.length, 8);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grid: merge reads shard subfolders and refuses duplicated trials, naming them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { source: _, ...settings } = SETTINGS;
    // Each machine's grid/ copied in as its own folder, as a CI artifact download lays them out.
    for (const i of [0, 1]) {
      await runShard({
        dir: join(dir, `shard-${i}`),
        spec: SMALL,
        shard: parseShard(`${i}/2`),
        settings: SETTINGS,
        run: fakeRunner([]),
      });
    }
    const ok = await mergeGrid(dir, SMALL, settings);
    assert.equal(ok.complete, true);
    assert.deepEqual(ok.duplicates, []);
    assert.equal(mergeProblems(ok), undefined);
    assert.equal(ok.best?.index, 7);

    // Trial 3 also ran in a third folder (an overlapping shard); trial 4's only file is gone.
    await Deno.mkdir(join(dir, "again"));
    await Deno.copyFile(trialPath(join(dir, "shard-1"), 3), trialPath(join(dir, "again"), 3));
    await Deno.remove(trialPath(join(dir, "shard-0"), 4));
    const bad = await mergeGrid(dir, SMALL, settings);
    assert.equal(bad.complete, false);
    assert.deepEqual(bad.missing, [4]);
    assert.deepEqual(bad.duplicates, [{
      index: 3,
      files: [trialPath(join(dir, "again"), 3), trialPath(join(dir, "shard-1"), 3)],
    }]);
    assert.ok(!bad.trials.some((t) => t.index === 3 || t.index === 4));
    const why = mergeProblems(bad)!;
    assert.match(why, /1 of 8 trials missing: 4/);
    assert.match(
      why,
      /trial 3 is in 2 files: .*again.*trial-003\.json, .*shard-1.*trial-003\.json/,
    );
    // A stale copy (another seed) is not a duplicate.
    const stale = JSON.parse(await Deno.readTextFile(trialPath(join(dir, "again"), 3)));
    stale.settings.seed = 9;
    await Deno.writeTextFile(trialPath(join(dir, "again"), 3), JSON.stringify(stale));
    assert.deepEqual((await mergeGrid(dir, SMALL, settings)).duplicates, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grid: missing trials are named as ranges", () => {
  assert.equal(indexRanges([0, 1, 2, 5, 7, 8]), "0–2, 5, 7–8");
  assert.equal(indexRanges([]), "");
});

Deno.test("two-layer-net quick reproduction writes its files; CIFAR rows on stand-in never pass", async () => {
  const out = await Deno.makeTempDir();
  const empty = await Deno.makeTempDir();
  try {
    const rows = await reproduction.runQuick(
      { outDir: out, device: "cpu", seed: 1, dataDir: empty } as never,
    );
    const toy = rows.filter((r) => r.check.startsWith("toy"));
    assert.equal(toy.length, 4);
    for (const r of toy) assert.equal(r.status, "pass", `${r.check}: ${r.ours}`);
    const cifar = rows.filter((r) => !r.check.startsWith("toy"));
    assert.equal(cifar.length, 3, JSON.stringify(cifar));
    for (const r of cifar) {
      assert.equal(r.status, "not reproduced: data absent", r.check);
      assert.match(r.tolerance, /: met$/, `${r.check}: ${r.ours} ${r.tolerance}`);
    }
    for (
      const f of [
        "metrics.json",
        "history.csv",
        "curves.svg",
        "toy/metrics.json",
        "toy/curves.svg",
        "grid/trial-000.json",
        "grid/trial-003.json",
        "grid_summary/metrics.json",
        "grid_summary/grid.csv",
        "grid_summary/grid.svg",
        "grid_summary/history.csv",
      ]
    ) {
      assert.ok((await Deno.stat(join(out, f))).size > 0, `${f} missing`);
    }
    const m = JSON.parse(await Deno.readTextFile(join(out, "metrics.json")));
    assert.match(m.warning, /stand-in/);
    assert.equal(m.reported.defaultValAcc, 0.287);
    const g = JSON.parse(await Deno.readTextFile(join(out, "grid_summary/metrics.json")));
    assert.equal(g.complete, true);
    assert.ok(g.ours.layerModules.valAcc > 0);
  } finally {
    await Deno.remove(out, { recursive: true });
    await Deno.remove(empty, { recursive: true });
  }
});
