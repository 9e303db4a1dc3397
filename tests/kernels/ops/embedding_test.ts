/**
 * embeddingLookup: rows for ids of any shape, the table's gradient by scatter-add (repeated
 * ids add up, identically on every backend) and gather's error for an id out of range.
 */
import assert from "node:assert/strict";
import { gradients } from "../../../kernels/autograd.ts";
import { type DeviceName, setDevice } from "../../../kernels/device.ts";
import { embeddingLookup, mul, sum } from "../../../kernels/ops/mod.ts";
import { tensor } from "../../../kernels/tensor.ts";
import { testOnDevices } from "../device_rules.ts";
import { float64Gradcheck } from "../float64_gradcheck.ts";
import { errorOf } from "../parity_checks.ts";
import { testOnDevice } from "../webgpu/gpu_available.ts";

const table = () => tensor(Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]), [4, 2]);
const ids = () => tensor(Int32Array.from([3, 1, 1, 0, 3, 3]), [2, 3]);

testOnDevices("embedding", [
  {
    name: "rows for [2, 3] ids",
    run: () => embeddingLookup(table(), ids()),
    want: [30, 31, 10, 11, 10, 11, 0, 1, 30, 31, 30, 31],
  },
  {
    name: "float ids are cast like Keras",
    run: () => embeddingLookup(table(), tensor(Float32Array.from([2, 0]), [2])),
    want: [20, 21, 0, 1],
  },
  {
    // dy = position + 1 on both columns: row 3 gets 1 + 5 + 6, row 1 gets 2 + 3, row 2 nothing.
    name: "gradient adds the rows of repeated ids",
    run: () => {
      const t = table();
      t.requiresGrad = true;
      const dy = tensor(Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]), [2, 3, 2]);
      return gradients(sum(mul(embeddingLookup(t, ids()), dy)), [t])[0]!;
    },
    want: [4, 4, 5, 5, 0, 0, 12, 12],
  },
]);

for (const device of ["cpu", "cpu-reference", "webgpu"] as DeviceName[]) {
  await testOnDevice(
    device,
    `embedding on ${device}: an id out of range raises gather's error`,
    async () => {
      const bad = tensor(Int32Array.from([1, 4, 0]), [3]);
      const err = await errorOf(() => embeddingLookup(table(), bad).data());
      assert.match(
        String(err?.message),
        /gather: index 4 at position 1 is outside \[0, 4\) \(the rows of x\)/,
      );
    },
  );
}

float64Gradcheck(
  "embeddingLookup (the table)",
  [[5, 3]],
  (t) => embeddingLookup(t, tensor(Int32Array.from([4, 0, 4, 2, 2, 2]), [3, 2])),
);

// More ids than a workgroup reads at once and rows wider than it: the WGSL scatter-add's loops.
const big = (() => {
  const n = 300, vocab = 10, dim = 70;
  const ids = Int32Array.from({ length: n }, (_, i) => (i * 7 + (i >> 3)) % vocab);
  const dy = Float32Array.from({ length: n * dim }, (_, i) => Math.sin(i) * 3);
  return { ids, dy, vocab, dim, n };
})();
for (const device of ["cpu-reference", "webgpu"] as DeviceName[]) {
  const name = `embedding on ${device}: the table's gradient over 300 ids equals the CPU's exactly`;
  await testOnDevice(device, name, async () => {
    const grad = async (dev: DeviceName) => {
      await setDevice(dev);
      const t = tensor(new Float32Array(big.vocab * big.dim), [big.vocab, big.dim]);
      t.requiresGrad = true;
      const dy = tensor(big.dy, [big.n, big.dim]);
      const y = embeddingLookup(t, tensor(big.ids, [big.n]));
      const g = gradients(sum(mul(y, dy)), [t])[0]!;
      return Array.from(await g.data());
    };
    assert.deepEqual(await grad(device), await grad("cpu"));
  });
}
