import { openBlasPath } from "../gemm_dispatch.ts";
import { CommandList } from "../parallel/commands.ts";
import { announcePair, runPair } from "../parallel/helper.ts";
import { f32ptr, stagedPointer } from "./heap.ts";
import { wasmKernels } from "./module.ts";

/**
 * Softmax over the last axis of a float32 array through kernels.c's softmax_f32 (one float64
 * exponential per value, in WASM SIMD), the rows split over both cores when there are many:
 * each half runs the same calls on its own rows, so the numbers do not depend on the helper
 * thread. Operands outside the WASM heap are staged whole. False when it cannot run (no WASM,
 * or under MIN_VALUES values); the caller then runs the reference loop.
 */

/** Below this many values the reference loop is used: the call costs more than it saves. */
const MIN_VALUES = 256;
/** From this many values on the rows are split over the helper thread. */
const SPLIT_MIN = 16 * 1024;
/** Float64 values a row chunk keeps in `tmp`: 32 KB, in L1/L2 between the passes. */
const CHUNK_VALUES = 4096;
/** The kernel's padding after a chunk (2·NV values; NV is 4 in kernels.c). */
const PAD = 16;

const lists = [new CommandList(), new CommandList()];

/** out = softmax of each row of c values of x; false when the WASM kernel cannot run it. */
export function softmaxWasm(x: Float32Array, c: number, out: Float32Array): boolean {
  const k = wasmKernels(), n = out.length;
  if (!k || n < MIN_VALUES || c === 0 || n % c !== 0) return false;
  const rows = n / c, split = n >= SPLIT_MIN && rows >= 2 && openBlasPath() !== undefined;
  if (split) announcePair(k);
  const chunkRows = Math.max(1, Math.floor(CHUNK_VALUES / c));
  // Float64 scratch per half: one chunk of rows and the padding, two float32 slots per value.
  const perHalf = 2 * (chunkRows * c + PAD);
  const px = stagedPointer(k, x, "ew0");
  const direct = k.heap.owns(out), o = direct ? out : k.scratch.get("ewout", n);
  const tmp = k.scratch.get("softmaxtmp", 2 * perHalf);
  if (px === undefined || !o || !tmp) return false;
  const args = (
    r0: number,
    nr: number,
    half: number,
  ) => [f32ptr(px, r0 * c), f32ptr(o, r0 * c), nr, c, f32ptr(tmp, half * perHalf), chunkRows];
  if (split) {
    const h = Math.ceil(rows / 2);
    for (const l of lists) l.clear();
    lists[0].call("softmax_f32", ...args(0, h, 0));
    lists[1].call("softmax_f32", ...args(h, rows - h, 1));
    runPair(lists[0], lists[1], k);
  } else {
    k.fn.softmax_f32(...(args(0, rows, 0) as Parameters<typeof k.fn.softmax_f32>));
  }
  if (!direct) out.set(o);
  return true;
}
