/**
 * `deno task backprop-sigmoid`: the hand formulas on a worked example, their checks against
 * finite differences and autograd, the checks failing on deliberately wrong formulas, and a
 * quick training run.
 */
import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { checkProblem, RECIPE, runBackpropSigmoid } from "../../tasks/backprop_sigmoid.ts";
import {
  autogradChecks,
  FD_THRESHOLD,
  finiteDifferenceChecks,
  handGradients,
  maxElementRelError,
} from "../../tasks/backprop_sigmoid/checks.ts";
import { centralDifferences, normRelError } from "../../train/finite_differences.ts";
import { FORMULAS, type Formulas, loss, oneHot } from "../../tasks/backprop_sigmoid/net.ts";

const close = (a: ArrayLike<number>, b: number[], tol = 1e-12) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `[${i}] ${a[i]} vs ${b[i]}`);
  }
};

Deno.test("backprop-sigmoid: the formulas on a worked example", () => {
  // Two classes, two hidden units. y = (0.25, 0.75), label 1 → t = (0, 1):
  // dE/dz² = y − t = (0.25, −0.25).
  const dz2 = FORMULAS.dEdz2(new Float64Array([0.25, 0.75]), oneHot(1, 2));
  close(dz2, [0.25, -0.25]);
  // y¹ = (0.5, 0.2): dE/dW² = (y − t)·y¹ᵀ = [[0.125, 0.05], [−0.125, −0.05]].
  const y1 = new Float64Array([0.5, 0.2]);
  const dW2 = new Float64Array(4);
  FORMULAS.dEdW2(dz2, y1, dW2, 1);
  close(dW2, [0.125, 0.05, -0.125, -0.05]);
  // W² = [[1, 2], [3, 4]]: (y − t)ᵀ·W² = (0.25·1 − 0.25·3, 0.25·2 − 0.25·4) = (−0.5, −0.5);
  // diag(y¹∘(1 − y¹)) = diag(0.25, 0.16) → dE/dz¹ = (−0.125, −0.08).
  const dz1 = FORMULAS.dEdz1(dz2, new Float64Array([1, 2, 3, 4]), y1);
  close(dz1, [-0.125, -0.08]);
  // x = (2, −1, 0): dE/dW¹ = (dE/dz¹)ᵀ·xᵀ = [[−0.25, 0.125, 0], [−0.16, 0.08, 0]]; scale 0.5 halves it.
  const dW1 = new Float64Array(6);
  FORMULAS.dEdW1(dz1, [2, -1, 0], dW1, 0.5);
  close(dW1, [-0.125, 0.0625, 0, -0.08, 0.04, 0]);
});

Deno.test("backprop-sigmoid: the element-wise error measure", () => {
  assert.ok(Math.abs(maxElementRelError([1, 2], [1, 2.02]) - 0.02 / 2.02) < 1e-15);
  // Both below the floor: the difference is measured against 1e-8, not against ~0.
  assert.ok(Math.abs(maxElementRelError([1e-12], [3e-12]) - 2e-4) < 1e-15);
  assert.equal(maxElementRelError([1, NaN], [1, 2]), Infinity);
  assert.throws(() => maxElementRelError([1], [1, 2]));
});

Deno.test("backprop-sigmoid: every formula passes finite differences and autograd (float64)", async () => {
  await setDevice("cpu");
  for (const seed of [1, 2, 3]) {
    const { net, batch, lambda } = checkProblem(seed);
    const fd = finiteDifferenceChecks(net, batch, lambda);
    assert.deepEqual(fd.map((c) => c.gradient), ["dE/dz²", "dE/dW²", "dE/dz¹", "dE/dW¹"]);
    for (const c of fd) {
      assert.ok(c.pass && c.relError < FD_THRESHOLD, `${c.gradient} seed ${seed}: ${c.relError}`);
    }
    for (const c of await autogradChecks(net, batch, lambda, "float64", "cpu")) {
      assert.ok(c.relError < 1e-12, `${c.gradient} vs autograd, seed ${seed}: ${c.relError}`);
    }
  }
});

Deno.test("backprop-sigmoid: the checks fail when a formula is wrong", async () => {
  await setDevice("cpu");
  const { net, batch, lambda } = checkProblem(1);
  const failing = async (f: Formulas) => {
    const fd = finiteDifferenceChecks(net, batch, lambda, f);
    const auto = await autogradChecks(net, batch, lambda, "float64", "cpu", f);
    assert.deepEqual(
      fd.map((c) => c.pass),
      auto.map((c) => c.pass),
      "finite differences and autograd must agree on which formula is wrong",
    );
    return fd.filter((c) => !c.pass).map((c) => c.gradient);
  };
  // Forgetting the sigmoid's derivative y¹∘(1 − y¹) breaks dE/dz¹ and, through it, dE/dW¹.
  const noDerivative: Formulas = {
    ...FORMULAS,
    dEdz1: (dz2, w2, y1) => FORMULAS.dEdz1(dz2, w2, y1).map((v, j) => v / (y1[j] * (1 - y1[j]))),
  };
  assert.deepEqual(await failing(noDerivative), ["dE/dz¹", "dE/dW¹"]);
  // t − y instead of y − t flips every gradient.
  const flipped: Formulas = { ...FORMULAS, dEdz2: (y, t) => t.map((v, k) => v - y[k]) };
  assert.deepEqual(await failing(flipped), ["dE/dz²", "dE/dW²", "dE/dz¹", "dE/dW¹"]);
  // A 1% error in the largest entry of dE/dW¹ is enough to fail against finite differences.
  const hand = handGradients(net, batch, lambda).dW1;
  const numeric = centralDifferences(() => loss(net, batch, lambda), net.w1, 1e-5);
  assert.ok(normRelError(hand, numeric) < FD_THRESHOLD);
  let big = 0;
  for (let i = 1; i < hand.length; i++) if (Math.abs(hand[i]) > Math.abs(hand[big])) big = i;
  const wrong = hand.slice();
  wrong[big] *= 1.01;
  assert.ok(normRelError(wrong, numeric) > FD_THRESHOLD);
});

Deno.test("backprop-sigmoid --quick trains far above chance and writes its results", async () => {
  const out = await Deno.makeTempDir();
  try {
    const r = await runBackpropSigmoid(["--quick", "--device", "cpu", "--out", out]);
    const { gradientChecks, testAcc } = r.metrics.ours;
    assert.ok(gradientChecks.every((c) => c.pass));
    assert.ok(testAcc >= RECIPE.quick.minTestAcc, `quick test accuracy ${testAcc}`);
    const metrics = JSON.parse(await Deno.readTextFile(`${out}/metrics.json`));
    const history = metrics.history as { epoch: number; loss: number }[];
    assert.equal(history[0].epoch, 0);
    assert.ok(history[history.length - 1].loss < history[0].loss / 2, "the loss must fall");
    assert.ok(metrics.config.choices.optimiser);
    const csv = (await Deno.readTextFile(`${out}/history.csv`)).trim().split("\n");
    assert.equal(csv.length, history.length + 1);
    assert.ok((await Deno.readTextFile(`${out}/curves.svg`)).startsWith("<svg"));
    const checks = (await Deno.readTextFile(`${out}/gradient_checks.csv`)).trim().split("\n");
    assert.equal(checks.length, gradientChecks.length + 1);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
