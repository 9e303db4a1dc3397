/**
 * Micro-benchmark of the CPU compute primitives: `deno run -A bench/gemm_micro.ts`.
 * Prints one JSON line per measurement: {name, shape, ms, gflops, ...}; conv lines add
 * samples_per_s. "naive" is the textbook i-k-j loop on Float32Array (measured on 512³ instead
 * of 1024³ to save time: its rate barely depends on size); "fast" is kernels/cpu/gemm.ts.
 * Shapes: 1024³, the MLP 784→128→10 at batch 128 (forward and gradient GEMMs), and the
 * Keras MNIST CNN's conv layers at batch 128.
 */
import { gemm } from "../kernels/cpu/gemm.ts";
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
} from "../kernels/cpu/conv2d_fast.ts";
import { getOp } from "../kernels/op.ts";
import "../kernels/ops/mod.ts";
import { convGeometry, im2col } from "../kernels/cpu/im2col.ts";

/** Uniform [-1, 1) Float32Array. */
function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** Median time in ms of `fn` after a warm-up, over ≥ 3 runs and ≥ ~0.6 s. */
function time(fn: () => void): number {
  fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || (performance.now() - start < 600 && times.length < 50)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function report(name: string, shape: string, flops: number, ms: number, extra = {}): void {
  const gflops = Number((flops / ms / 1e6).toFixed(2));
  console.log(JSON.stringify({ name, shape, ms: Number(ms.toFixed(3)), gflops, ...extra }));
}

/** The baseline: C = A·B as the plain i-k-j loop. */
function naiveIkj(
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
  M: number,
  N: number,
  K: number,
) {
  C.fill(0, 0, M * N);
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k];
      for (let j = 0; j < N; j++) C[i * N + j] += a * B[k * N + j];
    }
  }
}

/**
 * One GEMM case: C[M,N] = op(A)·op(B), with op = transpose where asked; the naive loop too
 * when untransposed and small enough to be quick.
 */
function benchGemm(name: string, M: number, N: number, K: number, tA = false, tB = false) {
  const A = rand(M * K), B = rand(K * N), C = new Float32Array(M * N);
  const shape = `${tA ? "(KxM)ᵀ" : "MxK"}·${tB ? "(NxK)ᵀ" : "KxN"} M=${M} N=${N} K=${K}`;
  const ms = time(() => gemm(tA, tB, M, N, K, 1, A, 0, tA ? M : K, B, 0, tB ? K : N, 0, C, 0, N));
  report(`fast ${name}`, shape, 2 * M * N * K, ms);
  if (!tA && !tB && M * N * K <= 2 ** 27) {
    const nms = time(() => naiveIkj(A, B, C, M, N, K));
    report(`naive ${name}`, shape, 2 * M * N * K, nms);
  }
}

benchGemm("gemm 1024³", 1024, 1024, 1024);
{
  const n = 512, A = rand(n * n), B = rand(n * n), C = new Float32Array(n * n);
  report(
    "naive gemm 512³ (stands in for 1024³)",
    "512³",
    2 * n ** 3,
    time(() => naiveIkj(A, B, C, n, n, n)),
  );
}

// MLP 784→128→10, batch 128: forward, then the weight and input gradients of each layer.
benchGemm("mlp fwd x·W1", 128, 128, 784);
benchGemm("mlp fwd h·W2", 128, 10, 128);
benchGemm("mlp dW1 = xᵀ·dh", 784, 128, 128, true, false);
benchGemm("mlp dx = dh·W1ᵀ", 128, 784, 128, false, true);
benchGemm("mlp dW2 = hᵀ·dy", 128, 10, 128, true, false);
benchGemm("mlp dh = dy·W2ᵀ", 128, 128, 10, false, true);

/** Keras MNIST CNN conv layers at batch 128, VALID padding, stride 1. */
function benchConv(name: string, n: number, h: number, cin: number, k: number, cout: number) {
  const xShape = [n, h, h, cin], wShape = [k, k, cin, cout];
  const strides = [1, 1], pads = { top: 0, bottom: 0, left: 0, right: 0 };
  const g = convGeometry(xShape, wShape, strides, pads);
  const yShape = [n, g.oh, g.ow, cout];
  const x = rand(n * h * h * cin), w = rand(k * k * cin * cout);
  const dy = rand(n * g.oh * g.ow * cout), y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length), dw = new Float32Array(w.length);
  const flops = 2 * n * g.oh * g.ow * k * k * cin * cout;
  const shape = `x[${xShape}] w[${wShape}] → y[${yShape}]`;
  const perSec = (ms: number) => ({ samples_per_s: Math.round(n / (ms / 1000)) });
  let ms = time(() => conv2dForward(x, xShape, w, wShape, strides, pads, y));
  report(`conv ${name} forward`, shape, flops, ms, perSec(ms));
  ms = time(() => conv2dBackpropInput(dy, yShape, w, wShape, xShape, strides, pads, dx));
  report(`conv ${name} backprop input`, shape, flops, ms, perSec(ms));
  ms = time(() => conv2dBackpropFilter(x, xShape, dy, yShape, wShape, strides, pads, dw));
  report(`conv ${name} backprop filter`, shape, flops, ms, perSec(ms));
  const cols = new Float32Array(Math.min(n, 16) * g.oh * g.ow * k * k * cin);
  ms = time(() => im2col(x, g, 0, Math.min(n, 16), cols)) * (n / Math.min(n, 16));
  report(`conv ${name} im2col alone (part of forward)`, shape, 0, ms, perSec(ms));
  // The plain loop, on 4 samples scaled to the batch (it is far too slow for 128).
  const nx = [4, h, h, cin], ny = new Float32Array(4 * g.oh * g.ow * cout);
  const oracle = getOp("conv2d")!;
  const ins = [{ data: x.subarray(0, 4 * h * h * cin), shape: nx }, { data: w, shape: wShape }];
  const oShape = [4, g.oh, g.ow, cout];
  ms = time(() => oracle.cpu(ins, { strides, pads }, ny.fill(0), oShape)) * (n / 4);
  report(`reference conv ${name} forward (4 samples, scaled)`, shape, flops, ms, perSec(ms));
}

benchConv("3x3 1→32 on 28x28", 128, 28, 1, 3, 32);
benchConv("3x3 32→64 on 26x26", 128, 26, 32, 3, 64);
