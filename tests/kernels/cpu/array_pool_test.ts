import assert from "node:assert/strict";
import { ArrayPool } from "../../../kernels/cpu/array_pool.ts";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { getOp } from "../../../kernels/op.ts";
import "../../../kernels/ops/mod.ts";

/** The CPU backend's pool of output arrays: reuse, zeroing, ownership, the byte cap. */

Deno.test("a freed array comes back zero-filled for the same dtype and length only", () => {
  const pool = new ArrayPool();
  const a = pool.take("float32", 8);
  a.fill(7);
  pool.give(a);
  assert.notEqual(pool.take("float32", 9), a, "other length");
  assert.notEqual(pool.take("float64", 8), a, "other dtype");
  const again = pool.take("float32", 8);
  assert.equal(again, a);
  assert.deepEqual(Array.from(again), new Array(8).fill(0));
  assert.deepEqual(pool.stats, { reused: 1, allocated: 3 });
});

Deno.test("arrays the pool did not make are never pooled, nor given back twice", () => {
  const pool = new ArrayPool();
  const mine = new Float32Array(4).fill(3);
  pool.give(mine);
  assert.notEqual(pool.take("float32", 4), mine);
  assert.deepEqual(Array.from(mine), [3, 3, 3, 3]);
  const a = pool.take("float32", 4);
  pool.give(a);
  pool.give(a);
  assert.equal(pool.take("float32", 4), a);
  assert.notEqual(pool.take("float32", 4), a, "a double give must not hand the array out twice");
});

Deno.test("pooled bytes stay under the cap, oldest evicted first", () => {
  const pool = new ArrayPool(100);
  const a = pool.take("float32", 10), b = pool.take("float32", 10), c = pool.take("float32", 10);
  pool.give(a);
  pool.give(b);
  assert.equal(pool.pooledBytes, 80);
  pool.give(c);
  assert.equal(pool.pooledBytes, 80, "a was evicted");
  const got = [pool.take("float32", 10), pool.take("float32", 10), pool.take("float32", 10)];
  assert.ok(got.includes(b) && got.includes(c) && !got.includes(a));
  const off = new ArrayPool(0);
  const d = off.take("int32", 2);
  off.give(d);
  assert.notEqual(off.take("int32", 2), d, "limit 0 disables pooling");
});

Deno.test("the CPU backend reuses freed outputs but never an uploaded array", () => {
  const b = new CpuBackend(true);
  const relu = getOp("relu")!;
  const user = Float32Array.from([1, -2, 3, -4]);
  const h = b.upload(user);
  const run = (handle: unknown) =>
    b.exec(relu, [{ handle, shape: [4], dtype: "float32" }], {}, [4], "float32") as Float32Array;
  const y1 = run(h);
  b.free(y1);
  b.free(h);
  const y2 = run(b.upload(Float32Array.from([-1, 5, -1, 6])));
  assert.equal(y2, y1, "the freed output is reused");
  assert.deepEqual(Array.from(y2), [0, 5, 0, 6]);
  assert.deepEqual(Array.from(user), [1, -2, 3, -4], "the caller's array is untouched");
  const y3 = run(b.upload(Float32Array.from([1, 1, 1, 1])));
  assert.notEqual(y3, user);
});

Deno.test("the CPU backend counts a buffer creation only when the pool had none to give", () => {
  const b = new CpuBackend(true);
  const neg = getOp("neg")!;
  const x = b.upload(new Float32Array(16));
  const run = () =>
    b.exec(neg, [{ handle: x, shape: [16], dtype: "float32" }], {}, [16], "float32");
  const c0 = b.counters.bufferCreations;
  const y = run();
  assert.equal(b.counters.bufferCreations, c0 + 1);
  b.free(y);
  run();
  assert.equal(b.counters.bufferCreations, c0 + 1, "served from the pool");
});
