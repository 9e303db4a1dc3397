/**
 * A training set larger than one storage binding (lavapipe allows 128 MiB; MNIST's 60 000
 * images as float32 are 188 MB) must still be gathered correctly: the gather kernel is run per
 * row chunk. Rows from every chunk, the first and last row, and an out-of-range index are
 * compared with the CPU.
 */
import assert from "node:assert/strict";
import "../../../kernels/ops/mod.ts";
import { setDevice } from "../../../kernels/device.ts";
import { gather } from "../../../kernels/ops/mod.ts";
import { tensor } from "../../../kernels/tensor.ts";
import { gpuAvailable } from "./gpu_available.ts";

const available = await gpuAvailable();

Deno.test({
  name: "webgpu gather: a 60000×784 float32 dataset (188 MB) beyond one binding",
  ignore: !available.ok && !Deno.env.get("CI"),
  fn: async () => {
    assert.ok(available.ok, available.reason);
    const rows = 60000, row = 784;
    const host = new Float32Array(rows * row);
    for (let r = 0; r < rows; r++) host[r * row] = r, host[r * row + row - 1] = -r;
    const idx = Int32Array.from([0, 1, 42000, 59999, 30000, 44000, 17, 60000]);
    await setDevice("webgpu");
    const x = tensor(host, [rows, row]);
    const y = gather(x, tensor(idx));
    const got = await y.data();
    x.dispose();
    y.dispose();
    await setDevice("cpu");
    for (const [k, r] of idx.entries()) {
      const first = got[k * row], last = got[k * row + row - 1];
      if (r >= rows) {
        assert.equal(first, 0, "an out-of-range index reads zeros");
        continue;
      }
      assert.equal(first, r, `row ${r} first value`);
      assert.equal(last, -r, `row ${r} last value`);
    }
  },
});
