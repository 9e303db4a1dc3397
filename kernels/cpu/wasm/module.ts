import { WasmHeap, WasmScratch } from "./heap.ts";
import { KERNELS_WASM_BASE64 } from "./kernels_wasm.ts";
import { readEnv } from "../openblas.ts";

/**
 * The WASM SIMD kernels (kernels.c), instantiated on first use with their memory. The fast CPU
 * kernels ask `wasmKernels()` and run their TypeScript loops when it returns undefined: WASM
 * SIMD unsupported by the runtime, switched off with `DL_WASM=off` in the environment, or with
 * `setWasmKernels(false)` (tests and benchmarks compare both paths that way).
 */

/** A conv kernel's arguments after its two pointers: the geometry of im2col.ts's ConvGeometry. */
type ConvDims = [
  nb: number,
  h: number,
  w: number,
  cin: number,
  kh: number,
  kw: number,
  oh: number,
  ow: number,
  sh: number,
  sw: number,
  top: number,
  left: number,
];

/** ConvDims without cin. */
type Window = [
  nb: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  oh: number,
  ow: number,
  sh: number,
  sw: number,
  top: number,
  left: number,
];

/** Window without sw. */
type TapMajorWindow = [
  nb: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  oh: number,
  ow: number,
  sh: number,
  top: number,
  left: number,
];

/** Exported functions of kernels.c; pointers are byte offsets into the heap's memory. */
export interface KernelExports {
  im2col_f32(x: number, cols: number, ...dims: ConvDims): void;
  col2im_f32(cols: number, dx: number, ...dims: ConvDims): void;
  /** im2col_f32 for cin = 1, without the cin argument. */
  im2col1_f32(x: number, cols: number, ...dims: Window): void;
  /** Tap-major columns of a one-channel input with sw = 1 (no cin, no sw argument). */
  im2col_t1_f32(x: number, colsT: number, ...dims: TapMajorWindow): void;
  maxpool2x2_f32(
    x: number,
    out: number,
    ...dims: [n: number, h: number, w: number, c: number, oh: number, ow: number]
  ): void;
  maxpool2x2_grad_f32(
    x: number,
    dy: number,
    dx: number,
    ...dims: [n: number, h: number, w: number, c: number, oh: number, ow: number]
  ): void;
  relu_f32(x: number, out: number, n: number): void;
  relu_grad_f32(dy: number, x: number, out: number, n: number): void;
  /** op: 0 add, 1 sub, 2 mul, 3 div; b repeats every `block` values. */
  binary_f32(op: number, a: number, b: number, out: number, n: number, block: number): void;
  /** acc (float64) += column sums of x [rows, inner]. */
  sum_rows_f64(x: number, acc: number, rows: number, inner: number): void;
  /** gelu's erf form; `tail` is a region of ≥ 8 values the kernel may overwrite. */
  gelu_f32(x: number, out: number, n: number, tail: number): void;
  /** gelu's gradient, erf form; `tail` is a region of ≥ 16 values the kernel may overwrite. */
  gelu_grad_f32(dy: number, x: number, out: number, n: number, tail: number): void;
  /** Softmax of `rows` rows of c values; tmp: float64 scratch of chunkRows·c + 8 values. */
  softmax_f32(
    x: number,
    out: number,
    rows: number,
    c: number,
    tmp: number,
    chunkRows: number,
  ): void;
  /**
   * Batch norm's reductions over x [rows, c] into acc (float64): mode 0 Σ x − m, 1 Σ (x − m)²,
   * 2 Σ y·(x − m) and, into acc[c…2c), Σ y; m is float32 per channel.
   */
  bn_reduce_f32(
    mode: number,
    x: number,
    y: number,
    m: number,
    acc: number,
    rows: number,
    c: number,
  ): void;
  /** out = (x − m)·s + b per channel (float32 m, s, b). */
  bn_affine_f32(
    x: number,
    m: number,
    s: number,
    b: number,
    out: number,
    rows: number,
    c: number,
  ): void;
  /** out = a·((dy − mg) − (x − m)·s) per channel (float32 m, a, mg, s). */
  bn_input_grad_f32(
    x: number,
    dy: number,
    m: number,
    a: number,
    mg: number,
    s: number,
    out: number,
    rows: number,
    c: number,
  ): void;
}

/** The instantiated module, its heap and the staging slots shared by the wrappers. */
export interface WasmKernels {
  fn: KernelExports;
  heap: WasmHeap;
  scratch: WasmScratch;
}

/** Most the memory may grow to (the module's declared maximum): 1 GiB. */
const MAX_PAGES = 16384;

/** null = follow DL_WASM (read on first use); true/false = set by `setWasmKernels`. */
let enabled: boolean | null = null;

function envEnabled(): boolean {
  const v = readEnv("DL_WASM")?.toLowerCase();
  return !(v === "off" || v === "0" || v === "false" || v === "no");
}
let loaded: WasmKernels | undefined;
let failure: string | undefined;

function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/**
 * An instance of the kernels on `memory` (a shared memory made by this module): the helper
 * thread of parallel/helper.ts runs its own instance on the main thread's memory. The kernels use
 * no stack or globals in memory (kernels.c), so instances on one memory do not disturb each other.
 */
export function instantiateKernels(memory: WebAssembly.Memory): WebAssembly.Instance {
  const module = new WebAssembly.Module(decode(KERNELS_WASM_BASE64) as BufferSource);
  return new WebAssembly.Instance(module, { env: { memory } });
}

function load(): WasmKernels | undefined {
  if (loaded || failure) return loaded;
  try {
    const memory = new WebAssembly.Memory({ initial: 32, maximum: MAX_PAGES, shared: true });
    const instance = instantiateKernels(memory);
    const base = (instance.exports.__heap_base as WebAssembly.Global).value as number;
    const heap = new WasmHeap(memory, base);
    loaded = {
      fn: instance.exports as unknown as KernelExports,
      heap,
      scratch: new WasmScratch(heap),
    };
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  return loaded;
}

/** The kernels, or undefined when they cannot run here or are switched off. */
export function wasmKernels(): WasmKernels | undefined {
  enabled ??= envEnabled();
  return enabled ? load() : undefined;
}

/** The heap if the module was loaded, switched on or not (for returning regions). */
export function loadedWasmHeap(): WasmHeap | undefined {
  return loaded?.heap;
}

/** Switches the WASM kernels on or off (on by default); returns the previous setting. */
export function setWasmKernels(on: boolean): boolean {
  const was = enabled ?? envEnabled();
  enabled = on;
  return was;
}

/** "WASM SIMD", or why the TypeScript loops run instead (for the backend's description). */
export function wasmKernelsStatus(): string {
  enabled ??= envEnabled();
  if (!enabled) return "WASM kernels off";
  return load() ? "WASM SIMD" : `no WASM SIMD (${failure})`;
}
