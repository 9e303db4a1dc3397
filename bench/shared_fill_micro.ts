/**
 * Typed-array fills and copies on a shared WASM memory against a plain ArrayBuffer, the data
 * behind heap_arrays.ts's `zeroFill`: `deno run -A bench/shared_fill_micro.ts [--values 1048576]
 * [--reps 40]`. Prints one JSON line per operation with the best ms of `--reps` runs on each
 * kind of buffer, run alternately so both see the same machine load.
 */
import { cliFlags } from "../experiment/main.ts";
import { zeroFill } from "../kernels/cpu/heap_arrays.ts";

const values = cliFlags(
  {
    values: { type: "integer", help: "float32 values per array", default: 1024 * 1024, min: 1 },
    reps: { type: "integer", help: "runs of each operation; the best is printed", default: 40 },
  },
  Deno.args,
  {
    command: "deno run -A bench/shared_fill_micro.ts",
    description: "fill, zeroFill, set and an elementwise loop on shared vs plain float32 arrays.",
  },
);
const n = values.values;
const memory = new WebAssembly.Memory({
  initial: Math.ceil((8 * n) / 65536) + 1,
  maximum: 16384,
  shared: true,
});
const shared = [0, 1].map((i) => new Float32Array(memory.buffer, 64 + 4 * n * i, n));
const plain = [0, 1].map(() => new Float32Array(n));
for (const [a] of [shared, plain]) for (let i = 0; i < n; i++) a[i] = Math.sin(i);

/** y = relu(x) + x·x, the shape of the backend's TypeScript elementwise loops. */
function loop(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = (x[i] > 0 ? x[i] : 0) + x[i] * x[i];
}

const ops: Record<string, (a: Float32Array[]) => void> = {
  "fill(0)": ([, b]) => b.fill(0),
  zeroFill: ([, b]) => zeroFill(b),
  "set(copy)": ([a, b]) => b.set(a),
  "loop relu+square": ([a, b]) => loop(a, b),
};
for (const [name, op] of Object.entries(ops)) {
  let bestShared = Infinity, bestPlain = Infinity;
  for (let r = 0; r < values.reps; r++) {
    let t = performance.now();
    op(shared);
    bestShared = Math.min(bestShared, performance.now() - t);
    t = performance.now();
    op(plain);
    bestPlain = Math.min(bestPlain, performance.now() - t);
  }
  console.log(JSON.stringify({
    name,
    values: n,
    sharedMs: Number(bestShared.toFixed(4)),
    plainMs: Number(bestPlain.toFixed(4)),
    ratio: Number((bestShared / bestPlain).toFixed(2)),
  }));
}
