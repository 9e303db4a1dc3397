/**
 * Bad layer, fit and optimiser options are refused when the object is created, naming the
 * option, the value and the valid range; one optimiser shared by two models is refused.
 */
import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import * as ops from "../../kernels/ops/mod.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { fit } from "../../train/fit.ts";
import {
  adadelta,
  adagrad,
  adam,
  adamax,
  adamW,
  momentum,
  nadam,
  rmsprop,
  sgd,
} from "../../train/optimizers_mod.ts";

function refuses(make: () => unknown, message: string): void {
  assert.throws(make, (e: unknown) => {
    assert.ok(e instanceof RangeError, String(e));
    assert.equal(e.message, message);
    return true;
  });
}

const INT = "a whole number ≥ 1";
const INTS = "a whole number ≥ 1 or a pair [h, w] of them";

Deno.test("layer options: kernelSize, strides, filters, units, poolSize, rates, padding, activation", () => {
  const conv = (o: Record<string, unknown>) => () =>
    layers.conv2d({ filters: 4, kernelSize: 3, ...o } as never);
  refuses(conv({ kernelSize: 0 }), `conv2d: kernelSize 0 is not valid; it must be ${INTS}`);
  refuses(
    conv({ kernelSize: [3, 1.5] }),
    `conv2d: kernelSize [3,1.5] is not valid; it must be ${INTS}`,
  );
  refuses(conv({ kernelSize: [3] }), `conv2d: kernelSize [3] is not valid; it must be ${INTS}`);
  refuses(conv({ strides: 0 }), `conv2d: strides 0 is not valid; it must be ${INTS}`);
  refuses(conv({ strides: [1, -2] }), `conv2d: strides [1,-2] is not valid; it must be ${INTS}`);
  refuses(conv({ filters: 0 }), `conv2d: filters 0 is not valid; it must be ${INT}`);
  refuses(
    conv({ filters: undefined }),
    `conv2d: filters undefined is not valid; it must be ${INT}`,
  );
  refuses(conv({ filters: "8" }), `conv2d: filters "8" is not valid; it must be ${INT}`);
  refuses(() => layers.dense({ units: 2.5 }), `dense: units 2.5 is not valid; it must be ${INT}`);
  refuses(() => layers.dense({ units: 0 }), `dense: units 0 is not valid; it must be ${INT}`);
  refuses(
    () => layers.maxPool2d({ poolSize: 0 }),
    `maxPool2d: poolSize 0 is not valid; it must be ${INTS}`,
  );
  refuses(
    () => layers.maxPool2d({ strides: NaN }),
    `maxPool2d: strides NaN is not valid; it must be ${INTS}`,
  );
  refuses(
    () => layers.batchNorm({ momentum: 1 }),
    "batchNorm: momentum 1 is not valid; it must be a number in [0, 1)",
  );
  refuses(
    () => layers.batchNorm({ epsilon: 0 }),
    "batchNorm: epsilon 0 is not valid; it must be a finite number > 0",
  );
  assert.throws(
    () => layers.dropout(1),
    /^RangeError: dropout: rate 1 is not valid; it must be a number in \[0, 1\)$/,
  );
  assert.throws(
    () => layers.dropout(NaN),
    /^RangeError: dropout: rate NaN is not valid; it must be a number in \[0, 1\)$/,
  );
  const PAD = '"same", "valid", a whole number ≥ 0 or [top, bottom, left, right] of them';
  refuses(conv({ padding: "Same" }), `conv2d: padding "Same" is not valid; it must be ${PAD}`);
  refuses(conv({ padding: [1, 1] }), `conv2d: padding [1,1] is not valid; it must be ${PAD}`);
  refuses(
    () => layers.maxPool2d({ padding: "full" as never }),
    `maxPool2d: padding "full" is not valid; it must be ${PAD}`,
  );
  refuses(
    () => layers.averagePooling2d({ padding: -1 }),
    `averagePooling2d: padding -1 is not valid; it must be ${PAD}`,
  );
  // The ops refuse it too (it used to give NaN shapes or an unrelated error).
  const img = tensor(new Float32Array(16), [1, 4, 4, 1]);
  refuses(
    () => ops.conv2d(img, tensor(new Float32Array(4), [2, 2, 1, 1]), { padding: "bogus" as never }),
    `conv2d: padding "bogus" is not valid; it must be ${PAD}`,
  );
  refuses(
    () => ops.maxPool2d(img, { padding: "bogus" as never }),
    `maxPool2d: padding "bogus" is not valid; it must be ${PAD}`,
  );
  refuses(
    () => ops.avgPool2d(img, { padding: 1.5 }),
    `avgPool2d: padding 1.5 is not valid; it must be ${PAD}`,
  );
  img.dispose();
  for (
    const [make, where] of [
      [() => layers.dense({ units: 2, activation: "rel" as never }), "dense"],
      [() => conv({ activation: "rel" })(), "conv2d"],
    ] as const
  ) {
    assert.throws(
      make,
      new RegExp(`^Error: ${where}: unknown activation "rel"; use linear, relu,`),
    );
  }
  // Valid options still build.
  layers.conv2d({ filters: 1, kernelSize: [1, 3], strides: [2, 1] });
  layers.conv2d({ filters: 1, kernelSize: 3, padding: [1, 0, 2, 0], activation: "relu" });
  layers.maxPool2d({ poolSize: [2, 3] });
});

