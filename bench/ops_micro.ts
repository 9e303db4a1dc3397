/**
 * Kernel micro-benchmark, one line per registered op:
 * `deno run -A bench/ops_micro.ts [--device webgpu|cpu] [--out FILE]`.
 * Each op runs on a representative size (the shapes of the W2/W3 workloads where the op occurs
 * there), timed as the median of repeats of 10 launches followed by one sync, so per-launch cost
 * includes the device's submit overhead but not a readback. Ops without a case are listed as such.
 * On llvmpipe these numbers show relative kernel cost, not GPU speed.
 */
import { cliFlags } from "../experiment/main.ts";
import { deviceFlag } from "../experiment/flags.ts";
import "../kernels/ops/mod.ts";
// Defines the optimisers' update rules that optimizerStep runs.
import "../train/optimizers.ts";
import { type DeviceName, setDevice } from "../kernels/device.ts";
import { backend, runOp, tidy } from "../kernels/engine.ts";
import { registeredOps } from "../kernels/op.ts";
import { Rng } from "../kernels/random.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";
import { writeFileAtomic } from "../train/atomic_write.ts";

const values = cliFlags(
  {
    device: deviceFlag("webgpu"),
    out: { type: "string", help: "JSON report", default: "bench/ops_micro.json" },
  },
  Deno.args,
  {
    command: "deno run -A bench/ops_micro.ts",
    description: "Median launch time of every registered op on a representative size.",
  },
);
const dev = await setDevice(values.device as DeviceName);
const rng = new Rng(5);

/** An input: float shape, or int ids below `int`. */
type In = number[] | { shape: number[]; int: number };
interface Case {
  inputs: In[];
  attrs: unknown;
  /** Floating-point operations per launch, when the op is compute-bound. */
  flops?: number;
}

const pads = (p: number) => ({ top: p, bottom: p, left: p, right: p });
const conv = { strides: [1, 1], pads: pads(0) };
const big = [128, 4096];
const ew: Case = { inputs: [big], attrs: {} };
const pos: Case = { inputs: [big], attrs: {} };
const bin: Case = { inputs: [big, big], attrs: {} };
const CASES: Record<string, Case> = {
  neg: ew,
  exp: ew,
  log: pos,
  sqrt: pos,
  abs: ew,
  sign: ew,
  relu: ew,
  step: ew,
  sigmoid: ew,
  tanh: ew,
  square: ew,
  mulScalar: { inputs: [big], attrs: { c: 0.5 } },
  addScalar: { inputs: [big], attrs: { c: 0.5 } },
  powScalar: { inputs: [big], attrs: { c: 2 } },
  add: bin,
  sub: bin,
  mul: bin,
  div: bin,
  maximum: bin,
  greaterEqual: bin,
  equal: bin,
  cast: { inputs: [big], attrs: { dtype: "int32" } },
  sum: { inputs: [[128, 24, 24, 64]], attrs: { axes: [0, 1, 2], keepDims: false } },
  max: { inputs: [[128, 4096]], attrs: { axes: [1], keepDims: false } },
  broadcastTo: { inputs: [[4096]], attrs: { shape: big } },
  matmul: {
    inputs: [[1024, 1024], [1024, 1024]],
    attrs: { transposeA: false, transposeB: false },
    flops: 2 * 1024 ** 3,
  },
  conv2d: {
    inputs: [[128, 26, 26, 32], [3, 3, 32, 64]],
    attrs: conv,
    flops: 2 * 128 * 24 * 24 * 64 * 9 * 32,
  },
  conv2dBackpropInput: {
    inputs: [[128, 24, 24, 64], [3, 3, 32, 64]],
    attrs: { ...conv, xShape: [128, 26, 26, 32] },
    flops: 2 * 128 * 24 * 24 * 64 * 9 * 32,
  },
  conv2dBackpropFilter: {
    inputs: [[128, 26, 26, 32], [128, 24, 24, 64]],
    attrs: { ...conv, wShape: [3, 3, 32, 64] },
    flops: 2 * 128 * 24 * 24 * 64 * 9 * 32,
  },
  maxPool2d: {
    inputs: [[128, 24, 24, 64]],
    attrs: { pool: [2, 2], strides: [2, 2], pads: pads(0) },
  },
  maxPool2dGrad: {
    inputs: [[128, 24, 24, 64], [128, 12, 12, 64]],
    attrs: { pool: [2, 2], strides: [2, 2], pads: pads(0) },
  },
  softmax: { inputs: [[128, 10]], attrs: {} },
  logSoftmax: { inputs: [[128, 10]], attrs: {} },
  softmaxCrossEntropy: { inputs: [[128, 10], [128, 10]], attrs: {} },
  gather: { inputs: [[60000, 784], { shape: [128], int: 60000 }], attrs: {} },
  scatterAddRows: { inputs: [[128, 784], { shape: [128], int: 1000 }], attrs: { rows: 1000 } },
  sliceRows: { inputs: [{ shape: [60000], int: 60000 }], attrs: { start: 128, count: 128 } },
  oneHot: { inputs: [{ shape: [128], int: 10 }], attrs: { depth: 10, dtype: "float32" } },
  argmax: { inputs: [[128, 10]], attrs: { axis: 1 } },
  dropoutMask: { inputs: [], attrs: { shape: [128, 9216], rate: 0.25, seed: 3, dtype: "float32" } },
  cropFlip: {
    inputs: [[128, 32, 32, 3]],
    attrs: { padding: 4, flip: true, seed: 1, counter: 0, first: 0 },
  },
  optimizerStep: {
    inputs: [[1179648], [1179648], [1179648]],
    attrs: { rule: "momentum", hyper: { learningRate: 0.01, weightDecay: 0, momentum: 0.9 } },
  },
};

