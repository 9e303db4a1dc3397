/**
 * `deno task backprop-sigmoid` (course exercise C): the two-layer sigmoid/softmax net without
 * biases, its pen-and-paper gradients checked against central finite differences and against
 * the toolkit's autograd, then trained on MNIST digits by plain gradient descent with those
 * hand gradients. Writes metrics.json, history.csv, curves.svg and gradient_checks.csv.
 * @module
 */
import { loadMnistArrays } from "../datasets/mnist.ts";
import type { RawSplit } from "../datasets/mnist_format.ts";
import { type DeviceInfo, setDevice } from "../kernels/device.ts";
import { atLeast, checkRow, reproductionOf } from "../experiment/checks.ts";
import { recordsCsv } from "../experiment/records_csv.ts";
import { startRun } from "../experiment/run.ts";
import { historySummary } from "../experiment/summary.ts";
import { backend } from "../kernels/engine.ts";
import { Rng } from "../kernels/random.ts";
import {
  autogradChecks,
  FD_STEP,
  FD_THRESHOLD,
  finiteDifferenceChecks,
  type GradientCheck,
} from "./backprop_sigmoid/checks.ts";
import { initNet } from "./backprop_sigmoid/net.ts";
import { score, type TrainOptions, trainSigmoidNet } from "./backprop_sigmoid/train.ts";
import type { HostRows } from "../datasets/host_rows.ts";
import type { Reproduction, ReproductionRow, RunOptions } from "./reproduce_types.ts";
import { reproduceRun } from "./reproduce_args.ts";
import { runMain } from "../experiment/main.ts";

const TASK = "backprop-sigmoid";

/** The toy problem the formulas are checked on: small enough for finite differences of every weight. */
export const CHECK_PROBLEM = { samples: 5, inputs: 20, hidden: 7, classes: 10, lambda: 0.01 };

/** Training recipe (full) and the quick CI version. */
export const RECIPE = {
  full: { limit: 60000, testLimit: 10000, epochs: 15 },
  quick: { limit: 3000, testLimit: 1000, epochs: 10, minTestAcc: 0.8 },
  batchSize: 32,
  learningRate: 0.2,
  lambda: 1e-4,
  hidden: 7,
  validationFraction: 0.1,
};

/** Random inputs, labels and weights for the gradient checks, from `seed`. */
export function checkProblem(seed: number) {
  const p = CHECK_PROBLEM, rng = new Rng(seed);
  const x = Float64Array.from({ length: p.samples * p.inputs }, () => rng.normal());
  const labels = Int32Array.from({ length: p.samples }, () => rng.int(p.classes));
  const net = initNet(p.inputs, p.hidden, p.classes, seed + 7);
  return { net, batch: { x, labels, n: p.samples }, lambda: p.lambda };
}

/** All gradient checks: finite differences, and autograd in float64 on a CPU device (plus float32 on WebGPU when that is the device). */
async function allChecks(seed: number, device: DeviceInfo): Promise<GradientCheck[]> {
  const { net, batch, lambda } = checkProblem(seed);
  const auto = (dtype: "float32" | "float64", on: string) =>
    autogradChecks(net, batch, lambda, dtype, on);
  const out = finiteDifferenceChecks(net, batch, lambda);
  if (backend().readSync) return [...out, ...(await auto("float64", device.name))];
  out.push(...(await auto("float32", device.name)));
  // float64 kernels exist on the CPU only; the exact comparison runs there.
  await setDevice("cpu");
  try {
    return [...out, ...(await auto("float64", "cpu"))];
  } finally {
    await setDevice(device.requested);
  }
}

/** MNIST as host rows (pixels / 255); the last tenth of the training images is held out. */
async function loadDigits(limit: number, testLimit: number) {
  const raw = await loadMnistArrays({ limitTrain: limit, limitTest: testLimit });
  const host = (s: RawSplit, from = 0, n = s.n): HostRows => ({
    x: Float32Array.from(s.images.subarray(from * 784, (from + n) * 784), (v) => v / 255),
    y: Int32Array.from(s.labels.subarray(from, from + n)),
    n,
    d: 784,
  });
  const nVal = Math.round(raw.train.n * RECIPE.validationFraction), nTrain = raw.train.n - nVal;
  return {
    train: host(raw.train, 0, nTrain),
    val: host(raw.train, nTrain, nVal),
    test: host(raw.test),
    source: raw.source,
  };
}

/**
 * Checks the formulas, trains, prints and writes the results folder; returns metrics.json's
 * contents (`ours.gradientChecks`, `ours.testAcc`, …) and the folder.
 */
