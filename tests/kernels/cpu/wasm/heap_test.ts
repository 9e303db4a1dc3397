import assert from "node:assert/strict";
import { f32ptr, stagedPointer, WasmHeap, WasmScratch } from "../../../../kernels/cpu/wasm/heap.ts";
import {
  KERNELS_WASM_BASE64,
  KERNELS_WASM_SHA256,
} from "../../../../kernels/cpu/wasm/kernels_wasm.ts";
import { wasmKernels, wasmKernelsStatus } from "../../../../kernels/cpu/wasm/module.ts";

/** The WASM heap: aligned regions, reuse by size, views that survive growth, a hard ceiling. */

function heap(maxPages = 64): WasmHeap {
  return new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: maxPages, shared: true }), 100);
}

Deno.test("the embedded module is the one whose hash the build recorded, and it loads", async () => {
  const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(hex, KERNELS_WASM_SHA256);
  // Deno's V8 has WASM SIMD: the fast path must really run here, not fall back silently.
  assert.equal(wasmKernelsStatus(), "WASM SIMD");
  assert.ok(wasmKernels());
});

Deno.test("regions are 64-byte aligned, past the base, disjoint, and reused by size", () => {
  const h = heap();
  const a = h.alloc(3)!, b = h.alloc(100)!;
  assert.equal(a.byteOffset % 64, 0);
  assert.ok(a.byteOffset >= 100);
  assert.ok(b.byteOffset >= a.byteOffset + 64);
  a.fill(1);
  b.fill(2);
  assert.deepEqual([...a], [1, 1, 1]);
  assert.equal(h.liveBytes, 64 + 448);
  h.release(b);
  assert.equal(h.liveBytes, 64);
  const c = h.alloc(100)!;
  assert.equal(c.byteOffset, b.byteOffset);
  assert.throws(() => h.release(new Float32Array(4)), /not a view of this heap/);
});

Deno.test("growing the memory keeps earlier views valid and owned", () => {
  const h = heap();
  const a = h.alloc(10)!;
  a.set([1, 2, 3]);
  const before = h.sizeBytes;
  const big = h.alloc(200_000)!; // 800 KB: needs growth
  assert.ok(h.sizeBytes > before);
  big[big.length - 1] = 7;
  assert.deepEqual([...a.subarray(0, 3)], [1, 2, 3]);
  assert.ok(h.owns(a) && h.owns(big) && h.owns(a.subarray(1)));
  assert.equal(big[big.length - 1], 7);
});

Deno.test("past the memory's maximum alloc gives undefined instead of throwing", () => {
  const h = heap(4); // 256 KB at most
  assert.equal(h.alloc(1_000_000), undefined);
  assert.ok(h.alloc(1000));
});

Deno.test("scratch slots grow, keep their own regions, and give exact lengths", () => {
  const h = heap();
  const s = new WasmScratch(h);
  const a = s.get("a", 10)!, b = s.get("b", 10)!;
  assert.equal(a.length, 10);
  assert.notEqual(a.byteOffset, b.byteOffset);
  const a2 = s.get("a", 5)!;
  assert.equal(a2.byteOffset, a.byteOffset);
  assert.equal(a2.length, 5);
  const a3 = s.get("a", 1000)!;
  assert.equal(a3.length, 1000);
  // a's first region went back to the heap when the slot grew.
  assert.equal(h.liveBytes, 64 + 4032);
});

Deno.test("f32ptr: byte pointer of a float32 value from a view or a byte pointer", () => {
  const view = new Float32Array(new ArrayBuffer(64), 16, 8);
  assert.equal(f32ptr(view), 16);
  assert.equal(f32ptr(view, 3), 28);
  assert.equal(f32ptr(1024, 5), 1044);
});

Deno.test("stagedPointer: a heap view in place, anything else copied into its slot", () => {
  const h = heap();
  const k = { heap: h, scratch: new WasmScratch(h) };
  const inHeap = h.alloc(8)!;
  assert.equal(stagedPointer(k, inHeap, "s"), inHeap.byteOffset);
  assert.equal(stagedPointer(k, inHeap, "s", 3, 2), inHeap.byteOffset + 12);
  const outside = Float32Array.from([1, 2, 3, 4, 5]);
  const p = stagedPointer(k, outside, "s")!;
  assert.deepEqual([...new Float32Array(h.memory.buffer, p, 5)], [1, 2, 3, 4, 5]);
  const q = stagedPointer(k, outside, "t", 1, 3)!;
  assert.deepEqual([...new Float32Array(h.memory.buffer, q, 3)], [2, 3, 4]);
  assert.notEqual(q, p);
});
