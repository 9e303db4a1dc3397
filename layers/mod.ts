import { Activation, type ActivationName, type ActivationOptions } from "./activations.ts";
import { BatchNorm, type BatchNormOptions } from "./batch_norm.ts";
import { Conv1D, type Conv1DOptions } from "./conv1d.ts";
import { Conv2D, type Conv2DOptions } from "./conv2d.ts";
import { DepthwiseConv2D, type DepthwiseConv2DOptions } from "./depthwise_conv2d.ts";
import { SeparableConv2D, type SeparableConv2DOptions } from "./separable_conv2d.ts";
import { Conv2DTranspose, type Conv2DTransposeOptions } from "./conv2d_transpose.ts";
import { Dense, type DenseOptions } from "./dense.ts";
import { Dropout } from "./dropout.ts";
import { Flatten } from "./flatten.ts";
import {
  AveragePooling2D,
  type AveragePooling2DOptions,
  MaxPool2D,
  type MaxPool2DOptions,
} from "./pooling.ts";
import { AveragePooling1D, MaxPooling1D, type Pooling1DOptions } from "./pooling_1d.ts";
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  type GlobalPoolingOptions,
} from "./global_pooling.ts";
import { LayerNormalization, type LayerNormalizationOptions } from "./layer_norm.ts";
import { GroupNormalization, type GroupNormalizationOptions } from "./group_norm.ts";
import { Embedding, type EmbeddingOptions } from "./embedding.ts";
import { Masking, type MaskingOptions } from "./masking.ts";
import {
  Permute,
  type PermuteOptions,
  RepeatVector,
  type RepeatVectorOptions,
  Reshape,
  type ReshapeOptions,
} from "./reshape.ts";
import {
  Cropping2D,
  type Cropping2DOptions,
  UpSampling2D,
  type UpSampling2DOptions,
  ZeroPadding2D,
  type ZeroPadding2DOptions,
} from "./spatial.ts";
import { Bidirectional, type BidirectionalOptions } from "./bidirectional.ts";
import {
  GRU,
  type GRUOptions,
  LSTM,
  type LSTMOptions,
  type RecurrentOptions,
  SimpleRNN,
} from "./recurrent.ts";
import { MultiHeadAttention, type MultiHeadAttentionOptions } from "./attention.ts";
import { Add, Average, Concatenate, type ConcatenateOptions, Multiply } from "./merge.ts";

/**
 * Layer factories with Keras names. Example:
 * `layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1] })`.
 */

/** Fully connected layer. */
export const dense = (o: DenseOptions): Dense => new Dense(o);
/** 2-D convolution (NHWC). */
export const conv2d = (o: Conv2DOptions): Conv2D => new Conv2D(o);
/**
 * 1-D convolution over [batch, steps, channels] ("valid", "same" or "causal" padding).
 * Example: `layers.conv1d({ filters: 16, kernelSize: 3, padding: "causal", dilationRate: 2 })`.
 */
export const conv1d = (o: Conv1DOptions): Conv1D => new Conv1D(o);
/**
 * Depthwise 2-D convolution: each input channel convolved with its own `depthMultiplier`
 * filters. Example: `layers.depthwiseConv2d({ kernelSize: 3, padding: "same" })`.
 */
export const depthwiseConv2d = (o: DepthwiseConv2DOptions): DepthwiseConv2D =>
  new DepthwiseConv2D(o);
/**
 * Depthwise-separable 2-D convolution: depthwise, then a 1×1 conv2d to `filters` channels.
 * Example: `layers.separableConv2d({ filters: 32, kernelSize: 3, padding: "same" })`.
 */
export const separableConv2d = (o: SeparableConv2DOptions): SeparableConv2D =>
  new SeparableConv2D(o);
/**
 * Transposed 2-D convolution (NHWC; kernel [kh, kw, filters, inChannels]).
 * Example: `layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: "same" })`.
 */
export const conv2dTranspose = (o: Conv2DTransposeOptions): Conv2DTranspose =>
  new Conv2DTranspose(o);
/** Max pooling. */
export const maxPool2d = (o: MaxPool2DOptions = {}): MaxPool2D => new MaxPool2D(o);
/** Flattens all but the batch axis. */
export const flatten = (o: { inputShape?: number[] } = {}): Flatten => new Flatten(o.inputShape);
/** Inverted dropout with `rate`. */
export const dropout = (o: { rate: number } | number): Dropout =>
  new Dropout(typeof o === "number" ? o : o.rate);
