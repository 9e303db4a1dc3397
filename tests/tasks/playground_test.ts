/**
 * The playground task: flag parsing, the loss it reports, one short run's
 * results files, and the quick claims check (every claim row must pass its stated test).
 */
import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { runPlayground } from "../../tasks/playground.ts";
import { CLAIMS } from "../../tasks/playground/claims.ts";
import { parseFeatures, parseLayers, parsePlaygroundArgs } from "../../tasks/playground/config.ts";
import { initPlayground, playgroundModel, scoreOutputs } from "../../tasks/playground/train.ts";
import { PLAYGROUND_DEFAULTS } from "../../tasks/playground/config.ts";

Deno.test("playground flags: task flags and common flags parse together", () => {
  const cli = parsePlaygroundArgs([
    "--dataset",
    "xor",
    "--features=x1x2,x1²",
    "--layers",
    "3,2",
    "--activation",
    "relu",
    "--noise",
    "0.2",
    "--train-ratio",
    "0.7",
    "--lr",
    "0.1",
    "--l2",
    "0.001",
    "--batch-size",
    "5",
    "--epochs",
    "7",
    "--seed",
    "3",
    "--device",
    "cpu",
  ]);
  assert.equal(cli.config.dataset, "xor");
  assert.deepEqual(cli.config.features, ["x1x2", "x1^2"]);
  assert.deepEqual(cli.config.layers, [3, 2]);
  assert.equal(cli.config.activation, "relu");
  assert.equal(cli.config.noise, 0.2);
  assert.equal(cli.config.trainRatio, 0.7);
  assert.equal(cli.config.lr, 0.1);
  assert.equal(cli.config.l1, 0);
  assert.equal(cli.config.l2, 0.001);
  assert.equal(cli.config.batchSize, 5);
  assert.equal(cli.config.epochs, 7);
  assert.equal(cli.config.seed, 3);
  assert.equal(cli.device, "cpu");
  assert.equal(cli.claims, false);
});

Deno.test("playground flags: defaults are the Playground's; bad values are refused", () => {
  const d = parsePlaygroundArgs([]).config;
  assert.deepEqual([d.lr, d.batchSize, d.activation, d.noise, d.trainRatio], [
    0.03,
    10,
    "tanh",
    0,
    0.5,
  ]);
  assert.deepEqual(parseLayers(""), []);
  assert.deepEqual(parseFeatures("sin x1, sinx2"), ["sin x1", "sin x2"]);
  assert.throws(() => parsePlaygroundArgs(["--dataset", "moons"]), /--dataset/);
  assert.throws(() => parsePlaygroundArgs(["--features", "x3"]), /unknown "x3"/);
  assert.throws(() => parsePlaygroundArgs(["--noise", "0.9"]), /--noise/);
  assert.throws(() => parsePlaygroundArgs(["--layers", "2,0"]), /--layers/);
  assert.throws(() => parsePlaygroundArgs(["--activation", "softmax"]), /--activation/);
  assert.throws(() => parsePlaygroundArgs(["--bogus", "1"]));
  assert.equal(parsePlaygroundArgs(["--claims", "--quick"]).claims, true);
});

Deno.test("playground loss is ½(out − y)² on ±1 labels: an output of 0 scores 0.5", () => {
  const y = Int32Array.from([1, 0, 1, 0]);
  assert.deepEqual(scoreOutputs([0, 0, 0, 0], y), { loss: 0.5, acc: 0.5 });
  assert.deepEqual(scoreOutputs([1, -1, 1, -1], y), { loss: 0, acc: 1 });
  const s = scoreOutputs([0.5, 0.5, -1, -1], y);
  assert.ok(Math.abs(s.loss - (0.125 + 1.125 + 2 + 0) / 4) < 1e-12);
  assert.equal(s.acc, 0.5); // signs +,+,−,− against +,−,+,−
});

Deno.test("playground: a short xor run learns and writes its results files", async () => {
  await setDevice("cpu");
  const out = await Deno.makeTempDir();
  const r = await runPlayground([
    "--dataset=xor",
    "--features=x1x2",
    "--layers=2",
    "--epochs=20",
    "--device=cpu",
    `--out=${out}`,
  ]);
  for (const f of ["metrics.json", "history.csv", "curves.svg", "boundary.svg"]) {
    assert.ok((await Deno.stat(`${out}/${f}`)).size > 0, `${f} missing`);
  }
  const m = JSON.parse(await Deno.readTextFile(`${out}/metrics.json`));
  assert.equal(m.history.length, 20);
  assert.ok(m.config.choices.loss.includes("½"));
  // Untrained (output ≈ 0) scores ≈ 0.5; x1·x2 separates xor, so 20 epochs get far below.
  assert.ok(m.ours.testLoss < 0.05, `test loss ${m.ours.testLoss}`);
  assert.equal(m.ours.testLoss, (r.metrics!.ours as { testLoss: number }).testLoss);
  await Deno.remove(out, { recursive: true });
});

Deno.test("playground --claims --quick: every claim row passes and the table is written", async () => {
  const out = await Deno.makeTempDir();
  const r = await runPlayground(["--claims", "--quick", "--device", "cpu", "--out", out]);
  assert.equal(r.rows!.length, CLAIMS.length);
  for (const row of r.rows!) assert.equal(row.status, "pass", `${row.check}: ${row.ours}`);
  for (const f of ["claims.md", "claims.csv", "claims.svg", "metrics.json"]) {
    assert.ok((await Deno.stat(`${out}/${f}`)).size > 0, `${f} missing`);
  }
  for (const c of CLAIMS) {
    assert.ok((await Deno.stat(`${out}/claims/${c.id}/boundary.svg`)).size > 0);
  }
  const m = JSON.parse(await Deno.readTextFile(`${out}/metrics.json`));
  assert.equal(m.claims.length, CLAIMS.length);
  await Deno.remove(out, { recursive: true });
});

Deno.test("playground init: the Playground's U(−0.5, 0.5) weights and 0.1 biases; glorot keeps the layer's", async () => {
  await setDevice("cpu");
  const c = { ...PLAYGROUND_DEFAULTS, features: ["x1", "x2"] as const, layers: [4, 2] };
  const model = playgroundModel({ ...c, features: [...c.features] });
  model.build([2]);
  const before = await Promise.all(model.weights().map((w) => w.tensor.data()));
  initPlayground(model, "playground", 1);
  for (const w of model.weights()) {
    const v = Array.from(await w.tensor.data());
    if (w.name.endsWith("/bias")) assert.ok(v.every((b) => Math.abs(b - 0.1) < 1e-7), w.name);
    else assert.ok(v.every((x) => x >= -0.5 && x < 0.5) && new Set(v).size === v.length, w.name);
  }
  // The first kernel has 2·4 weights: none left at its Glorot value.
  const k0 = Array.from(await model.weights()[0].tensor.data());
  assert.ok(k0.every((x, i) => x !== before[0][i]));
  const glorot = playgroundModel({ ...c, features: [...c.features] });
  glorot.build([2]);
  const g0 = Array.from(await glorot.weights()[0].tensor.data());
  initPlayground(glorot, "glorot", 1);
  assert.deepEqual(Array.from(await glorot.weights()[0].tensor.data()), g0);
  model.dispose();
  glorot.dispose();
});
