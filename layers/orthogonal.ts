import type { Rng } from "../kernels/random.ts";
import { sizeOf } from "../kernels/shape.ts";

/**
 * Keras' `Orthogonal` initialiser (gain 1): a normal draw of [rows, cols] (rows = all axes but the
 * last) made orthonormal by modified Gram–Schmidt in float64, which is QR with the sign of R's
 * diagonal made positive, as Keras does. A wide matrix (rows < cols) is drawn transposed and
 * orthonormalised by columns, so its rows are orthonormal.
 * Example: `orthogonal([128, 512], rng)` has U·Uᵀ = I.
 */
export function orthogonal(shape: number[], rng: Rng): Float64Array {
  const cols = shape.at(-1) ?? 1;
  const rows = sizeOf(shape) / cols;
  const [n, m] = rows < cols ? [cols, rows] : [rows, cols]; // q is [n, m], n ≥ m
  const q = new Float64Array(n * m);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * m + j] * q[i * m + k];
      for (let i = 0; i < n; i++) q[i * m + j] -= dot * q[i * m + k];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * m + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i * m + j] /= norm;
  }
  if (rows >= cols) return q;
  const t = new Float64Array(rows * cols); // qᵀ: [m, n] = [rows, cols]
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = q[i * m + j];
  return t;
}
