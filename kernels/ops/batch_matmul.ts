import type { FloatArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp } from "../op.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import type { MatmulAttrs } from "./matmul.ts";

/**
 * Batched matrix product: a [...batch, M, K] · b [...batch, K, N] → [...batch, M, N], with either
 * operand's last two axes transposed in place (no copies). Both operands carry the same batch
 * axes (no broadcasting: tile or reshape first).
 */

/** Sizes of op(A)·op(B) per batch entry: [batch count, M, K, N], checked. */
export function batchMatmulDims(
  a: number[],
  b: number[],
  attrs: MatmulAttrs,
): [number, number, number, number] {
  if (a.length < 3 || a.length !== b.length) {
    throw new Error(
      `batchMatmul: needs operands of one rank ≥ 3 ([...batch, rows, cols]), got ${fmtShape(a)} ` +
        `and ${fmtShape(b)}; use matmul for 2-D operands`,
    );
  }
  const r = a.length;
  for (let i = 0; i < r - 2; i++) {
    if (a[i] !== b[i]) {
      throw new Error(
        `batchMatmul: batch axes differ: ${fmtShape(a)} and ${fmtShape(b)} (axis ${i}: ` +
          `${a[i]} vs ${b[i]}); broadcast batch axes with broadcastTo first`,
      );
    }
  }
  const [m, k] = attrs.transposeA ? [a[r - 1], a[r - 2]] : [a[r - 2], a[r - 1]];
  const [k2, n] = attrs.transposeB ? [b[r - 1], b[r - 2]] : [b[r - 2], b[r - 1]];
  if (k !== k2) {
    throw new Error(
      `batchMatmul: inner sizes differ: ${fmtShape(a)}${attrs.transposeA ? "ᵀ" : ""} · ` +
        `${fmtShape(b)}${attrs.transposeB ? "ᵀ" : ""} (${k} vs ${k2})`,
    );
  }
  const batch = a.slice(0, r - 2).reduce((x, y) => x * y, 1);
  return [batch, m, k, n];
}

const batchMatmulDef = defineOp<MatmulAttrs>({
  name: "batchMatmul",
  infer: ([a, b], attrs) => {
    if (a.dtype !== b.dtype || a.dtype === "int32") {
      throw new Error(
        `batchMatmul: needs two float tensors of one dtype, got ${a.dtype}, ${b.dtype}`,
      );
    }
    const [, m, , n] = batchMatmulDims(a.shape, b.shape, attrs);
    return { shape: [...a.shape.slice(0, -2), m, n], dtype: a.dtype };
  },
  cpu: ([a, b], attrs, out) => {
    const [batch, m, k, n] = batchMatmulDims(a.shape, b.shape, attrs);
    const A = a.data as FloatArray, B = b.data as FloatArray;
    // Strides of element (i, p) of op(A) and (p, j) of op(B) within one batch entry.
    const [ai, ap] = attrs.transposeA ? [1, m] : [k, 1];
    const [bp, bj] = attrs.transposeB ? [1, k] : [n, 1];
    for (let t = 0; t < batch; t++) {
      const a0 = t * m * k, b0 = t * k * n, o0 = t * m * n;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += A[a0 + i * ai + p * ap] * B[b0 + p * bp + j * bj];
          out[o0 + i * n + j] = s;
        }
      }
    }
  },
  grad: (dy, { inputs: [a, b], attrs: { transposeA: ta, transposeB: tb } }) => {
    // matmul's rules per batch entry; each keeps the operand's stored layout (no copies).
    const da = () =>
      ta
        ? batchMatmul(b, dy, { transposeA: tb, transposeB: true })
        : batchMatmul(dy, b, { transposeB: !tb });
    const db = () =>
      tb
        ? batchMatmul(dy, a, { transposeA: true, transposeB: ta })
        : batchMatmul(a, dy, { transposeA: !ta });
    return [da, db];
  },
  tests: [
    { name: "2x3x4·2x4x5", inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4, 5] }], attrs: t(0, 0) },
    { name: "Aᵀ", inputs: [{ shape: [2, 4, 3] }, { shape: [2, 4, 5] }], attrs: t(1, 0) },
    { name: "Bᵀ", inputs: [{ shape: [3, 3, 4] }, { shape: [3, 5, 4] }], attrs: t(0, 1) },
    { name: "AᵀBᵀ", inputs: [{ shape: [2, 4, 3] }, { shape: [2, 5, 4] }], attrs: t(1, 1) },
    {
      name: "2x2 batch axes (heads)",
      inputs: [{ shape: [2, 2, 3, 4] }, { shape: [2, 2, 5, 4] }],
      attrs: t(0, 1),
    },
    { name: "1x1x1", inputs: [{ shape: [1, 1, 1] }, { shape: [1, 1, 1] }], attrs: t(0, 0) },
    { name: "2x17x9·2x9x6", inputs: [{ shape: [2, 17, 9] }, { shape: [2, 9, 6] }], attrs: t(0, 0) },
    // M·N·K ≥ BLAS_MIN_WORK: the fast kernel's OpenBLAS path, at a per-entry offset.
    {
      name: "OpenBLAS size, Bᵀ",
      inputs: [{ shape: [2, 16, 12] }, { shape: [2, 9, 12] }],
      attrs: t(0, 1),
    },
  ],
});

function t(transposeA: 0 | 1, transposeB: 0 | 1): MatmulAttrs {
  return { transposeA: transposeA === 1, transposeB: transposeB === 1 };
}

/**
 * op(a)·op(b) for each entry of the leading batch axes, transposing the last two axes of an
 * operand in place. Example: attention scores `batchMatmul(q, k, { transposeB: true })` for q,
 * k of shape [batch, heads, T, d].
 */
export function batchMatmul(
  a: Tensor,
  b: Tensor,
  opts: { transposeA?: boolean; transposeB?: boolean } = {},
): Tensor {
  return runOp(batchMatmulDef, [a, b], {
    transposeA: opts.transposeA ?? false,
    transposeB: opts.transposeB ?? false,
  });
}
