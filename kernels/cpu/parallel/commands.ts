import type { GemmFn } from "../openblas.ts";
import type { KernelExports } from "../wasm/module.ts";

/**
 * A list of kernel calls on the shared WASM memory, encoded as numbers so that another thread
 * can run it: a worker cannot call a closure from the main thread, but it can read a
 * Float64Array in a SharedArrayBuffer. Pointers are byte offsets into that memory (the WASM
 * kernels' own convention). Both threads run a list with the same `runCommands`, so a list gives
 * the same numbers whichever thread runs it.
 *
 * Example: `const l = new CommandList(); l.call("relu_f32", p, p, n); runCommands(l.values, fn, gemm);`
 */

/** WASM kernels a command may call, by index; the worker decodes with the same list. */
export const WASM_CALLS = [
  "im2col_f32",
  "im2col1_f32",
  "im2col_t1_f32",
  "col2im_f32",
  "binary_f32",
  "relu_f32",
  "gelu_f32",
  "gelu_grad_f32",
  "softmax_f32",
] as const satisfies readonly (keyof KernelExports)[];

/** The name of a WASM kernel a command may call. */
export type WasmCall = typeof WASM_CALLS[number];

/** Opcodes: a GEMM has 13 arguments; a WASM call its index, argument count and arguments. */
const GEMM = 1, WASM = 2;

/**
 * C = alpha·op(A)·op(B) + beta·C (row-major, float32, gemm.ts's contract) with A, B and C given as
 * byte offsets into the shared memory; arguments in BLAS order, as a command encodes them.
 */
export type HeapGemm = (
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  a: number,
  lda: number,
  b: number,
  ldb: number,
  beta: number,
  c: number,
  ldc: number,
) => void;

/**
 * A HeapGemm call by name: op(A) is m×k (A stored k×m when `transA`), op(B) is k×n (B stored
 * n×k when `transB`), C is m×n; `a`, `b`, `c` are byte pointers (see `f32ptr` in wasm/heap.ts)
 * and `lda`, `ldb`, `ldc` row strides in values. Defaults: no transposes, alpha 1, beta 0 (C is
 * overwritten).
 */
export interface HeapGemmArgs {
  transA?: boolean;
  transB?: boolean;
  m: number;
  n: number;
  k: number;
  alpha?: number;
  a: number;
  lda: number;
  b: number;
  ldb: number;
  beta?: number;
  c: number;
  ldc: number;
}

/** A growable list of encoded calls. */
export class CommandList {
  #buf = new Float64Array(256);
  #length = 0;

  /**
   * Appends a GEMM, by name or in HeapGemm's BLAS order (pointers are byte offsets).
   * Example: `l.gemm({ m, n, k, a: f32ptr(x), lda: k, b: f32ptr(w), ldb: n, c: f32ptr(y), ldc: n })`.
   */
  gemm(args: HeapGemmArgs): void;
  gemm(...args: Parameters<HeapGemm>): void;
  gemm(...args: [HeapGemmArgs] | Parameters<HeapGemm>): void {
    if (args.length === 1) {
      const { transA = false, transB = false, m, n, k, alpha = 1, a, lda } = args[0];
      const { b, ldb, beta = 0, c, ldc } = args[0];
      this.#push([GEMM, +transA, +transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc]);
    } else {
      const [transA, transB, ...rest] = args;
      this.#push([GEMM, +transA, +transB, ...rest]);
    }
  }

  /** Appends a call of WASM kernel `name` with integer arguments. */
  call(name: WasmCall, ...args: number[]): void {
    this.#push([WASM, WASM_CALLS.indexOf(name), args.length, ...args]);
  }

  /** Empties the list (its storage is kept). */
  clear(): void {
    this.#length = 0;
  }

  /** The encoded calls (a view, valid until the next append or clear). */
  get values(): Float64Array {
    return this.#buf.subarray(0, this.#length);
  }

  #push(v: number[]): void {
    if (this.#length + v.length > this.#buf.length) {
      const bigger = new Float64Array(Math.max(2 * this.#buf.length, this.#length + v.length));
      bigger.set(this.#buf.subarray(0, this.#length));
      this.#buf = bigger;
    }
    this.#buf.set(v, this.#length);
    this.#length += v.length;
  }
}

/** Runs encoded calls in order. Throws on a malformed list (nothing after that point runs). */
export function runCommands(cmds: Float64Array, fn: KernelExports, gemm: HeapGemm): void {
  let i = 0;
  while (i < cmds.length) {
    const op = cmds[i];
    if (op === GEMM && i + 14 <= cmds.length) {
      const a = cmds;
      // deno-fmt-ignore
      gemm(a[i + 1] !== 0, a[i + 2] !== 0, a[i + 3], a[i + 4], a[i + 5], a[i + 6], a[i + 7],
        a[i + 8], a[i + 9], a[i + 10], a[i + 11], a[i + 12], a[i + 13]);
      i += 14;
    } else if (op === WASM && i + 3 <= cmds.length) {
      const name = WASM_CALLS[cmds[i + 1]], argc = cmds[i + 2];
      if (name === undefined || i + 3 + argc > cmds.length) break;
      const args = Array.from(cmds.subarray(i + 3, i + 3 + argc));
      (fn[name] as (...a: number[]) => void)(...args);
      i += 3 + argc;
    } else break;
  }
  if (i !== cmds.length) throw new Error(`runCommands: malformed command list at ${i}`);
}

/**
 * A HeapGemm over `memory` through a typed-array GEMM (OpenBLAS's `sgemm` or `cpuGemm`), which
 * takes arrays and element offsets. Operands must lie inside the memory: checked here, since a
 * native GEMM has no bounds checks.
 */
export function heapGemm(
  memory: WebAssembly.Memory,
  sgemm: GemmFn<Float32Array>,
): HeapGemm {
  let view = new Float32Array(memory.buffer);
  const inside = (p: number, rows: number, cols: number, ld: number) =>
    p % 4 === 0 && p >= 0 && ld >= cols && p / 4 + (rows - 1) * ld + cols <= view.length;
  return (tA, tB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc) => {
    if (view.buffer.byteLength !== memory.buffer.byteLength) view = new Float32Array(memory.buffer);
    const ok = inside(a, tA ? K : M, tA ? M : K, lda) && inside(b, tB ? N : K, tB ? K : N, ldb) &&
      inside(c, M, N, ldc);
    if (!ok) throw new Error(`heapGemm: operand outside the shared memory (${M}×${N}×${K})`);
    sgemm(tA, tB, M, N, K, alpha, view, a / 4, lda, view, b / 4, ldb, beta, view, c / 4, ldc);
  };
}
