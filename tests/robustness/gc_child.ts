/**
 * Child of memory_test.ts, run with --v8-flags=--expose-gc: leaks 300 tensors (never
 * disposed) on the device in Deno.args[0], forces garbage collections, and prints memory()
 * and pool counters before, while leaked, and after, as one JSON line.
 */
import { setDevice } from "../../kernels/device.ts";
import { backend, memory, setLeakWarning } from "../../kernels/engine.ts";
import { relu } from "../../kernels/ops/mod.ts";
import { tensor } from "../../kernels/tensor.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
await setDevice(Deno.args[0] as "cpu" | "webgpu");
setLeakWarning(false);
const x = tensor(new Float32Array(64 * 1024).fill(-1), [64, 1024]);
const pooled = () => (backend() as { pooledBytes?: () => number }).pooledBytes?.() ?? 0;
const before = { ...memory(), pooled: pooled() };
const leak = () => {
  for (let i = 0; i < 300; i++) relu(x).reshape([-1]);
};
leak();
const leaked = { ...memory(), pooled: pooled() };
for (let i = 0; i < 5; i++) {
  gc();
  await new Promise((r) => setTimeout(r, 20));
}
const after = { ...memory(), pooled: pooled() };
// Leak again: on WebGPU the released buffers are reused, not created anew.
const created = backend().counters.bufferCreations;
leak();
const createdAgain = backend().counters.bufferCreations - created;
console.log(JSON.stringify({ before, leaked, after, createdAgain }));
