import type { FloatArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp } from "../op.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";

/** Matrix product of 2-D tensors with optionally transposed operands (no copies). */

/** Attributes of matmul: which operands are read transposed (in place, without a copy). */
export interface MatmulAttrs {
  /** Read `a` as its transpose. */
  transposeA: boolean;
  /** Read `b` as its transpose. */
  transposeB: boolean;
}

/** Dimensions [M, K, N] of op(A)·op(B), checked. */
export function matmulDims(a: number[], b: number[], attrs: MatmulAttrs): [number, number, number] {
  if (a.length !== 2 || b.length !== 2) {
    throw new Error(
      `matmul: needs 2-D operands, got ${fmtShape(a)} and ${fmtShape(b)}; flatten first`,
    );
  }
  const [m, k] = attrs.transposeA ? [a[1], a[0]] : a;
  const [k2, n] = attrs.transposeB ? [b[1], b[0]] : b;
  if (k !== k2) {
    throw new Error(
      `matmul: inner sizes differ: ${fmtShape(a)}${attrs.transposeA ? "ᵀ" : ""} · ` +
        `${fmtShape(b)}${attrs.transposeB ? "ᵀ" : ""} (${k} vs ${k2})`,
    );
  }
  return [m, k, n];
}

const matmulDef = defineOp<MatmulAttrs>({
  name: "matmul",
  infer: ([a, b], attrs) => {
    if (a.dtype !== b.dtype || a.dtype === "int32") {
      throw new Error(`matmul: needs two float tensors of one dtype, got ${a.dtype}, ${b.dtype}`);
    }
    const [m, , n] = matmulDims(a.shape, b.shape, attrs);
    return { shape: [m, n], dtype: a.dtype };
  },
  cpu: ([a, b], attrs, out) => {
    const [m, k, n] = matmulDims(a.shape, b.shape, attrs);
    const A = a.data as FloatArray, B = b.data as FloatArray;
    // Strides of element (i, p) of op(A) and (p, j) of op(B) in row-major storage.
    const [ai, ap] = attrs.transposeA ? [1, m] : [k, 1];
    const [bp, bj] = attrs.transposeB ? [1, k] : [n, 1];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[i * ai + p * ap] * B[p * bp + j * bj];
        out[i * n + j] = s;
      }
    }
  },
  grad: (dy, { inputs: [a, b], attrs: { transposeA: ta, transposeB: tb } }) => {
    // Each case keeps the stored layout of the operand, so no transposed copies are made.
    const da = () =>
      ta ? matmul(b, dy, { transposeA: tb, transposeB: true }) : matmul(dy, b, { transposeB: !tb });
    const db = () =>
      tb ? matmul(dy, a, { transposeA: true, transposeB: ta }) : matmul(a, dy, { transposeA: !ta });
    return [da, db];
  },
  tests: [
    { name: "3x4·4x5", inputs: [{ shape: [3, 4] }, { shape: [4, 5] }], attrs: tA(false, false) },
    { name: "Aᵀ", inputs: [{ shape: [4, 3] }, { shape: [4, 5] }], attrs: tA(true, false) },
    { name: "Bᵀ", inputs: [{ shape: [3, 4] }, { shape: [5, 4] }], attrs: tA(false, true) },
    { name: "AᵀBᵀ", inputs: [{ shape: [4, 3] }, { shape: [5, 4] }], attrs: tA(true, true) },
    { name: "1x1·1x1", inputs: [{ shape: [1, 1] }, { shape: [1, 1] }], attrs: tA(false, false) },
    { name: "17x9·9x6", inputs: [{ shape: [17, 9] }, { shape: [9, 6] }], attrs: tA(false, false) },
  ],
});

function tA(transposeA: boolean, transposeB: boolean): MatmulAttrs {
  return { transposeA, transposeB };
}

/**
 * op(a)·op(b) for 2-D tensors. Example: `matmul(x, w)` or `matmul(x, w, { transposeB: true })`.
 */
export function matmul(
  a: Tensor,
  b: Tensor,
  opts: { transposeA?: boolean; transposeB?: boolean } = {},
): Tensor {
  return runOp(matmulDef, [a, b], {
    transposeA: opts.transposeA ?? false,
    transposeB: opts.transposeB ?? false,
  });
}
