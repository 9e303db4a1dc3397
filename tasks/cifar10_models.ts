import * as layers from "../layers/mod.ts";
import { Sequential } from "../layers/sequential.ts";
import { noGrad, tidy } from "../kernels/engine.ts";
import { mulScalar } from "../kernels/ops/mod.ts";
import { Conv2D } from "../layers/conv2d.ts";

/** The CIFAR-10 models of the course exercises A, B and D. */

const INPUT = [32, 32, 3];

/** Parameters of {@link kerasCifarCnn}: 896 + 3 · 9248 + 590 336 + 5130. */
export const KERAS_CIFAR_CNN_PARAMS = 624106;

/**
 * The Keras lab's CIFAR-10 CNN: two blocks of Conv 32 3×3 same → Conv 32 3×3 valid →
 * MaxPool 2 → Dropout .25, then Dense 512 → Dropout .5 → Dense 10 (logits: Keras' softmax output is the loss's softmax
 * here); 624 106 parameters.
 * It is Keras' `cifar10_cnn.py` example except that the lab's second block keeps 32 filters
 * (the example has 64), as the course exercise states it.
 */
export function kerasCifarCnn(seed: number): Sequential {
  const block = () => [
    layers.conv2d({ filters: 32, kernelSize: 3, padding: "same", activation: "relu" }),
    layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu" }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.dropout(0.25),
  ];
  return new Sequential([
    ...block(),
    ...block(),
    layers.flatten(),
    layers.dense({ units: 512, activation: "relu" }),
    layers.dropout(0.5),
    layers.dense({ units: 10 }), // logits: Keras' softmax is applied by the loss
  ], { seed, inputShape: INPUT });
}

/** Parameters of {@link cifarStarter}: 1216 + 6416 + 40 970. */
export const CIFAR_STARTER_PARAMS = 48602;

/**
 * The MATLAB assignment's CIFAR-10 starter: Conv 16 5×5 pad 2 → ReLU → MaxPool 2 →
 * Conv 16 5×5 pad 2 → ReLU → FC 10 (16·16·16 = 4096 inputs; no second pooling, unlike the MNIST
 * starter). Initialised like the assignment: He-normal weights, the convolutions' scaled by 0.1
 * (the starter's `0.1*randn(...)/sqrt(fanIn/2)`), zero biases.
 */
export function cifarStarter(seed: number): Sequential {
  const conv = (o: { filters: number; inputShape?: number[] }) =>
    layers.conv2d({ ...o, kernelSize: 5, padding: 2, kernelInitializer: "heNormal" });
  const model = new Sequential([
    conv({ filters: 16, inputShape: INPUT }),
    layers.relu(),
    layers.maxPool2d({ poolSize: 2, strides: 2 }),
    conv({ filters: 16 }),
    layers.relu(),
    layers.flatten(),
    layers.dense({ units: 10, kernelInitializer: "heNormal" }),
  ], { seed });
  model.build();
  // The 0.1 keeps the first logits small on 0–255 inputs; no initialiser has a gain option.
  tidy(() =>
    noGrad(() => {
      for (const l of model.layers) {
        if (l instanceof Conv2D) l.params!.kernel.assign(mulScalar(l.params!.kernel, 0.1));
      }
    })
  );
  return model;
}

/** Parameters of {@link rdfiaNet} without dropout or batch norm, as the homework states. */
export const RDFIA_PARAMS = 1191170;

/** Options of {@link rdfiaNet}: the homework's architectural improvements. */
export interface RdfiaNetOptions {
  /** Dropout 0.5 after FC 1000's ReLU. */
  dropout?: boolean;
  /** Batch normalisation after each convolution, before its ReLU. */
  batchNorm?: boolean;
}

/**
 * The RDFIA homework's CIFAR-10 net: three blocks Conv 5×5 same (32, 64, 64) → ReLU →
 * MaxPool 2, then FC 1000 → ReLU → FC 10 (logits; the loss applies the softmax). 1 191 170
 * parameters; batch norm adds 2 per channel (320).
 */
export function rdfiaNet(seed: number, o: RdfiaNetOptions = {}): Sequential {
  const block = (filters: number) => [
    layers.conv2d({
      filters,
      kernelSize: 5,
      padding: "same",
      activation: o.batchNorm ? "linear" : "relu",
    }),
    ...(o.batchNorm ? [layers.batchNorm(), layers.relu()] : []),
    layers.maxPool2d({ poolSize: 2 }),
  ];
  return new Sequential([
    ...block(32),
    ...block(64),
    ...block(64),
    layers.flatten(),
    layers.dense({ units: 1000, activation: "relu" }),
    ...(o.dropout ? [layers.dropout(0.5)] : []),
    layers.dense({ units: 10 }),
  ], { seed, inputShape: INPUT });
}
