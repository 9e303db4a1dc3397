/**
 * batchMatmul: each batch entry equals matmul of that entry's matrices (on the CPU fast path and
 * the reference), and bad shapes are refused with errors naming the fix. The registry tests
 * check its gradient in float64 and its CPU/WebGPU parity.
 */
import assert from "node:assert/strict";
import { type DeviceName, setDevice } from "../../../kernels/device.ts";
import { tidy } from "../../../kernels/engine.ts";
import { batchMatmul, matmul } from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { tensor } from "../../../kernels/tensor.ts";

const rng = new Rng(5);
const normals = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

for (const device of ["cpu", "cpu-reference"] as DeviceName[]) {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    Deno.test(`batchMatmul on ${device} is matmul per entry (Aᵀ ${ta}, Bᵀ ${tb})`, async () => {
      await setDevice(device);
      try {
        const [batch, m, k, n] = [3, 20, 16, 12]; // M·N·K over BLAS_MIN_WORK
        const A = normals(batch * m * k), B = normals(batch * k * n);
        const aShape = ta ? [k, m] : [m, k], bShape = tb ? [n, k] : [k, n];
        const got = tidy(() =>
          batchMatmul(tensor(A, [batch, ...aShape]), tensor(B, [batch, ...bShape]), {
            transposeA: ta,
            transposeB: tb,
          }).dataSync()
        );
        for (let i = 0; i < batch; i++) {
          const want = tidy(() =>
            matmul(
              tensor(A.slice(i * m * k, (i + 1) * m * k), aShape),
              tensor(B.slice(i * k * n, (i + 1) * k * n), bShape),
              { transposeA: ta, transposeB: tb },
            ).dataSync()
          );
          for (let j = 0; j < m * n; j++) {
            assert.ok(Math.abs(got[i * m * n + j] - want[j]) < 1e-4, `entry ${i}, element ${j}`);
          }
        }
      } finally {
        await setDevice("cpu");
      }
    });
  }
}

Deno.test("batchMatmul refuses bad shapes", async () => {
  await setDevice("cpu");
  const z = (...s: number[]) => tensor(new Float32Array(s.reduce((a, b) => a * b, 1)), s);
  assert.throws(() => batchMatmul(z(2, 3), z(3, 2)), /rank ≥ 3.*use matmul/);
  assert.throws(() => batchMatmul(z(2, 2, 3), z(3, 3, 2)), /batch axes differ.*broadcastTo/);
  assert.throws(() => batchMatmul(z(2, 2, 3), z(2, 4, 2)), /inner sizes differ/);
  assert.throws(() => batchMatmul(z(2, 2, 3), z(2, 2, 3, 1)), /one rank/);
});