/** Batch normalisation over the channel axis. */
export const batchNorm = (o: BatchNormOptions = {}): BatchNorm => new BatchNorm(o);
/** An activation as its own layer. Example: `layers.activation("gelu")`. */
export const activation = (name: ActivationName, opts: ActivationOptions = {}): Activation =>
  new Activation(name, opts);
/** ReLU layer. */
export const relu = (): Activation => new Activation("relu");
/** Sigmoid layer. */
export const sigmoid = (): Activation => new Activation("sigmoid");
/** Tanh layer. */
export const tanh = (): Activation => new Activation("tanh");
/** Softmax layer. */
export const softmax = (): Activation => new Activation("softmax");
/** Log-softmax layer (over the last axis, stable). */
export const logSoftmax = (): Activation => new Activation("logSoftmax");
/**
 * Leaky ReLU layer: x, or alpha·x below 0; alpha defaults to 0.3 as Keras' LeakyReLU and
 * TF.js's `layers.leakyReLU` (the activation name "leakyRelu" uses 0.2, as Keras 3's).
 */
export const leakyReLU = (o: { alpha?: number } = {}): Activation =>
  new Activation("leakyRelu", { alpha: o.alpha ?? 0.3 });
/** ELU layer (alpha default 1). */
export const elu = (o: { alpha?: number } = {}): Activation =>
  new Activation("elu", { alpha: o.alpha ?? 1 });
/** SELU layer. */
export const selu = (): Activation => new Activation("selu");
/** GELU layer: the erf form, or `approximate: "tanh"`. */
export const gelu = (o: { approximate?: "none" | "tanh" } = {}): Activation =>
  new Activation("gelu", { approximate: o.approximate ?? "none" });
/** SiLU (swish) layer: x·sigmoid(x). */
export const silu = (): Activation => new Activation("silu");
/** The same layer as {@link silu}. */
export const swish = (): Activation => new Activation("swish");
/** Softplus layer: log(1 + eˣ). */
export const softplus = (): Activation => new Activation("softplus");
/** Hard sigmoid layer: relu6(x + 3) / 6 (Keras 3's definition). */
export const hardSigmoid = (): Activation => new Activation("hardSigmoid");
/** ReLU6 layer: min(max(x, 0), 6). */
export const relu6 = (): Activation => new Activation("relu6");

/** Sum of a list of same-shape inputs. Example: `layers.add().apply([x, shortcut])`. */
export const add = (): Add => new Add();
/** Element-wise product of a list of same-shape inputs. */
export const multiply = (): Multiply => new Multiply();
/** Mean of a list of same-shape inputs. */
export const average = (): Average => new Average();
/** Joins a list of inputs along `axis` (default -1). Example: `layers.concatenate({ axis: -1 })`. */
export const concatenate = (o: ConcatenateOptions = {}): Concatenate => new Concatenate(o);

/** Elman recurrent layer on [batch, time, features]. Example: `layers.simpleRNN({ units: 32 })`. */
export const simpleRNN = (o: RecurrentOptions): SimpleRNN => new SimpleRNN(o);
/**
 * LSTM on [batch, time, features] (Keras gate order i, f, c, o; `unitForgetBias`). Example:
 * `layers.lstm({ units: 128 })`; states: `lstm.applyWithState(x, { initialState: [h, c] })`.
 */
export const lstm = (o: LSTMOptions): LSTM => new LSTM(o);
/** GRU on [batch, time, features] (`resetAfter: true`, Keras' default). */
export const gru = (o: GRUOptions): GRU => new GRU(o);
/** Forward and backward copies of a recurrent layer, merged by `mergeMode` (default "concat"). */
export const bidirectional = (o: BidirectionalOptions): Bidirectional => new Bidirectional(o);

/** Max pooling (Keras name of {@link maxPool2d}). */
export const maxPooling2d = (o: MaxPool2DOptions = {}): MaxPool2D => new MaxPool2D(o);
/** Average pooling on NHWC; padding "same" averages only real pixels, as Keras. */
export const averagePooling2d = (o: AveragePooling2DOptions = {}): AveragePooling2D =>
  new AveragePooling2D(o);
