import { Activation, type ActivationName } from "./activations.ts";
import { BatchNorm, type BatchNormOptions } from "./batch_norm.ts";
import { Conv2D, type Conv2DOptions } from "./conv2d.ts";
import { Dense, type DenseOptions } from "./dense.ts";
import { Dropout } from "./dropout.ts";
import { Flatten } from "./flatten.ts";
import { MaxPool2D, type MaxPool2DOptions } from "./pooling.ts";
import { Bidirectional, type BidirectionalOptions } from "./bidirectional.ts";
import {
  GRU,
  type GRUOptions,
  LSTM,
  type LSTMOptions,
  type RecurrentOptions,
  SimpleRNN,
} from "./recurrent.ts";
import { Add, Average, Concatenate, type ConcatenateOptions, Multiply } from "./merge.ts";

/**
 * Layer factories with Keras names. Example:
 * `layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1] })`.
 */

/** Fully connected layer. */
export const dense = (o: DenseOptions): Dense => new Dense(o);
/** 2-D convolution (NHWC). */
export const conv2d = (o: Conv2DOptions): Conv2D => new Conv2D(o);
/** Max pooling. */
export const maxPool2d = (o: MaxPool2DOptions = {}): MaxPool2D => new MaxPool2D(o);
/** Flattens all but the batch axis. */
export const flatten = (o: { inputShape?: number[] } = {}): Flatten => new Flatten(o.inputShape);
/** Inverted dropout with `rate`. */
export const dropout = (o: { rate: number } | number): Dropout =>
  new Dropout(typeof o === "number" ? o : o.rate);
/** Batch normalisation over the channel axis. */
export const batchNorm = (o: BatchNormOptions = {}): BatchNorm => new BatchNorm(o);
/** An activation as its own layer. */
export const activation = (name: ActivationName): Activation => new Activation(name);
/** ReLU layer. */
export const relu = (): Activation => new Activation("relu");
/** Sigmoid layer. */
export const sigmoid = (): Activation => new Activation("sigmoid");
/** Tanh layer. */
export const tanh = (): Activation => new Activation("tanh");
/** Softmax layer. */
export const softmax = (): Activation => new Activation("softmax");

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

export {
  Activation,
  Add,
  Average,
  BatchNorm,
  Bidirectional,
  Concatenate,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  GRU,
  LSTM,
  MaxPool2D,
  Multiply,
  SimpleRNN,
};
