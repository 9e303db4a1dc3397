/**
 * batchMatmul: each batch entry equals matmul of that entry's matrices (on the CPU fast path and
 * the reference), transposed operands are read in place (no permute kernel, forward or
 * backward, on any device), and bad shapes are refused with errors naming the fix. The registry
 * tests check its gradient in float64 and its CPU/WebGPU parity.
 */
import assert from "node:assert/strict";
import { type DeviceName, setDevice } from "../../../kernels/device.ts";
import { backend, tidy } from "../../../kernels/engine.ts";
import { gradients } from "../../../kernels/autograd.ts";
import { batchMatmul, matmul, sum } from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { tensor } from "../../../kernels/tensor.ts";
import { testOnDevice } from "../webgpu/gpu_available.ts";

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

/** Kernels run by batchMatmul of [2, 3] heads (Aᵀ `ta`, Bᵀ `tb`), and by its backward pass. */
function kernelsRun(ta: boolean, tb: boolean): { forward: number; backward: number } {
  const [m, k, n] = [4, 5, 3];
  const a = tensor(normals(6 * m * k), [2, 3, ...(ta ? [k, m] : [m, k])]);
  const b = tensor(normals(6 * k * n), [2, 3, ...(tb ? [n, k] : [k, n])]);
  a.requiresGrad = b.requiresGrad = true;
  return tidy(() => {
    const c = backend().counters;
    const d0 = c.dispatches;
    const y = batchMatmul(a, b, { transposeA: ta, transposeB: tb });
    const d1 = c.dispatches;
    const loss = sum(y);
    const d2 = c.dispatches;
    gradients(loss, [a, b]);
    return { forward: d1 - d0, backward: c.dispatches - d2 };
  });
}

for (const device of ["cpu", "cpu-reference", "webgpu"] as DeviceName[]) {
  await testOnDevice(
    device,
    `batchMatmul on ${device}: transposed operands are read in place`,
    () => {
      const plain = kernelsRun(false, false);
      assert.equal(plain.forward, 1);
      assert.ok(plain.backward >= 2, `backward ran ${plain.backward} kernels: dA and dB at least`);
      for (const [ta, tb] of [[true, false], [false, true], [true, true]]) {
        // A copy of a transposed operand would be a permute kernel more, here or in the backward.
        assert.deepEqual(kernelsRun(ta, tb), plain, `Aᵀ ${ta}, Bᵀ ${tb}`);
      }
    },
  );
}

Deno.test("batchMatmul refuses bad shapes", async () => {
  await setDevice("cpu");
  const z = (...s: number[]) => tensor(new Float32Array(s.reduce((a, b) => a * b, 1)), s);
  assert.throws(() => batchMatmul(z(2, 3), z(3, 2)), /rank ≥ 3.*use matmul/);
  assert.throws(() => batchMatmul(z(2, 2, 3), z(3, 3, 2)), /batch axes differ.*broadcastTo/);
  assert.throws(() => batchMatmul(z(2, 2, 3), z(2, 4, 2)), /inner sizes differ/);
  assert.throws(() => batchMatmul(z(2, 2, 3), z(2, 2, 3, 1)), /one rank/);
});
