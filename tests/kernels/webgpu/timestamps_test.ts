/**
 * GPU time per kernel: the arithmetic that turns resolved timestamps into durations (unwritten
 * and backwards pairs are invalid, not negative time), the "feature absent" refusal, and, on an
 * adapter with timestamp-query (lavapipe has it), a timed matmul: every dispatch gets a valid or
 * invalid pair under its op's label and the numbers are the same as untimed.
 */
import assert from "node:assert/strict";
import "../../../kernels/ops/mod.ts";
import { setDevice } from "../../../kernels/device.ts";
import { backend } from "../../../kernels/engine.ts";
import { matmul } from "../../../kernels/ops/mod.ts";
import { tensor } from "../../../kernels/tensor.ts";
import type { WebGpuBackend } from "../../../kernels/webgpu/backend.ts";
import {
  addDurations,
  type KernelTime,
  KernelTimer,
  pairDurations,
  timestampsUnavailable,
} from "../../../kernels/webgpu/timestamps.ts";
import { gpuTest } from "./gpu_available.ts";

Deno.test("timestamps: begin/end pairs become nanoseconds; unusable pairs are NaN", () => {
  const big = 2n ** 60n; // past 2^53: the difference is taken in BigInt before Number
  const stamps = new BigUint64Array([10n, 25n, 30n, 31n, 0n, 5n, 50n, 40n, big, big + 7n, 1n, 0n]);
  const d = pairDurations(stamps, 6);
  assert.deepEqual(d.slice(0, 2), [15, 1]);
  assert.ok(Number.isNaN(d[2]), "a begin never written");
  assert.ok(Number.isNaN(d[3]), "an end before its begin");
  assert.equal(d[4], 7);
  assert.ok(Number.isNaN(d[5]), "an end never written");
  assert.deepEqual(pairDurations(stamps, 0), []);
  assert.throws(() => pairDurations(new BigUint64Array(3), 2), /3 values cannot hold 2/);
});

Deno.test("timestamps: durations add up per label and invalid ones are counted apart", () => {
  const times = new Map<string, KernelTime>();
  addDurations(times, ["matmul", "relu", "matmul"], [100, NaN, 50]);
  addDurations(times, ["relu"], [7]);
  assert.deepEqual(times.get("matmul"), { dispatches: 2, ns: 150, invalid: 0 });
  assert.deepEqual(times.get("relu"), { dispatches: 1, ns: 7, invalid: 1 });
});

Deno.test("timestamps: a device without timestamp-query is refused with the reason", () => {
  const device = { features: new Set<string>() } as unknown as GPUDevice;
  assert.match(timestampsUnavailable(device)!, /no timestamp-query feature/);
  assert.throws(() => new KernelTimer(device), /KernelTimer: the WebGPU device has no timestamp/);
  const has = { features: new Set(["timestamp-query"]) } as unknown as GPUDevice;
  assert.equal(timestampsUnavailable(has), undefined);
});

await gpuTest(
  "timestamps: a timed matmul on WebGPU labels every dispatch and changes no number",
  async () => {
    await setDevice("webgpu");
    try {
      const be = backend() as WebGpuBackend;
      if (timestampsUnavailable(be.device)) return; // the unit tests above cover that path
      const a = tensor(Float32Array.from({ length: 70 * 33 }, (_, i) => (i % 7) - 3), [70, 33]);
      const b = tensor(Float32Array.from({ length: 33 * 20 }, (_, i) => (i % 5) * 0.5), [33, 20]);
      const plain = matmul(a, b);
      const want = await plain.data();
      const timer = new KernelTimer(be.device);
      be.timer = timer;
      const d0 = be.counters.dispatches;
      timer.label = "matmul";
      const timed = matmul(a, b);
      const got = await timed.data();
      const dispatches = be.counters.dispatches - d0;
      be.timer = undefined;
      assert.deepEqual(got, want, "one pass per dispatch gives the same result");
      const t = (await timer.collect()).get("matmul")!;
      assert.equal(t.dispatches + t.invalid, dispatches, JSON.stringify(t));
      if (t.dispatches > 0) assert.ok(t.ns > 0, JSON.stringify(t));
      assert.equal(timer.dropped, 0);
      await timer.reset();
      assert.equal((await timer.collect()).size, 0);
      for (const x of [a, b, plain, timed]) x.dispose();
    } finally {
      await setDevice("cpu");
    }
  },
);