/** Max pooling along time of [batch, time, features]. */
export const maxPooling1d = (o: Pooling1DOptions = {}): MaxPooling1D => new MaxPooling1D(o);
/** Average pooling along time of [batch, time, features]. */
export const averagePooling1d = (o: Pooling1DOptions = {}): AveragePooling1D =>
  new AveragePooling1D(o);
/** Mean over H and W: [batch, H, W, C] → [batch, C]. */
export const globalAveragePooling2d = (o: GlobalPoolingOptions = {}): GlobalAveragePooling2D =>
  new GlobalAveragePooling2D(o);
/** Max over H and W: [batch, H, W, C] → [batch, C]. */
export const globalMaxPooling2d = (o: GlobalPoolingOptions = {}): GlobalMaxPooling2D =>
  new GlobalMaxPooling2D(o);
/** Mean over time: [batch, time, features] → [batch, features]. */
export const globalAveragePooling1d = (o: GlobalPoolingOptions = {}): GlobalAveragePooling1D =>
  new GlobalAveragePooling1D(o);
/** Max over time: [batch, time, features] → [batch, features]. */
export const globalMaxPooling1d = (o: GlobalPoolingOptions = {}): GlobalMaxPooling1D =>
  new GlobalMaxPooling1D(o);
/** Layer normalisation (fused kernels; ε 1e-3 as Keras). */
export const layerNormalization = (o: LayerNormalizationOptions = {}): LayerNormalization =>
  new LayerNormalization(o);
/** Group normalisation over channel groups (Keras 3, channels last). */
export const groupNormalization = (o: GroupNormalizationOptions = {}): GroupNormalization =>
  new GroupNormalization(o);
/** Integer ids → learned vectors. Example: `embedding({ inputDim: 1000, outputDim: 64 })`. */
export const embedding = (o: EmbeddingOptions): Embedding => new Embedding(o);
/**
 * Skips padded steps of a float sequence (those whose features all equal `maskValue`, default 0)
 * in the recurrent, 1-D pooling and attention layers after it. Example: `masking({ inputShape: [T, F] })`.
 */
export const masking = (o: MaskingOptions = {}): Masking => new Masking(o);
/** Reshapes each sample. Example: `reshape({ targetShape: [7, -1] })`. */
export const reshape = (o: ReshapeOptions): Reshape => new Reshape(o);
/** Reorders the sample axes, 1-based like Keras. Example: `permute({ dims: [2, 1] })`. */
export const permute = (o: PermuteOptions): Permute => new Permute(o);
/** [batch, features] → [batch, n, features]. */
export const repeatVector = (o: RepeatVectorOptions): RepeatVector => new RepeatVector(o);
/** Zeros around each image. Example: `zeroPadding2d({ padding: [[1, 0], [2, 2]] })`. */
export const zeroPadding2d = (o: ZeroPadding2DOptions = {}): ZeroPadding2D => new ZeroPadding2D(o);
/** Crops the edges of each image. Example: `cropping2d({ cropping: 2 })`. */
export const cropping2d = (o: Cropping2DOptions = {}): Cropping2D => new Cropping2D(o);
/** Nearest-neighbour upsampling. Example: `upSampling2d({ size: 2 })`. */
export const upSampling2d = (o: UpSampling2DOptions = {}): UpSampling2D => new UpSampling2D(o);

/**
 * Keras 3 multi-head attention on [batch, time, features]. Example:
 * `layers.multiHeadAttention({ numHeads: 4, keyDim: 16 }).apply([query, value])`; masks:
 * `mha.applyAttention(query, { value, attentionMask, useCausalMask: true })`.
 */
export const multiHeadAttention = (o: MultiHeadAttentionOptions): MultiHeadAttention =>
  new MultiHeadAttention(o);

export {
  Activation,
  Add,
  Average,
  AveragePooling1D,
  AveragePooling2D,
  BatchNorm,
  Bidirectional,
  Concatenate,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  Dropout,
  Embedding,
  Flatten,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GroupNormalization,
  GRU,
  LayerNormalization,
  LSTM,
  Masking,
  MaxPool2D,
  MaxPooling1D,
  MultiHeadAttention,
  Multiply,
  Permute,
  RepeatVector,
  Reshape,
  SeparableConv2D,
  SimpleRNN,
  UpSampling2D,
  ZeroPadding2D,
};
