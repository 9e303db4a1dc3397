/**
 * conv2dTranspose (conv2d's input gradient): Keras' output sizes, values against the transposed
 * convolution written out in float64 (each input pixel scatters its filter-weighted copy onto
 * the output, then the pads are cropped), the adjoint identity with conv2d, errors, and the
 * float64 gradient of input, filter and bias (its gradients are conv2d and conv2d's filter
 * gradient).
 */
import assert from "node:assert/strict";
import {
  conv2d,
  conv2dTranspose,
  conv2dTransposeAttrs,
  type Conv2dTransposeOptions,
  mul,
  sum,
} from "../../../kernels/ops/mod.ts";
import type { Tensor } from "../../../kernels/tensor.ts";
import { float64Gradcheck } from "../float64_gradcheck.ts";
import { normals as normalsIn } from "../../layers/layer_test_utils.ts";

/** Seeded standard normals in float64, as the definitions below compute. */
const normals = (shape: number[], seed: number) => normalsIn(shape, seed, "float64");

/**
 * The definition: y[b, i·s + ky·d − top, j·s + kx·d − left, o] += x[b, i, j, c]·w[ky, kx, o, c]
 * over every input pixel and tap, kept where it lands inside the [oh, ow] output, plus bias.
 */
function direct(
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  [sh, sw]: number[],
  [dh, dw]: number[],
  [top, left]: number[],
  [oh, ow]: number[],
): number[] {
  const [n, h, wd, cin] = x.shape, [kh, kw, cout] = w.shape;
  const xd = x.dataSync(), wt = w.dataSync(), bd = b?.dataSync();
  const y = new Array(n * oh * ow * cout).fill(0);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < wd; c++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const oy = r * sh + ky * dh - top, ox = c * sw + kx * dw - left;
            if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
            for (let ci = 0; ci < cin; ci++) {
              for (let o = 0; o < cout; o++) {
                y[((i * oh + oy) * ow + ox) * cout + o] += xd[((i * h + r) * wd + c) * cin + ci] *
                  wt[((ky * kw + kx) * cout + o) * cin + ci];
              }
            }
          }
        }
      }
    }
  }
  return bd ? y.map((v, k) => v + bd[k % cout]) : y;
}

Deno.test("conv2dTranspose: Keras' output sizes and values against the definition (float64)", () => {
  const x = normals([2, 3, 4, 3], 1), b = normals([2], 3);
  // options, kernel, strides, dilations, [top, left] crop and output size, by Keras' rules
  const cases: [Conv2dTransposeOptions, number[], number[], number[], number[], number[]][] = [
    [{ strides: 2, padding: "same" }, [3, 3], [2, 2], [1, 1], [0, 0], [6, 8]], // total 1: top 0
    [{ strides: 2, padding: "same" }, [4, 4], [2, 2], [1, 1], [1, 1], [6, 8]], // total 2
    [{ strides: 2 }, [3, 3], [2, 2], [1, 1], [0, 0], [7, 9]], // valid: in·s + k − s
    [{ strides: 3 }, [2, 1], [3, 3], [1, 1], [0, 0], [9, 12]], // kernel below stride
    [{ strides: [2, 1], padding: "same" }, [3, 2], [2, 1], [1, 1], [0, 0], [6, 4]],
    [{ dilations: 2 }, [2, 3], [1, 1], [2, 2], [0, 0], [5, 8]], // extents 3, 5
    [{ dilations: 2, padding: "same" }, [3, 3], [1, 1], [2, 2], [2, 2], [3, 4]],
    [{}, [1, 1], [1, 1], [1, 1], [0, 0], [3, 4]],
    // outputPadding (Keras 3): "valid" (in − 1)·s + k + op, no crop; "same" (in − 1)·s + k mod 2
    // + op, cropped by k − 1 − min(ceil(pad / 2), k − 1) at the top, pad = k + k mod 2 − 2 + op.
    [{ strides: 2, outputPadding: 1 }, [3, 3], [2, 2], [1, 1], [0, 0], [8, 10]], // a row past all
    [{ strides: 3, padding: "same", outputPadding: [2, 1] }, [4, 4], [3, 3], [1, 1], [1, 1], [
      8,
      10,
    ]], // pads 4 and 3: crop 1 (the default "same" crops 0 here)
    [{ strides: 2, padding: "same", outputPadding: 0 }, [3, 3], [2, 2], [1, 1], [1, 1], [5, 7]],
    [{ strides: [2, 3], padding: "same", outputPadding: [1, 2] }, [2, 3], [2, 3], [1, 1], [0, 0], [
      5,
      12,
    ]],
  ];
  for (const [o, k, s, d, crop, out] of cases) {
    const w = normals([...k, 2, 3], 2);
    const y = conv2dTranspose(x, w, { ...o, bias: b });
    assert.deepEqual(y.shape, [2, ...out, 2], JSON.stringify(o));
    assert.deepEqual(conv2dTransposeAttrs([3, 4], k as [number, number], o).outHW, out);
    const want = direct(x, w, b, s, d, crop, out), got = y.dataSync();
    for (let i = 0; i < want.length; i++) {
      assert.ok(Math.abs(got[i] - want[i]) < 1e-12, `${JSON.stringify(o)} element ${i}`);
    }
  }
});

