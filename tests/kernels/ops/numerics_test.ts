/**
 * The numerics rules of docs/ARCHITECTURE.md ("Numerics: NaN, Inf, empty, out-of-range"), each
 * asserted value by value on every backend: the fast CPU kernels, the CPU reference and WebGPU
 * (skipped where no adapter exists, required in CI). The registry parity tests check that the
 * backends agree on planted special values; this table checks what they agree on is the rule.
 */
import assert from "node:assert/strict";
import "../../../kernels/ops/mod.ts";
import type { DeviceName } from "../../../kernels/device.ts";
import { gradients } from "../../../kernels/autograd.ts";
import { tidy } from "../../../kernels/engine.ts";
import {
  argmax,
  cast,
  conv2d,
  div,
  gather,
  max,
  maximum,
  maxPool2d,
  mean,
  min,
  minimum,
  mul,
  oneHot,
  prod,
  relu,
  reluGrad,
  softmax,
  softmaxCrossEntropy,
  step,
  sum,
} from "../../../kernels/ops/mod.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";
import { testOnDevice } from "../webgpu/gpu_available.ts";
import { errorOf } from "../parity_checks.ts";

const devices: DeviceName[] = ["cpu", "cpu-reference", "webgpu"];
const I32 = (v: number[]) => tensor(Int32Array.from(v));
const F32 = (v: number[], shape?: number[]) => tensor(Float32Array.from(v), shape ?? [v.length]);
const MIN_I32 = -2147483648, MAX_I32 = 2147483647;

/** A rule: what `run` must give, element by element (NaN is NaN, −0 is not +0). */
interface Rule {
  name: string;
  run: () => Tensor;
  want: number[];
}

/** The gradient of Σ op(x)·w with respect to x. */
function gradOf(op: (x: Tensor) => Tensor, x: Tensor, w: number[]): Tensor {
  x.requiresGrad = true;
  const [g] = gradients(sum(mul(op(x), F32(w, op(x).shape))), [x]);
  return g!;
}

