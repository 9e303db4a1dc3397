/**
 * The circles-mlp task: flag parsing, the manual gradients against finite differences, the four
 * ways agreeing (and a changed way not agreeing), the sweep's measures, and a quick run.
 */
import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { runCirclesMlp } from "../../tasks/circles_mlp.ts";
import {
  agree,
  gapsFromFirst,
  LOSS_TOLERANCE,
  runFourWays,
} from "../../tasks/circles_mlp/agreement.ts";
import { scoreManual, trainManual } from "../../tasks/circles_mlp/manual.ts";
import {
  batchOrder,
  CIRCLES_RECIPE,
  circlesData,
  initialWeights,
} from "../../tasks/circles_mlp/setup.ts";
import { measure } from "../../tasks/circles_mlp/sweep.ts";

await setDevice("cpu");
const short = { ...CIRCLES_RECIPE, epochs: 8 };

Deno.test("circles-mlp flags: a bad --lr and an unknown flag are refused", async () => {
  await assert.rejects(() => runCirclesMlp(["--lr", "-1", "--device", "cpu"]), /--lr/);
  await assert.rejects(() => runCirclesMlp(["--bogus"]));
});

Deno.test("circles-mlp: batches follow fit's order, one shuffle per epoch", () => {
  const o = batchOrder(20, { ...short, batchSize: 8, epochs: 2 });
  assert.deepEqual(o.map((e) => e.map((b) => b.length)), [[8, 8, 4], [8, 8, 4]]);
  for (const e of o) {
    assert.deepEqual(
      [...new Int32Array(e.flatMap((b) => [...b]))].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
  }
  assert.notDeepEqual(o[0][0], o[1][0]);
});

Deno.test("circles-mlp: one manual step matches finite differences of the loss", () => {
  const d = circlesData(short);
  const init = initialWeights(1);
  const c = { ...short, epochs: 1, batchSize: d.train.y.length, lr: 1 };
  // With the whole set as one batch and lr 1, the step is exactly −∇(mean loss).
  const after = trainManual(d.train, d.test, init, c).final;
  const net = (w = init) => ({
    w1: Float64Array.from(w.w1),
    b1: Float64Array.from(w.b1),
    w2: Float64Array.from(w.w2),
    b2: Float64Array.from(w.b2),
  });
  const h = 1e-6;
  for (const k of ["w1", "b1", "w2", "b2"] as const) {
    for (let i = 0; i < init[k].length; i++) {
      const p = net(), m = net();
      p[k][i] += h;
      m[k][i] -= h;
      const numeric = (scoreManual(p, d.train).loss - scoreManual(m, d.train).loss) / (2 * h);
      const analytic = init[k][i] - after[k][i];
      assert.ok(Math.abs(numeric - analytic) < 1e-5, `${k}[${i}]: ${analytic} vs ${numeric}`);
    }
  }
  d.train.x.dispose();
  d.test.x.dispose();
});

Deno.test("circles-mlp: the four ways give the same curves; a changed way does not", async () => {
  const d = circlesData(short);
  const ways = await runFourWays(d, short);
  const gaps = gapsFromFirst(ways);
  assert.equal(gaps.length, 3);
  for (const g of gaps) {
    assert.ok(g.maxLossGap <= LOSS_TOLERANCE, `${g.way}: ${g.maxLossGap}`);
    assert.ok(g.maxTestLossGap <= LOSS_TOLERANCE, `${g.way}: ${g.maxTestLossGap}`);
    assert.ok(g.maxWeightGap < 1e-4, `${g.way}: weights ${g.maxWeightGap}`);
  }
  assert.ok(agree(gaps));
  // The loss must actually fall, or agreeing curves would prove nothing.
  assert.ok(ways[0].epochs[7].loss < ways[0].epochs[0].loss - 0.05);
  // Another init (seed 2's weights) must be caught.
  const other = trainManual(d.train, d.test, initialWeights(2), short);
  assert.equal(agree(gapsFromFirst([ways[0], other])), false);
  // So must another batch order.
  const reordered = trainManual(d.train, d.test, initialWeights(1), { ...short, seed: 5 });
  assert.equal(agree(gapsFromFirst([ways[0], reordered])), false);
  d.train.x.dispose();
  d.test.x.dispose();
});

Deno.test("circles-mlp sweep measures: rise, roughness, epoch to 90%", () => {
  const ep = (loss: number, testLoss: number, testAcc: number, i: number) => ({
    epoch: i + 1,
    loss,
    acc: 0,
    testLoss,
    testAcc,
  });
  const curves = {
    way: "x",
    final: initialWeights(1),
    epochs: [ep(1, 1, 0.5, 0), ep(0.5, 0.8, 0.8, 1), ep(0.9, 0.4, 0.92, 2), ep(0.3, 0.6, 0.95, 3)],
  };
  const m = measure({ label: "x", lr: 1, batchSize: 1 }, curves);
  assert.ok(Math.abs(m.maxRise - 0.4) < 1e-12);
  assert.ok(Math.abs(m.roughness - 0.2) < 1e-12); // second half: |0.6 − 0.4|
  assert.equal(m.epochTo90, 3);
});

Deno.test("circles-mlp --quick: accuracy floor, four-way agreement, results files", async () => {
  const out = await Deno.makeTempDir();
  const r = await runCirclesMlp(["--quick", "--device", "cpu", "--out", out]);
  assert.equal(r.rows.length, 2);
  for (const row of r.rows) assert.equal(row.status, "pass", `${row.check}: ${row.ours}`);
  const ours = r.metrics.ours as { testAcc: number };
  assert.ok(ours.testAcc >= 0.9, `test acc ${ours.testAcc}`);
  for (
    const f of [
      "metrics.json",
      "history.csv",
      "curves.svg",
      "four_ways.csv",
      "four_ways.svg",
      "boundary.svg",
    ]
  ) {
    assert.ok((await Deno.stat(`${out}/${f}`)).size > 0, `${f} missing`);
  }
  const saved = JSON.parse(await Deno.readTextFile(`${out}/metrics.json`));
  assert.equal(saved.ours.testAcc, ours.testAcc);
  assert.equal(saved.history.length, 100);
  await Deno.remove(out, { recursive: true });
});
