/**
 * TensorFlow.js's WebGPU backend on the same adapter as ours, in Deno (issue: WebGPU backend):
 * `deno run -A bench/peers/tfjs_webgpu.ts [seconds] [W1,...]` prints one JSON line per workload
 * and one for matmul 1024³. Same workload definitions as bench/workloads.ts and ../shared/peers
 * (W1 mlp, W2 keras-mnist-cnn, W3 starter-cnn, W4 cifar-cnn; SGD momentum 0.9, random inputs).
 * Like our WebGPU bench, a timed repeat reads the loss back every 10 steps and at its end.
 */
// Pinned inline on purpose: TF.js is a benchmark peer, not a toolkit dependency, so it stays out
// of deno.json's import map and is fetched only when this script runs.
// deno-lint-ignore no-import-prefix
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
// deno-lint-ignore no-import-prefix
import "npm:@tensorflow/tfjs-backend-webgpu@4.22.0";

const seconds = Number(Deno.args[0] ?? 3);
const names = (Deno.args[1] ?? "W1").split(",");
if (!(await tf.setBackend("webgpu"))) {
  console.log(JSON.stringify({ peer: "tfjs-webgpu", error: "webgpu backend did not initialise" }));
  Deno.exit(0);
}
await tf.ready();
const adapter = await navigator.gpu?.requestAdapter();
const adapterName = adapter?.info?.description ?? "unknown adapter";

function model(name: string): [tf.Sequential, number[], number] {
  const m = tf.sequential();
  const L = tf.layers;
  if (name === "W1") {
    m.add(L.flatten({ inputShape: [28, 28, 1] }));
    m.add(L.dense({ units: 128, activation: "relu" }));
    m.add(L.dense({ units: 10 }));
    return [m, [28, 28, 1], 128];
  }
  if (name === "W2") {
    m.add(L.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu" }));
    m.add(L.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.dropout({ rate: 0.25 }));
    m.add(L.flatten());
    m.add(L.dense({ units: 128, activation: "relu" }));
    m.add(L.dropout({ rate: 0.5 }));
    m.add(L.dense({ units: 10 }));
    return [m, [28, 28, 1], 128];
  }
  if (name === "W3") {
    const conv = {
      filters: 16,
      kernelSize: 5,
      padding: "same" as const,
      activation: "relu" as const,
    };
    m.add(L.conv2d({ inputShape: [28, 28, 1], ...conv }));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.conv2d(conv));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.flatten());
    m.add(L.dense({ units: 10 }));
    return [m, [28, 28, 1], 16];
  }
  if (name === "W4") {
    const same = {
      filters: 32,
      kernelSize: 3,
      padding: "same" as const,
      activation: "relu" as const,
    };
    const valid = { filters: 32, kernelSize: 3, activation: "relu" as const };
    m.add(L.conv2d({ inputShape: [32, 32, 3], ...same }));
    m.add(L.conv2d(valid));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.dropout({ rate: 0.25 }));
    m.add(L.conv2d(same));
    m.add(L.conv2d(valid));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.dropout({ rate: 0.25 }));
    m.add(L.flatten());
    m.add(L.dense({ units: 512, activation: "relu" }));
    m.add(L.dropout({ rate: 0.5 }));
    m.add(L.dense({ units: 10 }));
    return [m, [32, 32, 3], 32];
  }
  throw new Error(`tfjs_webgpu: unknown workload ${name} (W1–W4)`);
}

/** Median of three repeats of `seconds` each, in units per second. */
async function measure(step: () => tf.Tensor, units: number) {
  for (let i = 0; i < 3; i++) tf.dispose(step());
  const rates: number[] = [];
  for (let r = 0; r < 3; r++) {
    let n = 0;
    const t0 = performance.now();
    let last: tf.Tensor | undefined;
    while (performance.now() - t0 < seconds * 1000) {
      last?.dispose();
      last = step();
      n += units;
      if (n % (units * 10) === 0) await last.data();
    }
    await last!.data();
    last!.dispose();
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { median: rates[1], min: rates[0], max: rates[2] };
}

for (const name of names) {
  const [m, shape, bs] = model(name);
  const opt = tf.train.momentum(0.01, 0.9);
  const x = tf.randomUniform([bs, ...shape]);
  const y = tf.oneHot(tf.randomUniform([bs], 0, 10, "int32") as tf.Tensor1D, 10);
  const step = () =>
    opt.minimize(
      () => tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: true }) as tf.Tensor),
      true,
    )!;
  let r;
  try {
    r = await measure(step, bs);
  } catch (e) {
    // Report a missing kernel as such (TF.js wasm has no conv filter gradient, for example).
    console.log(JSON.stringify({ peer: "tfjs-webgpu", workload: name, error: String(e) }));
    continue;
  }
  console.log(JSON.stringify({
    peer: `tfjs-webgpu-${tf.version.tfjs}`,
    adapter: adapterName,
    workload: name,
    samples_per_s: r.median,
    min: r.min,
    max: r.max,
  }));
}
const a = tf.randomUniform([1024, 1024]), b = tf.randomUniform([1024, 1024]);
const r = await measure(() => tf.matMul(a, b), 1);
console.log(JSON.stringify({
  peer: `tfjs-webgpu-${tf.version.tfjs}`,
  adapter: adapterName,
  matmul1024_gflops: (2 * 1024 ** 3 * r.median) / 1e9,
}));