function make(i: In): Tensor {
  if (Array.isArray(i)) {
    const n = i.reduce((a, b) => a * b, 1);
    return tensor(Float32Array.from({ length: n }, () => 0.5 + rng.uniform()), i);
  }
  const n = i.shape.reduce((a, b) => a * b, 1);
  return tensor(Int32Array.from({ length: n }, () => rng.int(i.int)), i.shape);
}

const rows: Record<string, unknown>[] = [];
for (const op of registeredOps()) {
  const c = CASES[op.name];
  if (!c) {
    rows.push({ op: op.name, note: "no micro-benchmark case" });
    continue;
  }
  const xs = c.inputs.map(make);
  const launch = () => tidy(() => void runOp(op, xs, c.attrs));
  launch();
  await backend().sync();
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < 3 || (performance.now() - t0 < 1500 && times.length < 30)) {
    const t = performance.now();
    for (let k = 0; k < 10; k++) launch();
    await backend().sync();
    times.push((performance.now() - t) / 10);
  }
  times.sort((a, b) => a - b);
  const ms = times[times.length >> 1];
  rows.push({
    op: op.name,
    shapes: c.inputs.map((i) => (Array.isArray(i) ? i : i.shape)),
    ms: Number(ms.toFixed(3)),
    ...(c.flops ? { gflops: Number((c.flops / ms / 1e6).toFixed(2)) } : {}),
  });
  xs.forEach((x) => x.dispose());
}

for (const r of rows) {
  console.log(
    `${String(r.op).padEnd(22)} ${r.ms === undefined ? r.note : `${r.ms} ms`}${
      r.gflops ? `  ${r.gflops} GFLOP/s` : ""
    }`,
  );
}
await writeFileAtomic(
  values.out,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      command: `deno run -A bench/ops_micro.ts ${Deno.args.join(" ")}`.trim(),
      device: dev,
      rows,
    },
    null,
    2,
  ) + "\n",
);
console.log(`device: ${dev.description}; wrote ${values.out}`);
