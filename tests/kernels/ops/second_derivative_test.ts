/**
 * Second derivatives of every activation through autograd (`gradients(…, { createGraph: true
 * })`, then the gradient of that gradient), in float64 on the CPU reference: against central
 * finite differences of the first gradient, and against PyTorch's grad of grad
 * (second_derivative_torch.py, /usr/bin/python3). conv2d's and depthwiseConv2d's second
 * derivatives (their gradient ops have gradients) against differences; one through an op whose gradient op has no gradient
 * (maxPool2d) is refused with a message naming it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gradients } from "../../../kernels/autograd.ts";
import { setDevice } from "../../../kernels/device.ts";
import { tidy } from "../../../kernels/engine.ts";
import {
  conv2d,
  depthwiseConv2d,
  elu,
  gelu,
  hardSigmoid,
  leakyRelu,
  logSoftmax,
  maxPool2d,
  mul,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  sum,
  tanh,
} from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";
import { centralDifferences, maxAbsDiff, maxRelError } from "../../../train/finite_differences.ts";
import { withDir } from "../../io/temp_dir.ts";
import { ignoreWithoutTorch, PYTHON } from "../../torch_python.ts";

const SCRIPT = new URL("./second_derivative_torch.py", import.meta.url).pathname;

/** Every activation op (names as second_derivative_torch.py's). */
const ACTS: Record<string, (x: Tensor) => Tensor> = {
  relu,
  sigmoid,
  tanh,
  softmax,
  logSoftmax,
  leakyRelu: (x) => leakyRelu(x, 0.1),
  elu: (x) => elu(x, 0.7),
  selu,
  gelu: (x) => gelu(x),
  "gelu tanh": (x) => gelu(x, { approximate: "tanh" }),
  silu,
  softplus,
  hardSigmoid,
  relu6,
};

const SHAPE = [3, 4];
const rng = new Rng(11);
// Spread over ±4 (hardSigmoid's corners at ±3, relu6's at 0 and 6 lie inside or near it).
const X = Array.from({ length: 12 }, () => 2 * rng.normal());
const Q = Array.from({ length: 12 }, () => rng.normal());
const R = Array.from({ length: 12 }, () => rng.normal());

/** s(x) = Σ r·∂/∂x Σ q·f(x), recorded so it can be differentiated again. */
function penalty(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const [g] = gradients(sum(mul(tensor(Q, SHAPE, "float64"), f(x))), [x], undefined, {
    createGraph: true,
  });
  return sum(mul(tensor(R, SHAPE, "float64"), g!));
}

/** ∂s/∂x by autograd (zeros where s does not depend on x: f″ = 0 almost everywhere). */
function secondDerivative(f: (x: Tensor) => Tensor): Float64Array {
  return tidy(() => {
    const x = tensor(Float64Array.from(X), SHAPE);
    x.requiresGrad = true;
    const s = penalty(f, x);
    const [h] = s.requiresGrad ? gradients(s, [x]) : [undefined];
    return h ? Float64Array.from(h.dataSync()) : new Float64Array(X.length);
  });
}

for (const [name, f] of Object.entries(ACTS)) {
  Deno.test(`second derivative, float64: ${name} (grad of grad vs differences of grad)`, async () => {
    await setDevice("cpu-reference");
    try {
      const analytic = secondDerivative(f);
      const p = Float64Array.from(X);
      const numeric = centralDifferences(
        () =>
          tidy(() => {
            const x = tensor(p, SHAPE);
            x.requiresGrad = true;
            return penalty(f, x).dataSync()[0];
          }),
        p,
        1e-6,
      );
      const rel = maxRelError(analytic, numeric), abs = maxAbsDiff(analytic, numeric);
      assert.ok(rel < 1e-6 || abs < 1e-8, `${name}: relative ${rel}, absolute ${abs}`);
    } finally {
      await setDevice("cpu");
    }
  });
}

Deno.test({
  name: "second derivatives of every activation equal PyTorch's grad of grad (float64, ≤ 1e-12)",
  ignore: ignoreWithoutTorch,
  async fn() {
    await setDevice("cpu-reference");
    try {
      await withDir(async (dir) => {
        const [inPath, outPath] = [join(dir, "in.json"), join(dir, "out.json")];
        await Deno.writeTextFile(inPath, JSON.stringify({ x: X, shape: SHAPE, q: Q, r: R }));
        const p = await new Deno.Command(PYTHON, { args: [SCRIPT, inPath, outPath] }).output();
        assert.ok(p.success, new TextDecoder().decode(p.stderr));
        const torch: Record<string, number[]> = JSON.parse(await Deno.readTextFile(outPath));
        assert.deepEqual(Object.keys(torch), Object.keys(ACTS));
        for (const [name, f] of Object.entries(ACTS)) {
          const d = maxAbsDiff(secondDerivative(f), torch[name]);
          assert.ok(d <= 1e-12, `${name}: differs from torch by ${d}`);
        }
      });
    } finally {
      await setDevice("cpu");
    }
  },
});

