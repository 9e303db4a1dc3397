import assert from "node:assert/strict";
import { join } from "node:path";
import {
  parseImproveFlags,
  QUICK,
  reproduction,
  runImprove,
  variantsOf,
} from "../../tasks/cifar10_improve.ts";
import { BASE, IMPROVEMENTS, LADDER, variantFor } from "../../tasks/cifar10_improve_ladder.ts";
import {
  LADDER_COLUMNS,
  ladderCsv,
  ladderMarkdown,
  type VariantResult,
} from "../../tasks/cifar10_improve_report.ts";
import { withTempDir, writeCifarFolder } from "../datasets/cifar10_fixture.ts";

Deno.test("parseImproveFlags: each improvement is a switch; --lr and --ladder", () => {
  const none = parseImproveFlags([]);
  assert.deepEqual(none.improvements, BASE);
  assert.equal(none.ladder, false);
  assert.equal(none.learningRate, 0.05);
  for (const i of IMPROVEMENTS) {
    const f = parseImproveFlags([`--${i.key}`, "--device", "cpu"]);
    assert.deepEqual(f.improvements, { ...BASE, [i.key]: true });
    assert.equal(f.device, "cpu");
  }
  const f = parseImproveFlags(["--ladder", "--quick", "--lr", "0.5", "--data-dir", "/d"]);
  assert.equal(f.ladder, true);
  assert.equal(f.quick, true);
  assert.equal(f.learningRate, 0.5);
  assert.equal(f.dataDir, "/d");
  assert.throws(() => parseImproveFlags(["--lr", "-1"]), /--lr/);
  assert.throws(() => parseImproveFlags(["--ladder", "--dropout"]), /--ladder/);
  assert.throws(() => parseImproveFlags(["--batch-norm"]));
});

Deno.test("LADDER: the report's order, each rung adds exactly one improvement", () => {
  assert.deepEqual(LADDER.map((v) => v.name), [
    "base",
    "plus_norm",
    "plus_augment",
    "plus_schedule",
    "plus_dropout",
    "plus_batchnorm",
  ]);
  assert.deepEqual(LADDER.map((v) => v.reported), [0.70, 0.758, 0.80, 0.81, 0.82, 0.85]);
  assert.deepEqual(LADDER[0].improvements, BASE);
  for (let k = 1; k < LADDER.length; k++) {
    const prev = LADDER[k - 1].improvements, cur = LADDER[k].improvements;
    const added = IMPROVEMENTS.filter((i) => cur[i.key] && !prev[i.key]);
    const dropped = IMPROVEMENTS.filter((i) => prev[i.key] && !cur[i.key]);
    assert.equal(added.length, 1, LADDER[k].name);
    assert.equal(dropped.length, 0, LADDER[k].name);
  }
  assert.ok(LADDER.every((v) => !v.improvements.zca), "ZCA is a bonus, off the ladder");
});

Deno.test("variantFor / variantsOf: rungs by flags, custom combinations unreported", () => {
  assert.equal(variantFor({ ...BASE, normalize: true, augment: true }).name, "plus_augment");
  const custom = variantFor({ ...BASE, augment: true });
  assert.equal(custom.reported, undefined);
  assert.equal(custom.name, "base_augment");
  assert.deepEqual(
    variantsOf(parseImproveFlags(["--ladder"])).map((v) => v.name),
    LADDER.map((v) => v.name),
  );
  assert.deepEqual(variantsOf(parseImproveFlags(["--ladder", "--quick"])).map((v) => v.name), [
    ...QUICK.ladder,
  ]);
  const zca = variantsOf(parseImproveFlags(["--ladder", "--zca"]));
  assert.equal(zca.length, LADDER.length);
  assert.ok(zca.every((v) => v.improvements.zca && v.reported === undefined));
  assert.deepEqual(variantsOf(parseImproveFlags(["--dropout"])).map((v) => v.name), [
    "base_dropout",
  ]);
});

