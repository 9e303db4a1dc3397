/**
 * OpenBLAS (FFI) against the TypeScript GEMM, in one process so the ratio is fair on a busy
 * machine: `deno run -A bench/blas_micro.ts [--workloads W2] [--rounds 5] [--crossover]`.
 * Prints JSON lines:
 *   {name: "path", ...}                 which GEMM the CPU backend uses (cpuGemmPath()).
 *   {name: "sgemm 1024³", ...}          GFLOP/s via OpenBLAS and via TypeScript, and the ratio.
 *   {name: "crossover n³", ...}         µs per call both ways for small products (--crossover),
 *                                       the data behind BLAS_MIN_WORK in gemm_dispatch.ts.
 *   {name: "train step W2", ...}        one training step (forward, backward, momentum update)
 *                                       with BLAS on and off, alternated round by round.
 * Without OpenBLAS (or without --allow-ffi) only the TypeScript numbers are printed.
 */
import { cliFlags } from "../experiment/main.ts";
import "../kernels/tensor_methods.ts";
import { setDevice } from "../kernels/device.ts";
import { gradients } from "../kernels/autograd.ts";
import { tidy } from "../kernels/engine.ts";
import { softmaxCrossEntropy } from "../kernels/ops/mod.ts";
import { Rng } from "../kernels/random.ts";
import { tensor } from "../kernels/tensor.ts";
import { momentum } from "../train/optimizers.ts";
import { gemm } from "../kernels/cpu/gemm.ts";
import { cpuGemmPath, setBlasEnabled } from "../kernels/cpu/gemm_dispatch.ts";
import { loadOpenBlas } from "../kernels/cpu/openblas.ts";
import { WORKLOADS } from "./workloads.ts";

const values = cliFlags(
  {
    workloads: {
      type: "string",
      help: "comma-separated workloads of the train-step rows",
      default: "W2",
    },
    rounds: { type: "integer", help: "alternated rounds of BLAS on and off", default: 5 },
    crossover: { type: "boolean", help: "also time small products both ways (BLAS_MIN_WORK)" },
  },
  Deno.args,
  {
    command: "deno run -A bench/blas_micro.ts",
    description: "OpenBLAS against the TypeScript GEMM, GFLOP/s and train steps, as JSON lines.",
  },
);
const rounds = values.rounds;

const line = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const round = (x: number, d = 2) => Number(x.toFixed(d));

/** Uniform [-1, 1) Float32Array. */
function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** Median and best ms of `fn` after a warm-up, over ≥ 3 runs and ≥ ~`ms` of wall time. */
function timing(fn: () => void, ms = 600): { median: number; best: number } {
  fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || (performance.now() - start < ms && times.length < 2000)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], best: times[0] };
}

/** Median ms of `fn` (see `timing`). */
const time = (fn: () => void, ms = 600) => timing(fn, ms).median;

const { blas, reason } = loadOpenBlas();
const path = cpuGemmPath();
line({ name: "path", path: path.name, detail: path.detail, library: blas?.path ?? null, reason });

{
  // Best as well as median: on a shared machine the best run is closest to what the code can
  // do, the median to what it did.
  const n = 1024, A = rand(n * n), B = rand(n * n), C = new Float32Array(n * n);
  const gflops = (ms: number) => round(2 * n ** 3 / ms / 1e6);
  const ts = timing(() => gemm(false, false, n, n, n, 1, A, 0, n, B, 0, n, 0, C, 0, n));
  const out: Record<string, unknown> = {
    name: "sgemm 1024³",
    ts_gflops: gflops(ts.median),
    ts_best_gflops: gflops(ts.best),
  };
  if (blas) {
    const bl = timing(() => blas.sgemm(false, false, n, n, n, 1, A, 0, n, B, 0, n, 0, C, 0, n));
    out.blas_gflops = gflops(bl.median);
    out.blas_best_gflops = gflops(bl.best);
    out.ratio = round(ts.median / bl.median, 1);
  }
  line(out);
}

if (values.crossover && blas) {
  for (const n of [2, 4, 8, 12, 16, 24, 32, 48, 64, 96]) {
    const A = rand(n * n), B = rand(n * n), C = new Float32Array(n * n);
    const ts = time(() => gemm(false, false, n, n, n, 1, A, 0, n, B, 0, n, 0, C, 0, n), 200);
    const bl = time(() => blas.sgemm(false, false, n, n, n, 1, A, 0, n, B, 0, n, 0, C, 0, n), 200);
    line({
      name: `crossover ${n}³`,
      work: n ** 3,
      ts_us: round(ts * 1e3),
      blas_us: round(bl * 1e3),
    });
  }
}

await setDevice("cpu");
const rng = new Rng(7);
for (const wl of WORKLOADS.filter((w) => values.workloads.split(",").includes(w.name))) {
  const model = wl.model();
  const params = model.parameters();
  const opt = momentum({ learningRate: 0.01, momentum: 0.9 });
  const size = wl.batchSize * wl.inputShape.reduce((a, b) => a * b, 1);
  const x = tensor(Float32Array.from({ length: size }, () => rng.uniform()), [
    wl.batchSize,
    ...wl.inputShape,
  ]);
  const y = tensor(Int32Array.from({ length: wl.batchSize }, () => rng.int(10)));
  const step = () =>
    tidy(() => {
      const loss = softmaxCrossEntropy(model.apply(x, { training: true }), y);
      opt.step(params, gradients(loss, params));
      loss.dataSync();
    });
  const ms: Record<"on" | "off", number[]> = { on: [], off: [] };
  const modes = blas ? (["off", "on"] as const) : (["off"] as const);
  for (let r = 0; r < rounds; r++) {
    for (const mode of modes) {
      setBlasEnabled(mode === "on");
      ms[mode].push(time(step, 1500));
    }
  }
  setBlasEnabled(null);
  const median = (a: number[]) => a.slice().sort((p, q) => p - q)[a.length >> 1];
  const out: Record<string, unknown> = {
    name: `train step ${wl.name}`,
    description: wl.description,
    off_ms: round(median(ms.off)),
    off_samples_per_s: Math.round(wl.batchSize / median(ms.off) * 1000),
  };
  if (blas) {
    out.on_ms = round(median(ms.on));
    out.on_samples_per_s = Math.round(wl.batchSize / median(ms.on) * 1000);
    out.speedup = round(median(ms.off) / median(ms.on));
  }
  line(out);
  model.dispose();
  opt.dispose();
  x.dispose();
  y.dispose();
}