const rules: Rule[] = [
  {
    name: "relu passes NaN and ±∞, relu(−0) = +0",
    run: () => relu(F32([NaN, -0, 0, -1, 2, Infinity, -Infinity])),
    want: [NaN, 0, 0, 0, 2, Infinity, 0],
  },
  {
    name: "relu on 1280 values (the WASM path) passes NaN",
    run: () => sum(relu(F32(Array.from({ length: 1280 }, (_, i) => (i === 700 ? NaN : -1))))),
    want: [NaN],
  },
  {
    name: "reluGrad is NaN where x is NaN, dy where x > 0, else 0",
    run: () => reluGrad(F32([5, 5, 5, 5, 5]), F32([NaN, 0, -0, -1, 2])),
    want: [NaN, 0, 0, 0, 5],
  },
  { name: "step(NaN) is NaN", run: () => step(F32([NaN, -0, 3])), want: [NaN, 0, 1] },
  {
    name: "maximum: NaN if either is NaN, −0 < +0",
    run: () => maximum(F32([NaN, 0, -0, 0, 1, -Infinity]), F32([0, NaN, 0, -0, 2, -1])),
    want: [NaN, NaN, 0, 0, 2, -1],
  },
  {
    name: "minimum: NaN if either is NaN, −0 < +0",
    run: () => minimum(F32([NaN, 0, -0, 0, 1, Infinity]), F32([0, NaN, 0, -0, 2, 3])),
    want: [NaN, NaN, -0, -0, 1, 3],
  },
  { name: "max([1, NaN, 3]) is NaN", run: () => max(F32([1, NaN, 3])), want: [NaN] },
  { name: "min([1, NaN, 3]) is NaN", run: () => min(F32([1, NaN, 3])), want: [NaN] },
  {
    name: "max orders −0 below +0",
    run: () => max(F32([-0, 0, -0])),
    want: [0],
  },
  {
    name: "min orders −0 below +0",
    run: () => min(F32([0, -0, 0])),
    want: [-0],
  },
  {
    name: "max over rows: NaN only in the row that has one",
    run: () => max(F32([1, NaN, 3, 4, 5, 6], [2, 3]), 1),
    want: [NaN, 6],
  },
  {
    name: "argmax: the first NaN wins; ties and ±0 the first",
    run: () => argmax(F32([1, NaN, 3, NaN, 2, 2, -0, 0, -Infinity, -Infinity, 9, 9], [4, 3])),
    want: [1, 0, 0, 1],
  },
  {
    name: "maxPool2d: a window with a NaN is NaN wherever the NaN is",
    run: () =>
      maxPool2d(F32([1, NaN, 3, 2, NaN, 1, 3, 2, 4, 3, 2, 1, -0, 0, -1, -2], [4, 2, 2, 1])),
    want: [NaN, NaN, 4, -0],
  },
  {
    name: "maxPool2d with 4 channels (the WASM path): a NaN window is NaN",
    run: () => maxPool2d(F32([1, 1, 1, 1, 2, NaN, 2, 2, 3, 3, NaN, 3, 4, 4, 4, NaN], [1, 2, 2, 4])),
    want: [4, NaN, NaN, NaN],
  },
  {
    name: "maxPool2d's gradient goes to the first NaN of a window",
    run: () => gradOf((x) => maxPool2d(x), F32([1, NaN, 3, NaN], [1, 2, 2, 1]), [7]),
    want: [0, 7, 0, 0],
  },
  {
    name: "softmax: a NaN or +∞ in a row makes the row NaN",
    run: () => softmax(F32([1, NaN, 2, 1, Infinity, 2], [2, 3])),
    want: [NaN, NaN, NaN, NaN, NaN, NaN],
  },
  {
    name: "softmaxCrossEntropy: a NaN logit gives a NaN loss",
    run: () => softmaxCrossEntropy(F32([1, NaN, 2, 0, 0, 0], [2, 3]), I32([0, 2])),
    want: [NaN],
  },
  {
    name: "int32 division truncates toward zero and x / 0 = 0",
    run: () => div(I32([7, -7, 7, 0, -7, MIN_I32]), I32([0, 2, -2, 0, 0, -1])),
    want: [0, -3, -3, 0, 0, MIN_I32],
  },
  {
    name: "int32 products wrap modulo 2³²",
    run: () => mul(I32([65536, 46341, -46341]), I32([65536, 46341, 46341])),
    want: [0, Math.imul(46341, 46341), Math.imul(-46341, 46341)],
  },
  {
    name: "cast to int32: NaN → 0, ±∞ and out-of-range saturate, others truncate",
    run: () => cast(F32([NaN, Infinity, -Infinity, 3e9, -3e9, 2.7, -2.7, -0]), "int32"),
    want: [0, MAX_I32, MIN_I32, MAX_I32, MIN_I32, 2, -2, 0],
  },
  {
    // The case: one NaN pixel into a ReLU conv net used to train "fine" on 0s.
    name: "one NaN pixel through conv2d+ReLU, maxPool2d and softmaxCrossEntropy: the loss is NaN",
    run: () => {
      const img = F32(Array.from({ length: 16 }, (_, i) => (i === 5 ? NaN : i / 16)), [1, 4, 4, 1]);
      const w = F32(Array.from({ length: 18 }, (_, i) => (i % 3) - 1), [3, 3, 1, 2]);
      const y = maxPool2d(conv2d(img, w, { strides: 1, padding: "same", activation: "relu" }));
      return softmaxCrossEntropy(y.reshape([1, 8]), I32([0]));
    },
    want: [NaN],
  },
  {
    // The pooled buffer the output may reuse is dirtied first: every output must be written.
    name: "sum over an empty axis gives a 0 per output",
    run: () => {
      F32([NaN, NaN, NaN]).dispose();
      return sum(F32([], [0, 3]), 0);
    },
    want: [0, 0, 0],
  },
  {
    name: "mean over an empty axis gives a NaN per output",
    run: () => {
      F32([7, 7]).dispose();
      return mean(F32([], [2, 0]), 1);
    },
    want: [NaN, NaN],
  },
  {
    name: "prod over an empty axis gives a 1 per output",
    run: () => {
      F32([NaN, NaN]).dispose();
      return prod(F32([], [2, 0]), 1);
    },
    want: [1, 1],
  },
  { name: "sum of an empty tensor is 0", run: () => sum(F32([])), want: [0] },
  { name: "mean of an empty tensor is NaN", run: () => mean(F32([])), want: [NaN] },
  {
    name: "max over an empty axis of an empty output is empty",
    run: () => max(F32([], [0, 3]), 1),
    want: [],
  },
];