/**
 * Registers a float64 check of `conv`'s second derivative in x and w: s(x, w) = Σ r·∂L/∂x +
 * Σ u·∂L/∂w with L = Σ q·tanh(conv(x, w)), whose gradient runs through the conv's gradient ops'
 * own gradients, against central differences.
 */
function convSecondDerivative(
  name: string,
  [xs, ws]: [number[], number[]],
  conv: (x: Tensor, w: Tensor) => Tensor,
): void {
  Deno.test(`second derivative through ${name}, float64: x and w (grad of grad vs differences of grad)`, async () => {
    await setDevice("cpu-reference");
    try {
      const draw = (n: number, seed: number) => {
        const r = new Rng(seed);
        return Float64Array.from({ length: n }, () => r.normal());
      };
      const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
      const [px, pw] = [draw(size(xs), 1), draw(size(ws), 2)];
      const [r, u] = [draw(size(xs), 4), draw(size(ws), 5)];
      let q: Float64Array | undefined;
      const s = (x: Tensor, w: Tensor) => {
        const y = conv(x, w);
        q ??= draw(y.size, 3);
        const [gx, gw] = gradients(sum(mul(tensor(q, y.shape), tanh(y))), [x, w], undefined, {
          createGraph: true,
        });
        return sum(mul(tensor(r, xs), gx!)).add(sum(mul(tensor(u, ws), gw!)));
      };
      const value = () =>
        tidy(() => {
          const x = tensor(px, xs), w = tensor(pw, ws);
          x.requiresGrad = w.requiresGrad = true;
          return s(x, w).dataSync()[0];
        });
      const analytic = tidy(() => {
        const x = tensor(Float64Array.from(px), xs), w = tensor(Float64Array.from(pw), ws);
        x.requiresGrad = w.requiresGrad = true;
        return gradients(s(x, w), [x, w]).map((g) => Float64Array.from(g!.dataSync()));
      });
      const numeric = [centralDifferences(value, px, 1e-6), centralDifferences(value, pw, 1e-6)];
      ["x", "w"].forEach((what, i) => {
        const rel = maxRelError(analytic[i], numeric[i]);
        const abs = maxAbsDiff(analytic[i], numeric[i]);
        assert.ok(rel < 1e-6 || abs < 1e-8, `${what}: relative ${rel}, absolute ${abs}`);
      });
    } finally {
      await setDevice("cpu");
    }
  });
}

convSecondDerivative(
  "conv2d",
  [[2, 5, 4, 2], [3, 3, 2, 3]],
  (x, w) => conv2d(x, w, { strides: 2, padding: "same" }),
);
convSecondDerivative(
  "depthwiseConv2d",
  [[2, 5, 4, 2], [3, 3, 2, 2]],
  (x, w) => depthwiseConv2d(x, w, { strides: 2, padding: "same" }),
);
// A separable conv's depthwise step followed by a fixed 1x1 conv2d (both gradient chains).
convSecondDerivative(
  "depthwiseConv2d then a 1x1 conv2d (separable)",
  [[1, 5, 4, 2], [2, 2, 2, 2]],
  (x, w) =>
    conv2d(
      depthwiseConv2d(x, w, { padding: "same", dilations: 2 }),
      tensor(Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)), [1, 1, 4, 3]),
    ),
);

Deno.test("a second derivative through maxPool2d is refused, naming the op", () => {
  tidy(() => {
    const x = tensor(Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)), [1, 4, 4, 1]);
    x.requiresGrad = true;
    const y = maxPool2d(x);
    assert.throws(
      () => gradients(sum(mul(y, y)), [x], undefined, { createGraph: true }),
      /maxPool2dGrad \(the gradient op of maxPool2d\) has no gradient of its own, so a second derivative through maxPool2d is not supported/,
    );
    // Without createGraph the first derivative is as before.
    assert.equal(gradients(sum(mul(y, y)), [x])[0]!.shape.join(), "1,4,4,1");
  });
});