Deno.test("conv2dTranspose: the adjoint of conv2d (⟨conv2d(u), v⟩ = ⟨u, conv2dTranspose(v)⟩)", () => {
  const w = normals([3, 3, 2, 4], 5), v = normals([2, 4, 4, 4], 6);
  const t = conv2dTranspose(v, w, { strides: 2, padding: "same" }); // [2, 8, 8, 2]
  const u = normals(t.shape, 7);
  const lhs = sum(mul(conv2d(u, w, { strides: 2, padding: "same" }), v)).dataSync()[0];
  const rhs = sum(mul(u, t)).dataSync()[0];
  assert.ok(Math.abs(lhs - rhs) < 1e-10 * Math.abs(lhs), `${lhs} vs ${rhs}`);
});

Deno.test("conv2dTranspose: bad inputs and options are named", () => {
  const x = normals([1, 3, 3, 2], 1), w = normals([3, 3, 4, 2], 2);
  assert.throws(
    () => conv2dTranspose(x, normals([3, 3, 2, 4], 2)),
    /conv2dTranspose: needs input \[N, H, W, inC\] and filter \[KH, KW, outC, inC\] with the same inC, got \[1,3,3,2\] and \[3,3,2,4\]/,
  );
  assert.throws(
    () => conv2dTranspose(x, w, { padding: 1 as unknown as "same" }),
    /conv2dTranspose: padding must be "valid" or "same", got 1/,
  );
  assert.throws(() => conv2dTranspose(x, w, { strides: 2, dilations: 2 }), /both > 1/);
  for (const outputPadding of [2, -1, 0.5, [1, 2]] as (number | [number, number])[]) {
    assert.throws(
      () => conv2dTranspose(x, w, { strides: [2, 2], outputPadding }),
      /conv2dTranspose: outputPadding .* is not valid; it must be a whole number ≥ 0 \(or a pair \[h, w\] of them\) below the strides \[2,2\]/,
    );
  }
  assert.throws(() => conv2dTranspose(x, w, { outputPadding: 1 }), /below the strides \[1,1\]/);
  assert.throws(
    () => conv2dTranspose(x, w, { bias: normals([2], 3) }),
    /conv2dTranspose: bias must be a float64 vector of 4 \(the output channels\), got float64 \[2\]/,
  );
});

float64Gradcheck(
  "conv2dTranspose stride 2 same: x, w, bias",
  [[2, 3, 3, 2], [3, 3, 3, 2], [3]],
  (x, w, b) => conv2dTranspose(x, w, { strides: 2, padding: "same", bias: b }),
);
float64Gradcheck(
  "conv2dTranspose stride 2 valid, outputPadding 1: x, w, bias",
  [[1, 3, 2, 2], [3, 3, 2, 2], [2]],
  (x, w, b) => conv2dTranspose(x, w, { strides: 2, outputPadding: 1, bias: b }),
);
float64Gradcheck(
  "conv2dTranspose stride 3 same, outputPadding [2, 1]: x, w",
  [[1, 2, 3, 2], [4, 4, 2, 2]],
  (x, w) => conv2dTranspose(x, w, { strides: 3, padding: "same", outputPadding: [2, 1] }),
);
float64Gradcheck(
  "conv2dTranspose valid, dilation 2: x, w",
  [[1, 3, 4, 3], [2, 3, 2, 3]],
  (x, w) => conv2dTranspose(x, w, { dilations: 2 }),
);
