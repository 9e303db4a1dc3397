/**
 * The measurement loop of the TF.js peers, the same rule as ours (bench/measure.ts): two warm-up
 * steps, then the median of three repeats of at least `seconds` (and two steps, one when a step
 * is slower than that) each; the result
 * is read back every `readEvery` steps (10, fewer when one step takes over a third of a repeat)
 * and at the end of each repeat. Prints one JSON line per case.
 */
// deno-lint-ignore no-import-prefix
import type * as TF from "npm:@tensorflow/tfjs@4.22.0";
import { tfjsWorkload } from "./tfjs_models.ts";

/** Median of three repeats in units per second. */
async function measure(step: () => TF.Tensor, units: number, seconds: number) {
  const w0 = step(); // compiles kernels
  await w0.data();
  w0.dispose();
  const t = performance.now();
  const w = step();
  await w.data();
  w.dispose();
  const stepMs = performance.now() - t;
  const readEvery = Math.max(1, Math.min(10, Math.floor((seconds * 1000) / 3 / stepMs)));
  // A step slower than a repeat is timed once per repeat.
  const minSteps = stepMs > seconds * 1000 ? 1 : 2;
  const rates: number[] = [];
  for (let r = 0; r < 3; r++) {
    let n = 0;
    const t0 = performance.now();
    let last: TF.Tensor | undefined;
    while (n < minSteps || performance.now() - t0 < seconds * 1000) {
      last?.dispose();
      last = step();
      n++;
      if (n % readEvery === 0) await last.data();
    }
    await last!.data();
    last!.dispose();
    rates.push((n * units) / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { median: rates[1], min: rates[0], max: rates[2], readEvery };
}

/** Runs `names` (W1–W7, matmul) on TF.js's current backend; `info` goes into every line. */
export async function runTfjs(
  tf: typeof TF,
  names: string[],
  seconds: number,
  info: Record<string, unknown>,
): Promise<void> {
  for (const name of names) {
    try {
      if (name === "matmul") {
        const a = tf.randomUniform([1024, 1024]), b = tf.randomUniform([1024, 1024]);
        const r = await measure(() => tf.matMul(a, b), (2 * 1024 ** 3) / 1e9, seconds);
        console.log(JSON.stringify({ ...info, workload: "matmul1024", unit: "GFLOP/s", ...r }));
        continue;
      }
      const [m, shape, bs] = tfjsWorkload(tf, name);
      const opt = tf.train.momentum(0.01, 0.9);
      const x = tf.randomUniform([bs, ...shape]);
      const y = tf.oneHot(tf.randomUniform([bs], 0, 10, "int32") as TF.Tensor1D, 10);
      const step = () =>
        opt.minimize(
          () => tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: true }) as TF.Tensor),
          true,
        )!;
      const r = await measure(step, bs, seconds);
      console.log(JSON.stringify({ ...info, workload: name, unit: "samples/s", ...r }));
    } catch (e) {
      // A missing kernel is a result (TF.js wasm has no conv filter gradient, for example).
      console.log(JSON.stringify({ ...info, workload: name, error: String(e) }));
    }
  }
}
