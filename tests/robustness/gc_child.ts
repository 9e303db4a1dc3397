/**
 * Child of memory_test.ts, run with --v8-flags=--expose-gc: leaks 300 tensors (never
 * disposed) on the device in Deno.args[0], forces garbage collections, and prints memory(),
 * pool counters and the bytes of CPU arrays in the WASM heap before, while leaked, and after, as
 * one JSON line.
 */
import { setDevice } from "../../kernels/device.ts";
import { backend, memory, setLeakWarning } from "../../kernels/engine.ts";
import { heapArrayBytes } from "../../kernels/cpu/heap_arrays.ts";
import { wasmKernels } from "../../kernels/cpu/wasm/module.ts";
import { relu } from "../../kernels/ops/mod.ts";
import { tensor } from "../../kernels/tensor.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
await setDevice(Deno.args[0] as "cpu" | "webgpu");
setLeakWarning(false);
const x = tensor(new Float32Array(64 * 1024).fill(-1), [64, 1024]);
const pooled = () => (backend() as { pooledBytes?: () => number }).pooledBytes?.() ?? 0;
// CPU: the outputs are big enough to live in the WASM heap (kernels/cpu/heap_arrays.ts).
const state = () => ({ ...memory(), pooled: pooled(), heapArrays: heapArrayBytes() });
const before = state();
const leak = () => {
  for (let i = 0; i < 300; i++) relu(x).reshape([-1]);
};
leak();
const leaked = state();
for (let i = 0; i < 5; i++) {
  gc();
  await new Promise((r) => setTimeout(r, 20));
}
const after = state();
// Leak again: on WebGPU the released buffers are reused, not created anew.
const created = backend().counters.bufferCreations;
leak();
const createdAgain = backend().counters.bufferCreations - created;
const wasm = wasmKernels() !== undefined;
console.log(JSON.stringify({ before, leaked, after, createdAgain, wasm }));
