/**
 * A training set larger than one storage binding (lavapipe allows 128 MiB; MNIST's 60 000
 * images as float32 are 188 MB) must still be gathered correctly: the gather kernel is run per
 * row chunk. Rows from every chunk and the first and last row are compared with the CPU; an
 * out-of-range index in the last chunk's range is raised at the readback, not read as zeros.
 */
import assert from "node:assert/strict";
import "../../../kernels/ops/mod.ts";
import { setDevice } from "../../../kernels/device.ts";
import { gather } from "../../../kernels/ops/mod.ts";
import { tensor } from "../../../kernels/tensor.ts";
import { gpuTest } from "./gpu_available.ts";

await gpuTest(
  "webgpu gather: a 60000×784 float32 dataset (188 MB) beyond one binding",
  async () => {
    const rows = 60000, row = 784;
    const host = new Float32Array(rows * row);
    for (let r = 0; r < rows; r++) host[r * row] = r, host[r * row + row - 1] = -r;
    const idx = Int32Array.from([0, 1, 42000, 59999, 30000, 44000, 17]);
    await setDevice("webgpu");
    const x = tensor(host, [rows, row]);
    const y = gather(x, tensor(idx));
    const got = await y.data();
    y.dispose();
    const bad = gather(x, tensor(Int32Array.from([59999, 60000])));
    await assert.rejects(
      () => bad.data(),
      /^RangeError: gather: index 60000 at position 1 is outside \[0, 60000\)/,
    );
    bad.dispose();
    x.dispose();
    await setDevice("cpu");
    for (const [k, r] of idx.entries()) {
      assert.equal(got[k * row], r, `row ${r} first value`);
      assert.equal(got[k * row + row - 1], -r, `row ${r} last value`);
    }
  },
);