Deno.test("optimiser hyperparameters: lr > 0, betas and momentum in [0, 1), eps > 0", () => {
  const FIN = "a finite number > 0";
  refuses(() => sgd({ learningRate: 0 }), `sgd: learningRate 0 is not valid; it must be ${FIN}`);
  refuses(
    () => adam({ learningRate: -1e-3 }),
    `adam: learningRate -0.001 is not valid; it must be ${FIN}`,
  );
  refuses(
    () => adam({ learningRate: Infinity }),
    `adam: learningRate Infinity is not valid; it must be ${FIN}`,
  );
  refuses(() => adam({ beta1: 1 }), "adam: beta1 1 is not valid; it must be a number in [0, 1)");
  refuses(
    () => adam({ beta2: -0.1 }),
    "adam: beta2 -0.1 is not valid; it must be a number in [0, 1)",
  );
  refuses(() => adam({ epsilon: 0 }), `adam: epsilon 0 is not valid; it must be ${FIN}`);
  refuses(
    () => rmsprop({ rho: 1.5 }),
    "rmsprop: rho 1.5 is not valid; it must be a number in [0, 1)",
  );
  refuses(() => rmsprop({ epsilon: -1 }), `rmsprop: epsilon -1 is not valid; it must be ${FIN}`);
  refuses(
    () => momentum({ momentum: 1 }),
    "sgd-momentum: momentum 1 is not valid; it must be a number in [0, 1)",
  );
  refuses(
    () => sgd({ momentum: NaN }),
    "sgd: momentum NaN is not valid; it must be a number in [0, 1)",
  );
  refuses(
    () => sgd({ weightDecay: -1 }),
    "sgd: weightDecay -1 is not valid; it must be a finite number ≥ 0",
  );
  // A schedule is checked when it is used (its value per step).
  adam({ learningRate: (step: number) => 0.1 / (1 + step) });
  // Every optimiser, its own options included, through the one table in layers/validate.ts.
  const IN01 = "a number in [0, 1)";
  refuses(() => adamW({ beta2: 1 }), `adamw: beta2 1 is not valid; it must be ${IN01}`);
  refuses(() => adamax({ beta1: -1 }), `adamax: beta1 -1 is not valid; it must be ${IN01}`);
  refuses(() => nadam({ epsilon: 0 }), `nadam: epsilon 0 is not valid; it must be ${FIN}`);
  refuses(() => adadelta({ rho: 1 }), `adadelta: rho 1 is not valid; it must be ${IN01}`);
  refuses(
    () => adagrad({ initialAccumulatorValue: -1 }),
    "adagrad: initialAccumulatorValue -1 is not valid; it must be a finite number ≥ 0",
  );
  refuses(
    () => adagrad({ learningRate: 0 }),
    `adagrad: learningRate 0 is not valid; it must be ${FIN}`,
  );
});

function model(seed: number): Sequential {
  return new Sequential([layers.dense({ units: 2, inputShape: [3] })], { seed });
}

const data = () => ({
  x: tensor(Float32Array.from({ length: 24 }, (_, i) => i / 24), [8, 3]),
  y: Int32Array.from({ length: 8 }, (_, i) => i % 2),
});

Deno.test("fit options: epochs, batchSize, stepsPerEpoch whole numbers ≥ 1, before any step", async () => {
  await setDevice("cpu");
  const bad: [Record<string, unknown>, string][] = [
    [{ epochs: 0 }, "epochs 0"],
    [{ epochs: 1.5 }, "epochs 1.5"],
    [{ epochs: undefined }, "epochs undefined"],
    [{ batchSize: 0 }, "batchSize 0"],
    [{ batchSize: 3.5 }, "batchSize 3.5"],
    [{ stepsPerEpoch: -1 }, "stepsPerEpoch -1"],
  ];
  for (const [o, what] of bad) {
    const opt = sgd();
    await assert.rejects(
      fit(model(1), data(), { epochs: 1, optimizer: opt, verbose: false, ...o } as never),
      (e: unknown) => {
        assert.ok(e instanceof RangeError);
        assert.equal(e.message, `fit: ${what} is not valid; it must be ${INT}`);
        return true;
      },
    );
    assert.equal(opt.iterations, 0, "no step was taken");
  }
});

Deno.test("one optimiser for two models: the second model's fit is refused, the first unharmed", async () => {
  await setDevice("cpu");
  const opt = adam();
  const a = model(1), b = model(2);
  await fit(a, data(), { epochs: 1, batchSize: 4, optimizer: opt, verbose: false });
  assert.equal(opt.iterations, 2);
  const bBefore = b.build().parameters().map((p) => p.dataSync().slice());
  await assert.rejects(
    fit(b, data(), { epochs: 1, batchSize: 4, optimizer: opt, verbose: false }),
    /^Error: adam: this optimiser already trains another set of parameters, and dense_\d+\/kernel is not one of them \(one optimiser shared by two models would mix their step counts\); create one optimiser per model$/,
  );
  b.parameters().forEach((p, i) => assert.deepEqual(p.dataSync(), bBefore[i]));
  // The first model keeps training with it.
  await fit(a, data(), { epochs: 1, batchSize: 4, optimizer: opt, verbose: false });
  assert.equal(opt.iterations, 4);
});
