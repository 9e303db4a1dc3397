import { openBlasPath } from "../gemm_dispatch.ts";
import { CommandList } from "../parallel/commands.ts";
import { announcePair, runPair } from "../parallel/helper.ts";
import { f32ptr, stagedPointer } from "./heap.ts";
import { wasmKernels } from "./module.ts";

/**
 * gelu's erf form and its gradient on float32 through the WASM SIMD kernels (kernels.c's gelu_f32
 * and gelu_grad_f32: float64 lanes, erfcx as a polynomial), over both cores when the helper thread
 * (parallel/helper.ts) is up: the two halves are the same calls on the same values whichever
 * thread runs them, so the numbers do not depend on it. Operands outside the WASM heap are staged
 * whole (the kernels are bound by arithmetic, not memory, so the copies cost little). Each returns
 * false when it cannot run (no WASM, or fewer than MIN_VALUES values); the caller then runs its
 * TypeScript loop.
 */

/** Below this many values the TypeScript loop is used: the call costs more than it saves. */
const MIN_VALUES = 64;
/** From this many values on the work is split over the helper thread. */
const SPLIT_MIN = 16 * 1024;
/**
 * Values of one half's tail region: the kernels run the last n mod 2·NV values through a
 * zero-padded copy there (gelu_grad_f32 needs 4·NV = 16; kernels.c's NV is 4).
 */
const TAIL_VALUES = 64;

/** The command lists of the two halves, reused call after call (runPair finishes with them). */
const lists = [new CommandList(), new CommandList()];

/**
 * Runs `name` over the n values of `inputs` into `out`: the inputs' byte pointers, then the
 * output's, the count and the tail region, as kernels.c's gelu kernels take them.
 */
function run(name: "gelu_f32" | "gelu_grad_f32", inputs: Float32Array[], out: Float32Array) {
  const k = wasmKernels(), n = out.length;
  if (!k || n < MIN_VALUES) return false;
  const split = n >= SPLIT_MIN && openBlasPath() !== undefined;
  if (split) announcePair(k); // wakes the helper while the operands are staged
  const ptrs: number[] = [];
  for (const [j, a] of inputs.entries()) {
    const p = stagedPointer(k, a, `ew${j}`);
    if (p === undefined) return false;
    ptrs.push(p);
  }
  const direct = k.heap.owns(out), o = direct ? out : k.scratch.get("ewout", n);
  const tails = k.scratch.get("gelutail", 2 * TAIL_VALUES);
  if (!o || !tails) return false;
  const call = (l: CommandList | undefined, from: number, len: number, tail: number) => {
    const args = [...ptrs.map((p) => f32ptr(p, from)), f32ptr(o, from), len, tail];
    if (l) l.call(name, ...args);
    else (k.fn[name] as (...a: number[]) => void)(...args);
  };
  if (split) {
    // The first half a multiple of 16 values, so that only the second has a tail.
    const h = Math.floor(n / 32) * 16;
    for (const l of lists) l.clear();
    call(lists[0], 0, h, f32ptr(tails, 0));
    call(lists[1], h, n - h, f32ptr(tails, TAIL_VALUES));
    runPair(lists[0], lists[1], k);
  } else {
    call(undefined, 0, n, f32ptr(tails, 0));
  }
  if (!direct) out.set(o);
  return true;
}

/** out = x·Φ(x) (gelu's erf form); false when the WASM kernels cannot run it. */
export function geluWasm(x: Float32Array, out: Float32Array): boolean {
  return run("gelu_f32", [x], out);
}

/** out = dy·(Φ(x) + x·φ(x)) (gelu′, erf form); false when the WASM kernels cannot run it. */
export function geluGradWasm(dy: Float32Array, x: Float32Array, out: Float32Array): boolean {
  return run("gelu_grad_f32", [dy, x], out);
}
