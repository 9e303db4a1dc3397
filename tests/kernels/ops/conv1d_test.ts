/**
 * conv1d (conv2d over a height of one): values against the 1-D convolution written out in
 * float64 for "valid", "same" (uneven pads), "causal" (dilated too) and strides; Keras' output
 * lengths; errors; and the float64 gradient of input, filter and bias together.
 */
import assert from "node:assert/strict";
import { conv1d, conv1dLength } from "../../../kernels/ops/mod.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";
import { float64Gradcheck } from "../float64_gradcheck.ts";
import { normals as normalsIn } from "../../layers/layer_test_utils.ts";

/** Seeded standard normals in float64, as the definitions below compute. */
const normals = (shape: number[], seed: number) => normalsIn(shape, seed, "float64");

/**
 * y[b, t, o] = bias[o] + Σ_{j, c} x[b, t·s + j·d − left, c] · w[j, c, o], zero outside the input:
 * the definition, with the pads `left` and output length `len` given by hand.
 */
function direct(
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  s: number,
  d: number,
  left: number,
  len: number,
): number[] {
  const [n, steps, cin] = x.shape, [k, , cout] = w.shape;
  const xd = x.dataSync(), wd = w.dataSync(), bd = b?.dataSync();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < len; t++) {
      for (let o = 0; o < cout; o++) {
        let acc = 0;
        for (let j = 0; j < k; j++) {
          const at = t * s + j * d - left;
          if (at < 0 || at >= steps) continue;
          for (let c = 0; c < cin; c++) {
            acc += xd[(i * steps + at) * cin + c] * wd[(j * cin + c) * cout + o];
          }
        }
        out.push(acc + (bd ? bd[o] : 0));
      }
    }
  }
  return out;
}

const close = (a: ArrayLike<number>, b: number[]) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-12, `element ${i}`);
};

Deno.test("conv1d: valid, same, causal, dilated and strided against the definition (float64)", () => {
  const x = normals([2, 9, 3], 1), w = normals([3, 3, 4], 2), b = normals([4], 3);
  const cases: [object, number, number, number, number][] = [
    // options, stride, dilation, left pad, output length (Keras' rules, by hand)
    [{}, 1, 1, 0, 7],
    [{ padding: "same" }, 1, 1, 1, 9],
    [{ padding: "causal" }, 1, 1, 2, 9],
    [{ padding: "causal", dilations: 3 }, 1, 3, 6, 9],
    [{ padding: "same", dilations: 2 }, 1, 2, 2, 9],
    [{ strides: 2 }, 2, 1, 0, 4],
    [{ strides: 2, padding: "same" }, 2, 1, 1, 5],
    [{ strides: 3, padding: "causal" }, 3, 1, 2, 3],
  ];
  for (const [o, s, d, left, len] of cases) {
    const y = conv1d(x, w, { ...o, bias: b });
    assert.deepEqual(y.shape, [2, len, 4], JSON.stringify(o));
    assert.equal(conv1dLength(9, 3, o), len);
    close(y.dataSync(), direct(x, w, b, s, d, left, len));
  }
  // Causal: output t reads steps t, t − 2, t − 4 only, so a change at step 5 moves 5 and 7.
  const x2 = x.dataSync().slice();
  x2[(0 * 9 + 5) * 3 + 1] += 1; // sample 0, step 5
  const y1 = conv1d(x, w, { padding: "causal", dilations: 2 }).dataSync();
  const y2 = conv1d(tensor(x2, x.shape), w, { padding: "causal", dilations: 2 }).dataSync();
  const moved = [...Array(9).keys()].filter((t) =>
    [0, 1, 2, 3].some((o) => y1[t * 4 + o] !== y2[t * 4 + o])
  );
  assert.deepEqual(moved, [5, 7]);
  // Fused ReLU is relu of the plain result.
  const r = conv1d(x, w, { padding: "same", bias: b, activation: "relu" }).dataSync();
  close(r, direct(x, w, b, 1, 1, 1, 9).map((v) => Math.max(v, 0)));
});

Deno.test("conv1d: bad inputs and options are named", () => {
  const x = normals([1, 6, 2], 1), w = normals([3, 2, 1], 2);
  assert.throws(
    () => conv1d(normals([6, 2], 1), w),
    /conv1d: input must be \[batch, steps, channels\]/,
  );
  assert.throws(
    () => conv1d(x, normals([3, 3, 1], 2)),
    /conv1d: input has 2 channels but the filter expects 3/,
  );
  assert.throws(
    () => conv1d(x, w, { padding: "full" as "same" }),
    /conv1d: padding must be "valid", "same" or "causal", got full/,
  );
  assert.throws(
    () => conv1d(x, w, { strides: 2, dilations: 2 }),
    /conv1d: strides .* are both > 1/,
  );
  assert.throws(
    () => conv1d(x, w, { dilations: 3 }),
    /conv1d: a 1x7 window does not fit a 1x6 input/,
  );
});

float64Gradcheck(
  "conv1d causal, dilation 2: x, w, bias",
  [[2, 7, 3], [3, 3, 2], [2]],
  (x, w, b) => conv1d(x, w, { padding: "causal", dilations: 2, bias: b }),
);
float64Gradcheck(
  "conv1d same, stride 2, ReLU: x, w, bias",
  [[2, 8, 2], [4, 2, 3], [3]],
  (x, w, b) => conv1d(x, w, { padding: "same", strides: 2, bias: b, activation: "relu" }),
);
