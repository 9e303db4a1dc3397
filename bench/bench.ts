/**
 * `deno task bench [--device cpu] [--seconds S] [--out FILE] [--only W1,W2]`: matmul GFLOP/s
 * (1024³), conv2d forward+backward throughput, and training samples/s of the peer workloads
 * W1–W4 (SGD momentum 0.9, random inputs, steady state, median of 3), with backend counters per
 * step. Writes JSON (default bench/results.json) and prints a table beside the peers' numbers.
 */
import { parseArgs } from "node:util";
import "../kernels/tensor_methods.ts";
import { type DeviceName, setDevice } from "../kernels/device.ts";
import { gradients } from "../kernels/autograd.ts";
import { backend, memory, tidy } from "../kernels/engine.ts";
import { conv2d, matmul, softmaxCrossEntropy, sum } from "../kernels/ops/mod.ts";
import { Rng } from "../kernels/random.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";
import { momentum } from "../train/optimizers.ts";
import { writeFileAtomic } from "../train/atomic_write.ts";
import { WORKLOADS } from "./workloads.ts";

/** Peer numbers from ../shared/peers/README.md (measured there on this kind of machine). */
const PEERS: Record<string, { torchOpenblas: number; tfjsWasm: string }> = {
  W1: { torchOpenblas: 49500, tfjsWasm: "7 800–9 400" },
  W2: { torchOpenblas: 1204, tfjsWasm: "cannot train" },
  W3: { torchOpenblas: 9820, tfjsWasm: "cannot train" },
  W4: { torchOpenblas: 1020, tfjsWasm: "cannot train" },
  matmul: { torchOpenblas: 197, tfjsWasm: "2.2" },
};

const { values } = parseArgs({
  args: Deno.args,
  options: {
    device: { type: "string", default: "cpu" },
    seconds: { type: "string", default: "3" },
    out: { type: "string", default: "bench/results.json" },
    only: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const dev = await setDevice(values.device as DeviceName);
const rng = new Rng(7);
const random = (shape: number[]) =>
  tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform()),
    shape,
  );

/** Repeats `fn` for `seconds` three times; median rate in units per second. */
async function measure(
  fn: () => Promise<number> | number,
): Promise<{ median: number; min: number; max: number }> {
  const rates: number[] = [];
  for (let r = 0; r < 3; r++) {
    let units = 0, n = 0;
    const t0 = performance.now();
    while (n < 2 || performance.now() - t0 < seconds * 1000) {
      units += await fn();
      n++;
    }
    rates.push(units / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { median: rates[1], min: rates[0], max: rates[2] };
}

const results: Record<string, unknown>[] = [];
const only = values.only?.split(",");

if (!only || only.includes("matmul")) {
  const a = random([1024, 1024]), b = random([1024, 1024]);
  const r = await measure(async () => {
    const c = matmul(a, b);
    await c.data();
    c.dispose();
    return 2 * 1024 ** 3 / 1e9;
  });
  results.push({ name: "matmul1024", unit: "GFLOP/s", ...r });
}

if (!only || only.includes("conv")) {
  // mnist-cnn's second conv: [32,26,26,32] * [3,3,32,64], forward + both backprops.
  const x = random([32, 26, 26, 32]), w = random([3, 3, 32, 64]);
  x.requiresGrad = true;
  w.requiresGrad = true;
  const flops = 3 * 2 * 32 * 24 * 24 * 64 * 3 * 3 * 32;
  const r = await measure(() =>
    tidy(() => {
      const gs = gradients(sum(conv2d(x, w)), [x, w]);
      gs.forEach((g) => g!.dataSync());
      return 32;
    })
  );
  results.push({
    name: "conv2d 3×3 32→64 on 26×26, batch 32, fwd+bwd",
    unit: "samples/s",
    ...r,
    gflops: (r.median / 32) * flops / 1e9,
  });
}

for (const wl of WORKLOADS.filter((w) => !only || only.includes(w.name))) {
  const model = wl.model();
  const params = model.parameters();
  const opt = momentum({ learningRate: 0.01, momentum: 0.9 });
  const x = random([wl.batchSize, ...wl.inputShape]);
  const y = tensor(Int32Array.from({ length: wl.batchSize }, () => rng.int(10)));
  const step = () =>
    tidy(() => {
      const loss = softmaxCrossEntropy(model.apply(x, { training: true }), y);
      opt.step(params, gradients(loss, params));
      loss.dataSync();
      return wl.batchSize;
    });
  for (let i = 0; i < 2; i++) step();
  const c0 = { ...backend().counters }, m0 = memory();
  step();
  const c1 = backend().counters, m1 = memory();
  const perStep = Object.fromEntries(
    Object.entries(c1).map(([k, v]) => [k, v - c0[k as keyof typeof c0]]),
  );
  const r = await measure(step);
  results.push({
    name: wl.name,
    description: wl.description,
    unit: "samples/s",
    ...r,
    perStep,
    liveTensorsGrowthPerStep: m1.tensors - m0.tensors,
  });
  model.dispose();
  opt.dispose();
  for (const t of [x, y] as Tensor[]) t.dispose();
}

const report = {
  date: new Date().toISOString(),
  command: `deno task bench ${Deno.args.join(" ")}`.trim(),
  device: dev,
  machine: { cores: navigator.hardwareConcurrency, deno: Deno.version.deno, os: Deno.build.os },
  secondsPerRepeat: seconds,
  results,
  peers: {
    source: "../shared/peers/README.md (same kind of machine, measured 2026-11-22)",
    ...PEERS,
  },
};
await writeFileAtomic(values.out!, JSON.stringify(report, null, 2) + "\n");
console.log(`device: ${dev.description}`);
console.log(
  "| workload | ours | unit | PyTorch+OpenBLAS (peers) | ours / PyTorch | TF.js wasm (peers) |",
);
console.log("|---|---|---|---|---|---|");
for (const r of results) {
  const key = String(r.name).startsWith("matmul") ? "matmul" : String(r.name);
  const p = PEERS[key];
  const ours = r.median as number;
  console.log(
    `| ${r.name} | ${ours.toPrecision(3)} | ${r.unit} | ${p?.torchOpenblas ?? "—"} | ` +
      `${p ? (ours / p.torchOpenblas).toFixed(3) : "—"} | ${p?.tfjsWasm ?? "—"} |`,
  );
}
console.log(`wrote ${values.out}`);