function sameValues(got: ArrayLike<number>, want: number[]): string | undefined {
  if (got.length !== want.length) return `length ${got.length}, want ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const w = Number.isInteger(want[i]) || !Number.isFinite(want[i])
      ? want[i]
      : Math.fround(want[i]);
    if (!Object.is(got[i], w) && !(Number.isNaN(got[i]) && Number.isNaN(w))) {
      return `element ${i} is ${Object.is(got[i], -0) ? "-0" : got[i]}, want ${
        Object.is(w, -0) ? "-0" : w
      }`;
    }
  }
}

for (const device of devices) {
  for (const rule of rules) {
    await testOnDevice(device, `numerics on ${device}: ${rule.name}`, async () => {
      const y = tidy(() => rule.run());
      const got = await y.data();
      y.dispose();
      const bad = sameValues(got, rule.want);
      assert.equal(bad, undefined, `${rule.name} on ${device}: ${bad}`);
    });
  }
}

/**
 * Errors every backend raises with the same message: from the shape rules, and for indices
 * out of range from the kernels (on WebGPU at the readback, after the CPU's message).
 */
const refusals: { name: string; run: () => Tensor; message: RegExp }[] = [
  {
    name: "max of an empty tensor",
    run: () => max(F32([])),
    message: /^max: axis 0 of \[0\] is empty/,
  },
  {
    name: "min over an empty axis",
    run: () => min(F32([], [2, 0]), 1),
    message: /^min: axis 1 of \[2,0\] is empty/,
  },
  {
    name: "argmax over an empty axis",
    run: () => argmax(F32([], [3, 0])),
    message: /^argmax: axis 1 of \[3,0\] is empty/,
  },
  {
    name: "softmaxCrossEntropy with label 7 of 3 classes",
    run: () => softmaxCrossEntropy(F32([1, 2, 3, 4, 5, 6], [2, 3]), I32([0, 7])),
    message:
      /^softmaxCrossEntropy: label 7 at row 1 is outside \[0, 3\) \(the classes of the logits\)/,
  },
  {
    name: "softmaxCrossEntropy with label −4",
    run: () => softmaxCrossEntropy(F32([1, 2, 3, 4, 5, 6], [2, 3]), I32([-4, 1])),
    message: /^softmaxCrossEntropy: label -4 at row 0 is outside \[0, 3\)/,
  },
  {
    name: "gather with index 7 of 3 rows",
    run: () => gather(F32([1, 2, 3]), I32([0, 7, 1])),
    message: /^gather: index 7 at position 1 is outside \[0, 3\) \(the rows of x\)/,
  },
  {
    name: "oneHot with class −4",
    run: () => oneHot(I32([1, -4]), 3),
    message: /^oneHot: class -4 at row 1 is outside \[0, 3\)/,
  },
];

for (const device of devices) {
  for (const r of refusals) {
    await testOnDevice(device, `numerics on ${device}: ${r.name} is an error`, async () => {
      const err = await errorOf(async () => {
        const y = tidy(() => r.run());
        try {
          await y.data();
        } finally {
          y.dispose();
        }
      });
      assert.match(err?.message ?? "no error", r.message);
      if (device === "webgpu" && /outside/.test(err!.message)) {
        assert.match(err!.message, /found on WebGPU, raised at this readback/);
      }
    });
  }
}
