import { embeddingLookup, notEqual } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { type Tensor, variable } from "../kernels/tensor.ts";
import { initialize, type InitializerName } from "./initializers.ts";
import { type CallContext, Layer, type NamedTensor } from "./module.ts";
import { checkOptions } from "./validate.ts";
import type { Mask } from "./mask.ts";
import { cachedScalar } from "../kernels/ops/cached_scalar.ts";

/** Options of {@link Embedding} (Keras names). */
export interface EmbeddingOptions {
  /** Vocabulary size: ids lie in [0, inputDim). */
  inputDim: number;
  /** Length of each embedding vector. */
  outputDim: number;
  /** Id 0 is padding: {@link Embedding.computeMask} marks it (Keras mask_zero). */
  maskZero?: boolean;
  /** Default "randomUniform" (±0.05), as Keras. */
  embeddingsInitializer?: InitializerName;
  /** The ids' shape without the batch axis, e.g. [sequenceLength]. */
  inputShape?: number[];
}

/**
 * Turns integer ids into dense vectors: [batch, …] ids → [batch, …, outputDim] rows of a
 * learned [inputDim, outputDim] table; the table's gradient is a scatter-add of dy's rows, and
 * an id outside [0, inputDim) is an error (gather's) on every backend.
 */
export class Embedding extends Layer {
  embeddings?: Tensor;
  constructor(readonly opts: EmbeddingOptions) {
    super("embedding", opts.inputShape);
    checkOptions("embedding", {
      inputDim: [opts.inputDim, "int≥1", "required"],
      outputDim: [opts.outputDim, "int≥1", "required"],
    });
  }
  outputShape(s: number[]): number[] {
    return [...s, this.opts.outputDim];
  }
  override build(_s: number[], rng: Rng): void {
    const init = this.opts.embeddingsInitializer ?? "randomUniform";
    const table = initialize(init, [this.opts.inputDim, this.opts.outputDim], rng);
    this.embeddings = variable(table, `${this.name}/embeddings`);
    this.built = true;
  }
  call(ids: Tensor, _ctx: CallContext): Tensor {
    return embeddingLookup(this.embeddings!, ids);
  }
  /**
   * With `maskZero`, a bool-like mask of `ids`' shape: 1 where the id is not 0 (Keras'
   * compute_mask), which models pass to the recurrent, pooling and attention layers after it;
   * undefined otherwise.
   */
  override computeMask(ids: Tensor, _mask?: Mask): Tensor | undefined {
    return this.opts.maskZero ? notEqual(ids, cachedScalar(0, ids.dtype)) : undefined;
  }
  override weights(): NamedTensor[] {
    if (!this.embeddings) return [];
    return [{ name: `${this.name}/embeddings`, tensor: this.embeddings, trainable: true }];
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): EmbeddingOptions {
    return structuredClone(this.opts);
  }
}
