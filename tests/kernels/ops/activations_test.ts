/**
 * The activation ops' values and gradients against PyTorch 1.13 (torch.nn.functional, float64;
 * numbers printed by the script in this file's comment at the end), on the CPU reference in
 * float64. WebGPU and the fast CPU are held to the reference by the registry parity tests.
 */
import assert from "node:assert/strict";
import { gradients } from "../../../kernels/autograd.ts";
import { setDevice } from "../../../kernels/device.ts";
import {
  elu,
  gelu,
  hardSigmoid,
  leakyRelu,
  relu6,
  selu,
  silu,
  softplus,
  sum,
  swish,
} from "../../../kernels/ops/mod.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";

const X = [-4, -1.5, -0.3, 0, 0.7, 2, 5];

const TORCH: Record<string, { f: (x: Tensor) => Tensor; y: number[]; dy: number[] }> = {
  "leaky_relu(x, 0.1)": {
    f: (x) => leakyRelu(x, 0.1),
    y: [-0.4, -0.15, -0.03, 0, 0.7, 2, 5],
    dy: [0.1, 0.1, 0.1, 0.1, 1, 1, 1],
  },
  "elu(x, 0.7)": {
    f: (x) => elu(x, 0.7),
    y: [-0.687179052778, -0.543808887896, -0.181427245523, 0, 0.7, 2, 5],
    dy: [0.0128209472221, 0.156191112104, 0.518572754477, 0.7, 1, 1, 1],
  },
  selu: {
    f: selu,
    y: [
      -1.72589862819,
      -1.36581435337,
      -0.455667315379,
      0,
      0.735490691149,
      2.10140197471,
      5.25350493678,
    ],
    dy: [
      0.0322007126575,
      0.39228498748,
      1.30243202547,
      1.75809934085,
      1.05070098736,
      1.05070098736,
      1.05070098736,
    ],
  },
  gelu: {
    f: (x) => gelu(x),
    y: [
      -0.000126684967332,
      -0.100210801903,
      -0.114626573343,
      0,
      0.530625443444,
      1.9544997361,
      4.99999856674,
    ],
    dy: [
      -0.000503649661226,
      -0.12746919223,
      0.267672233173,
      0.5,
      0.976614101134,
      1.08523180108,
      1.00000714695,
    ],
  },
  "gelu(x, approximate='tanh')": {
    f: (x) => gelu(x, { approximate: "tanh" }),
    y: [
      -7.02459481923e-05,
      -0.10042842302,
      -0.114629076457,
      0,
      0.530570134705,
      1.95459769409,
      4.99999977082,
    ],
    dy: [
      -0.000335123197122,
      -0.127710793151,
      0.267704548361,
      0.5,
      0.976357218656,
      1.08609925662,
      1.00000154636,
    ],
  },
  silu: {
    f: silu,
    y: [
      -0.0719448398484,
      -0.27363828571,
      -0.127667244957,
      0,
      0.467731440518,
      1.76159415596,
      4.96653574538,
    ],
    dy: [
      -0.0526646148911,
      -0.0412941542991,
      0.352219989681,
      0.5,
      0.823386783473,
      1.09078424878,
      1.02654743243,
    ],
  },
  softplus: {
    f: softplus,
    y: [
      0.0181499279178,
      0.201413277983,
      0.554355244469,
      0.69314718056,
      1.10318604889,
      2.12692801104,
      5.00671534849,
    ],
    dy: [
      0.0179862099621,
      0.182425523806,
      0.425557483188,
      0.5,
      0.668187772168,
      0.880797077978,
      0.993307149076,
    ],
  },
  hardsigmoid: {
    f: hardSigmoid,
    y: [0, 0.25, 0.45, 0.5, 0.616666666667, 0.833333333333, 1],
    // PyTorch prints 0.166666671634 here: its float64 hardsigmoid backward uses 1/6 rounded to
    // float32. The slope is 1/6.
    dy: [0, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 0],
  },
  relu6: { f: relu6, y: [0, 0, 0, 0, 0.7, 2, 5], dy: [0, 0, 0, 0, 1, 1, 1] },
};

for (const [name, { f, y, dy }] of Object.entries(TORCH)) {
  Deno.test(`activation ${name} matches PyTorch in float64, value and gradient`, async () => {
    await setDevice("cpu-reference");
    try {
      const x = tensor(Float64Array.from(X));
      x.requiresGrad = true;
      const out = f(x);
      const [g] = gradients(sum(out), [x]);
      // PyTorch's numbers have 12 significant digits.
      const close = (a: ArrayLike<number>, b: number[]) =>
        b.every((v, i) => Math.abs(a[i] - v) <= 1e-11 * Math.max(1, Math.abs(v)));
      assert.ok(close(out.dataSync(), y), `${name}: ${Array.from(out.dataSync())}`);
      assert.ok(close(g!.dataSync(), dy), `${name} gradient: ${Array.from(g!.dataSync())}`);
    } finally {
      await setDevice("cpu");
    }
  });
}

Deno.test("swish is silu; gelu refuses an unknown approximation", () => {
  assert.equal(swish, silu);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => gelu(tensor([1]), { approximate: "erf" as any }), /"none" or "tanh"/);
});

/* The reference numbers (PyTorch 1.13.0a0, /usr/bin/python3):
import torch, torch.nn.functional as F
x = torch.tensor([-4.0, -1.5, -0.3, 0.0, 0.7, 2.0, 5.0], dtype=torch.float64, requires_grad=True)
for f in [lambda x: F.leaky_relu(x, 0.1), lambda x: F.elu(x, 0.7), F.selu, F.gelu,
          lambda x: F.gelu(x, approximate="tanh"), F.silu, F.softplus, F.hardsigmoid, F.relu6]:
    y = f(x); g, = torch.autograd.grad(y.sum(), x)
    print([float("%.12g" % v) for v in y.tolist()], [float("%.12g" % v) for v in g.tolist()])
*/