Deno.test("ladderCsv / ladderMarkdown: one row per variant, reported beside ours", () => {
  const h = (accs: number[]) =>
    accs.map((a, i) => ({
      epoch: i + 1,
      loss: 1,
      acc: 0.5,
      valAcc: a,
      seconds: 1,
      samplesPerSecond: 1,
    }));
  const results: VariantResult[] = [
    {
      variant: LADDER[0],
      testAcc: 0.61,
      testLoss: 1.2,
      history: h([0.5, 0.62, 0.61]),
      wallSeconds: 3,
    },
    { variant: LADDER[1], testAcc: 0.66, testLoss: 1.1, history: h([0.6, 0.66]), wallSeconds: 4 },
  ];
  const lines = ladderCsv(results).trim().split("\n");
  assert.equal(lines[0], LADDER_COLUMNS.join(","));
  assert.equal(lines.length, 3);
  const base = Object.fromEntries(LADDER_COLUMNS.map((c, i) => [c, lines[1].split(",")[i]]));
  assert.equal(base.variant, "base");
  assert.equal(base.improvements, "none");
  assert.equal(base.reported_test_acc, "0.7");
  assert.equal(base.test_acc, "0.61");
  assert.equal(base.best_test_acc, "0.62");
  assert.equal(base.best_epoch, "2");
  assert.equal(lines[2].split(",")[1], "norm");
  const md = ladderMarkdown(results, "note");
  assert.match(md, /\| base \| ≈ 70 % \| 0\.6100 \|/);
  assert.match(md, /\| \+norm \| ≈ 75\.8 % \| 0\.6600 \|/);
  assert.match(md, /\nnote\n$/);
});

Deno.test("quick ladder on stand-in: combined table, chart, per-variant folders; never a pass", async () => {
  await withTempDir(async (dir) => {
    const outDir = join(dir, "out");
    await Deno.mkdir(join(dir, "empty"));
    const rows = await reproduction.runQuick(
      {
        outDir,
        device: "cpu",
        seed: 1,
        dataDir: join(dir, "empty"),
      },
    );
    assert.equal(rows.length, 2);
    for (const r of rows) assert.equal(r.status, "not reproduced: data absent");
    assert.match(rows[0].tolerance, /: met$/, rows[0].tolerance);
    assert.match(rows[1].tolerance, /: met$/, rows[1].tolerance);
    const metrics = JSON.parse(await Deno.readTextFile(join(outDir, "metrics.json")));
    assert.match(metrics.warning, /stand-in data/);
    assert.deepEqual(metrics.variants.map((v: { name: string }) => v.name), [...QUICK.ladder]);
    assert.match(metrics.table, /\| base \|.*\n\| \+norm \|/);
    assert.ok(metrics.config.choices.optimizer);
    const csv = (await Deno.readTextFile(join(outDir, "ladder.csv"))).trim().split("\n");
    assert.equal(csv.length, 3);
    const svg = await Deno.readTextFile(join(outDir, "curves.svg"));
    assert.match(svg, /base \(reported ≈ 70 %\)/);
    assert.match(svg, /\+norm \(reported ≈ 75\.8 %\)/);
    assert.match(await Deno.readTextFile(join(outDir, "test_loss.svg")), /test loss/);
    for (const v of QUICK.ladder) {
      const m = JSON.parse(await Deno.readTextFile(join(outDir, v, "metrics.json")));
      assert.match(m.warning, /stand-in/);
      assert.equal(m.config.params, 1191170);
      await Deno.stat(join(outDir, v, "confusion.csv"));
    }
    const norm = JSON.parse(await Deno.readTextFile(join(outDir, "plus_norm", "metrics.json")));
    assert.equal(norm.config.preprocessing.standardize.mean.length, 3);
  });
});

Deno.test("quick ladder on files in the official format: real data, no stand-in notice", async () => {
  await withTempDir(async (dir) => {
    const data = join(dir, "cifar");
    // The quick run evaluates 200 test images; --limit 40 takes all five small training files.
    await writeCifarFolder(data, 8, QUICK.testLimit);
    const outDir = join(dir, "out");
    const r = await runImprove([
      "--quick",
      "--ladder",
      "--limit",
      "40",
      "--device",
      "cpu",
      "--data-dir",
      data,
      "--out",
      outDir,
    ]);
    assert.equal(r.standIn, false);
    const metrics = JSON.parse(await Deno.readTextFile(join(outDir, "metrics.json")));
    assert.equal(metrics.warning, undefined);
    assert.equal(metrics.data.train, 40);
    assert.equal(metrics.data.test, QUICK.testLimit);
  });
});
