/**
 * Layers as data: `{ className, config }` (Keras' form), and the registry that turns a className
 * back into a layer, so a model file can be rebuilt without the code that made it. A new layer
 * kind joins with one {@link registerLayer} call and a `getConfig()` returning its options.
 * @module
 */
import { Activation, type ActivationName, type ActivationOptions } from "./activations.ts";
import { BatchNorm, type BatchNormOptions } from "./batch_norm.ts";
import { Conv1D } from "./conv1d.ts";
import { Conv2D, type Conv2DOptions } from "./conv2d.ts";
import { DepthwiseConv2D } from "./depthwise_conv2d.ts";
import { SeparableConv2D } from "./separable_conv2d.ts";
import { Conv2DTranspose } from "./conv2d_transpose.ts";
import { Dense, type DenseOptions } from "./dense.ts";
import { Dropout } from "./dropout.ts";
import { Flatten } from "./flatten.ts";
import type { Layer } from "./module.ts";
import { Bidirectional, type MergeMode } from "./bidirectional.ts";
import {
  GRU,
  type GRUOptions,
  LSTM,
  type LSTMOptions,
  type RecurrentLayer,
  type RecurrentOptions,
  SimpleRNN,
} from "./recurrent.ts";
import { MultiHeadAttention } from "./attention.ts";
import { Add, Average, Concatenate, type ConcatenateOptions, Multiply } from "./merge.ts";
import { AveragePooling2D, MaxPool2D, type MaxPool2DOptions } from "./pooling.ts";
import { AveragePooling1D, MaxPooling1D } from "./pooling_1d.ts";
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
} from "./global_pooling.ts";
import { LayerNormalization } from "./layer_norm.ts";
import { GroupNormalization } from "./group_norm.ts";
import { Embedding } from "./embedding.ts";
import { Masking } from "./masking.ts";
import { Permute, RepeatVector, Reshape } from "./reshape.ts";
import { Cropping2D, UpSampling2D, ZeroPadding2D } from "./spatial.ts";

/** A layer as JSON: its class and the options that rebuild it. */
export interface LayerConfig {
  /** The registered class name ("Dense", "Conv2D"), as Keras writes it. */
  className: string;
  /** The layer's options, enough to rebuild it with {@link layerFromConfig}. */
  config: Record<string, unknown>;
}

/** A layer class that can describe itself. */
interface Configurable {
  getConfig(): object;
}

interface Entry {
  // deno-lint-ignore no-explicit-any
  cls: abstract new (...args: any[]) => Layer;
  fromConfig: (config: Record<string, unknown>) => Layer;
}

const registry = new Map<string, Entry>();

/**
 * Makes a layer class saveable and loadable under `className`. Its instances need a
 * `getConfig()` whose result `fromConfig` turns back into an equal layer.
 * Example: `registerLayer("Dense", Dense, (c) => new Dense(c as DenseOptions));`
 */
export function registerLayer(
  className: string,
  // deno-lint-ignore no-explicit-any
  cls: abstract new (...args: any[]) => Layer,
  fromConfig: (config: Record<string, unknown>) => Layer,
): void {
  registry.set(className, { cls, fromConfig });
}

/** The classNames a model file may use, for error messages. */
export function registeredLayers(): string[] {
  return [...registry.keys()];
}

/** `{ className, config }` of a layer. Example: `layerToConfig(layers.dense({ units: 2 }))`. */
export function layerToConfig(layer: Layer): LayerConfig {
  for (const [className, e] of registry) {
    if (layer.constructor === e.cls) {
      const config = (layer as unknown as Configurable).getConfig() as Record<string, unknown>;
      return { className, config: structuredClone(config) };
    }
  }
  throw new Error(
    `${layer.name}: ${layer.constructor.name} cannot be saved: it is not registered; call ` +
      `registerLayer("${layer.constructor.name}", ${layer.constructor.name}, fromConfig) and give ` +
      `it a getConfig()`,
  );
}

/** A new, unbuilt layer from `{ className, config }`; throws naming unknown classes. */
export function layerFromConfig(c: LayerConfig): Layer {
  const e = registry.get(c?.className);
  if (!e) {
    throw new Error(
      `unknown layer className "${c?.className}"; known: ${registeredLayers().join(", ")}`,
    );
  }
  if (typeof c.config !== "object" || c.config === null || Array.isArray(c.config)) {
    throw new Error(`${c.className}: config must be an object, got ${JSON.stringify(c.config)}`);
  }
  return e.fromConfig(structuredClone(c.config));
}

registerLayer("Dense", Dense, (c) => new Dense(c as unknown as DenseOptions));
registerLayer("Conv2D", Conv2D, (c) => new Conv2D(c as unknown as Conv2DOptions));
registerLayer("MaxPool2D", MaxPool2D, (c) => new MaxPool2D(c as MaxPool2DOptions));
registerLayer("Flatten", Flatten, (c) => new Flatten(c.inputShape as number[] | undefined));
registerLayer("Dropout", Dropout, (c) => new Dropout(c.rate as number));
registerLayer("BatchNorm", BatchNorm, (c) => new BatchNorm(c as BatchNormOptions));
registerLayer("Activation", Activation, (c) => {
  const { activation, ...options } = c;
  return new Activation(activation as ActivationName, options as ActivationOptions);
});
registerLayer("Add", Add, () => new Add());
registerLayer("Multiply", Multiply, () => new Multiply());
registerLayer("Average", Average, () => new Average());
registerLayer("Concatenate", Concatenate, (c) => new Concatenate(c as ConcatenateOptions));
registerLayer("SimpleRNN", SimpleRNN, (c) => new SimpleRNN(c as unknown as RecurrentOptions));
registerLayer("LSTM", LSTM, (c) => new LSTM(c as unknown as LSTMOptions));
registerLayer("GRU", GRU, (c) => new GRU(c as unknown as GRUOptions));
registerLayer("Bidirectional", Bidirectional, (c) =>
  new Bidirectional({
    layer: layerFromConfig(c.layer as LayerConfig) as RecurrentLayer,
    mergeMode: c.mergeMode as MergeMode,
  }));
// Issue 17's layers; a config is the options object each constructor takes.
// deno-lint-ignore no-explicit-any
const LAYERS_17: [string, new (o: any) => Layer][] = [
  ["AveragePooling2D", AveragePooling2D],
  ["MaxPooling1D", MaxPooling1D],
  ["AveragePooling1D", AveragePooling1D],
  ["GlobalAveragePooling2D", GlobalAveragePooling2D],
  ["GlobalMaxPooling2D", GlobalMaxPooling2D],
  ["GlobalAveragePooling1D", GlobalAveragePooling1D],
  ["GlobalMaxPooling1D", GlobalMaxPooling1D],
  ["LayerNormalization", LayerNormalization],
  ["GroupNormalization", GroupNormalization],
  ["Embedding", Embedding],
  ["Masking", Masking],
  ["Reshape", Reshape],
  ["Permute", Permute],
  ["RepeatVector", RepeatVector],
  ["ZeroPadding2D", ZeroPadding2D],
  ["Cropping2D", Cropping2D],
  ["UpSampling2D", UpSampling2D],
  ["MultiHeadAttention", MultiHeadAttention],
  ["Conv1D", Conv1D],
  ["DepthwiseConv2D", DepthwiseConv2D],
  ["SeparableConv2D", SeparableConv2D],
  ["Conv2DTranspose", Conv2DTranspose],
];
for (const [name, cls] of LAYERS_17) registerLayer(name, cls, (c) => new cls(c));