export async function runBackpropSigmoid(args: string[]) {
  const run = await startRun({
    task: TASK,
    description:
      "Two-layer net, no biases: 784 → 7 sigmoid → 10 softmax, E = mean(−t·log y) + (λ/2)‖w‖². " +
      "Checks the hand gradients dE/dz², dE/dW², dE/dz¹, dE/dW¹ against central differences and " +
      "the toolkit's autograd, then trains with them by plain mini-batch gradient descent on " +
      "MNIST. The training runs on the host in float64; --device picks where the autograd " +
      "comparison runs (float64 on the CPU always, float32 too on WebGPU).",
    quick: `${RECIPE.quick.epochs} epochs on the first ${RECIPE.quick.limit} training and ` +
      `${RECIPE.quick.testLimit} test images; reproduce holds it to test accuracy ≥ ` +
      `${RECIPE.quick.minTestAcc}`,
    shownDefaults: {
      epochs: String(RECIPE.full.epochs),
      "batch-size": String(RECIPE.batchSize),
      limit: String(RECIPE.full.limit),
    },
  }, args);
  const { flags, device } = run;

  const checks = await allChecks(flags.seed, device);
  for (const c of checks) {
    console.log(
      `  ${c.gradient.padEnd(7)} vs ${c.against.padEnd(34)} rel error ${
        c.relError.toExponential(2)
      } (max element ${c.maxElementRelError.toExponential(2)}) < ${c.threshold}: ${
        c.pass ? "pass" : "FAIL"
      }`,
    );
  }

  const r = flags.quick ? RECIPE.quick : RECIPE.full;
  const limit = flags.limit ?? r.limit;
  const data = await loadDigits(limit, r.testLimit);
  console.log(
    `data: ${data.train.n} train / ${data.val.n} validation / ${data.test.n} test from ${data.source}`,
  );
  const opts: TrainOptions = {
    hidden: RECIPE.hidden,
    classes: 10,
    epochs: flags.epochs ?? r.epochs,
    batchSize: flags.batchSize ?? RECIPE.batchSize,
    learningRate: RECIPE.learningRate,
    lambda: RECIPE.lambda,
    seed: flags.seed,
  };
  const { net, history } = trainSigmoidNet(data.train, data.val, opts, (e) =>
    console.log(
      `epoch ${e.epoch}: loss ${e.loss.toFixed(4)} acc ${e.acc.toFixed(4)} val loss ${
        e.valLoss!.toFixed(4)
      } val acc ${e.valAcc!.toFixed(4)} (${e.seconds.toFixed(1)} s)`,
    ));
  const test = score(net, data.test, opts.lambda);
  const passed = checks.filter((c) => c.pass).length;
  const metrics = await run.finish(
    {
      config: {
        ...opts,
        inputs: 784,
        limit,
        testLimit: r.testLimit,
        params: net.w1.length + net.w2.length,
        gradientCheck: { ...CHECK_PROBLEM, step: FD_STEP, threshold: FD_THRESHOLD },
        choices: {
          data: "MNIST at full 28×28 resolution (784 inputs, pixels / 255); the last 10% of the " +
            "training images held out for validation; --quick uses the first 3000 training and " +
            "1000 test images",
          optimiser:
            "plain mini-batch gradient descent with the hand gradients: W ← W − η·dE/dW, " +
            `η ${RECIPE.learningRate}, batch ${RECIPE.batchSize}, constant step, no momentum (the ` +
            "exercise names none; η 0.5 reached a similar accuracy but a noisier curve)",
          lambda: "λ 1e-4 for training (small: 7 hidden units underfit already); λ 0.01 in the " +
            "gradient checks so the weight-decay term is large enough to be seen",
          init: "W ~ N(0, 1/fan-in), seeded",
          gradientCheck: "random standard-normal inputs (5 samples × 20 inputs), random labels: " +
            "finite differences of every weight are cheap there; pass when " +
            "‖hand − numeric‖/(‖hand‖ + ‖numeric‖) < threshold (the element-wise maximum is " +
            "reported too; it is ill-conditioned for entries near zero)",
        },
      },
      data: { source: data.source, train: data.train.n, validation: data.val.n, test: data.test.n },
      reported: {
        gradients:
          "dE/dz² = (y − t)ᵀ, dE/dW² = (y − t)·y¹ᵀ, dE/dz¹ = (y − t)ᵀ·W²·diag(y¹∘(1 − y¹)), " +
          "dE/dW¹ = (dE/dz¹)ᵀ·xᵀ, + λW",
        accuracy: "not reported",
      },
      ours: {
        gradientChecks: checks,
        allChecksPass: checks.every((c) => c.pass),
        testAcc: test.acc,
        testLoss: test.loss,
        testCrossEntropy: test.crossEntropy,
        // Epoch 0 of the history is the untrained net.
        ...historySummary(history.slice(1)),
      },
      history,
    },
    { history, files: { "gradient_checks.csv": recordsCsv(checks) } },
    `test acc ${test.acc.toFixed(4)}, test loss ${
      test.loss.toFixed(4)
    }; ${passed}/${checks.length} gradient checks pass`,
  );
  return { metrics, outDir: run.outDir };
}

async function rows(o: RunOptions, quick: boolean): Promise<ReproductionRow[]> {
  const { r, at } = await reproduceRun(o, quick, runBackpropSigmoid);
  const out = r.metrics.ours.gradientChecks.map((c) =>
    checkRow(at, {
      check: `${c.gradient} vs ${c.against}`,
      reported: "the pen-and-paper formula",
      ours: `rel error ${c.relError.toExponential(2)}`,
      tolerance: `< ${c.threshold}`,
      pass: c.pass,
    })
  );
  out.push(atLeast(at, {
    check: quick
      ? `test accuracy, quick run (${RECIPE.quick.limit} training images, ${RECIPE.quick.epochs} epochs)`
      : "test accuracy",
    reported: "not reported",
    value: r.metrics.ours.testAcc,
    min: RECIPE.quick.minTestAcc,
    note: "chance 0.1",
  }));
  return out;
}

/** For `deno task reproduce`: every gradient check, and an accuracy floor far above chance. */
export const reproduction: Reproduction = reproductionOf(TASK, rows);

if (import.meta.main) await runMain(() => runBackpropSigmoid(Deno.args));
