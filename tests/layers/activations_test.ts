/**
 * The activations as `activation:` names of dense and conv2d, as layers (Keras names), in the
 * model-file config round-trip and in the PyTorch layout; each layer equals its op.
 */
import assert from "node:assert/strict";
import {
  elu,
  gelu,
  hardSigmoid,
  leakyRelu,
  logSoftmax,
  relu6,
  selu,
  silu,
  softplus,
  tensor,
} from "../../mod.ts";
import { add, matmul } from "../../kernels/ops/mod.ts";
import * as layers from "../../layers/mod.ts";
import { activate, ACTIVATIONS } from "../../layers/activations.ts";
import { layerFromConfig, layerToConfig } from "../../layers/serialization.ts";
import { Sequential } from "../../layers/sequential.ts";
import { torchSequentialSource } from "../../io/torch_layout.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { assertReloadsSame } from "./layer_test_utils.ts";

const x = () => tensor([-3.5, -1, -0.2, 0, 0.4, 2, 7], [1, 7]);
const same = (a: Tensor, b: Tensor) =>
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));

const LAYERS: [string, () => layers.Activation, (t: Tensor) => Tensor][] = [
  ["leakyReLU (alpha 0.3)", () => layers.leakyReLU(), (t) => leakyRelu(t, 0.3)],
  ["leakyReLU alpha 0.05", () => layers.leakyReLU({ alpha: 0.05 }), (t) => leakyRelu(t, 0.05)],
  ["elu", () => layers.elu({ alpha: 0.5 }), (t) => elu(t, 0.5)],
  ["selu", () => layers.selu(), selu],
  ["gelu", () => layers.gelu(), (t) => gelu(t)],
  [
    "gelu tanh",
    () => layers.gelu({ approximate: "tanh" }),
    (t) => gelu(t, { approximate: "tanh" }),
  ],
  ["silu", () => layers.silu(), silu],
  ["swish", () => layers.swish(), silu],
  ["softplus", () => layers.softplus(), softplus],
  ["hardSigmoid", () => layers.hardSigmoid(), hardSigmoid],
  ["relu6", () => layers.relu6(), relu6],
  ["logSoftmax", () => layers.logSoftmax(), logSoftmax],
];

for (const [name, make, op] of LAYERS) {
  Deno.test(`activation layer ${name}: equals its op and round-trips through its config`, () => {
    const l = make();
    same(l.call(x(), { training: false }), op(x()));
    const back = layerFromConfig(JSON.parse(JSON.stringify(layerToConfig(l))));
    assert.deepEqual(layerToConfig(back), layerToConfig(l));
    same(back.call(x(), { training: false }), op(x()));
  });
}

Deno.test("every activation name works in dense and conv2d (activation: name)", () => {
  for (const name of ACTIVATIONS) {
    const d = layers.dense({ units: 3, activation: name, inputShape: [7] });
    const m = new Sequential([d]);
    const y = m.apply(x());
    // The dense layer's output is its activation of x·W + b.
    const { kernel, bias } = d.params!;
    same(y, activate(add(matmul(x(), kernel), bias!), name));
    assert.equal(layerToConfig(d).config.activation, name);
    const c = new Sequential([
      layers.conv2d({ filters: 2, kernelSize: 1, activation: name, inputShape: [2, 2, 1] }),
    ]);
    assert.deepEqual(c.apply(tensor([1, -2, 3, -4], [1, 2, 2, 1])).shape, [1, 2, 2, 2], name);
  }
});

Deno.test("activation options are checked; unknown names list the known ones", () => {
  assert.throws(() => activate(x(), "gelu", { alpha: 1 }), /"gelu" takes no option alpha/);
  assert.throws(
    () => layers.activation("nope" as "relu"),
    /unknown activation "nope"; use linear, relu/,
  );
  assert.throws(() => layers.leakyReLU({ alpha: NaN }), /alpha NaN must be a finite number/);
});

Deno.test("the PyTorch layout names the torch module of each activation", () => {
  const m = new Sequential([
    layers.dense({ units: 4, activation: "gelu", inputShape: [3] }),
    layers.leakyReLU({ alpha: 0.1 }),
    layers.gelu({ approximate: "tanh" }),
    layers.hardSigmoid(),
  ]);
  const src = torchSequentialSource(m);
  for (
    const s of ["nn.GELU()", "nn.LeakyReLU(0.1)", 'nn.GELU(approximate="tanh")', "nn.Hardsigmoid()"]
  ) {
    assert.ok(src.includes(s), `${s} missing from ${src}`);
  }
});

Deno.test("a model with the new activations saves and loads with the same outputs", async () => {
  const m = new Sequential([
    layers.dense({ units: 5, activation: "gelu", inputShape: [7] }),
    layers.leakyReLU({ alpha: 0.05 }),
    layers.dense({ units: 4, activation: "elu" }),
    layers.gelu({ approximate: "tanh" }),
    layers.dense({ units: 3, activation: "softplus" }),
  ]);
  await assertReloadsSame(m, x());
});
