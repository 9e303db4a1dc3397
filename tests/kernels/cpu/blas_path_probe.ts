/**
 * Run by openblas_test.ts in a child process with chosen permissions and env: prints one JSON
 * line {path, detail, stats, matches} after one 32³ float32 product through the CPU fast path;
 * `matches` says whether it equals the TypeScript gemm to float32 rounding.
 */
import { gemm } from "../../../kernels/cpu/gemm.ts";
import { cpuGemm, cpuGemmPath, cpuGemmStats } from "../../../kernels/cpu/gemm_dispatch.ts";

const n = 32;
const A = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
const B = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i));
const got = new Float32Array(n * n), want = new Float32Array(n * n);
cpuGemm(false, false, n, n, n, 1, A, 0, n, B, 0, n, 0, got, 0, n);
gemm(false, false, n, n, n, 1, A, 0, n, B, 0, n, 0, want, 0, n);
const matches = got.every((v, i) => Math.abs(v - want[i]) <= 1e-4);
const { name, detail } = cpuGemmPath();
console.log(JSON.stringify({ path: name, detail, stats: cpuGemmStats(), matches }));
