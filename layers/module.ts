import type { Rng } from "../kernels/random.ts";
import { type Tensor, variable } from "../kernels/tensor.ts";
import { initialize, type InitializerName } from "./initializers.ts";

/** Per-call context: training mode switches dropout and batch-norm behaviour. */
export interface CallContext {
  training: boolean;
}

/** A named tensor a layer owns: a trainable parameter or non-trainable state (BN statistics). */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
  trainable: boolean;
}

/**
 * Base class of every layer. Shapes exclude the batch axis. A layer is built once for an input
 * shape (creating its parameters from the model's seeded generator) and then called on batches.
 */
export abstract class Layer {
  /** Unique within a model after `Sequential` names it ("dense_1"). */
  name: string;
  /** Input shape without batch axis, when given by the user (first layer). */
  readonly inputShape?: number[];
  protected built = false;

  constructor(kind: string, inputShape?: number[]) {
    this.name = kind;
    this.inputShape = inputShape;
  }

  /** Output shape (without batch) for an input shape; throws a clear error on a mismatch. */
  abstract outputShape(inputShape: number[]): number[];

  /** Creates parameters for `inputShape`; layers without parameters need not override. */
  build(_inputShape: number[], _rng: Rng): void {
    this.built = true;
  }

  /** The forward computation on a batch. */
  abstract call(x: Tensor, ctx: CallContext): Tensor;

  /** Trainable parameters and state tensors, in a stable order. */
  weights(): NamedTensor[] {
    return [];
  }

  /** Free the layer's tensors. */
  dispose(): void {
    for (const w of this.weights()) w.tensor.dispose();
  }

  /** Whether `build` ran. */
  get isBuilt(): boolean {
    return this.built;
  }
}

/** The kernel and optional bias of a dense or conv layer, created and named in one place. */
export class KernelAndBias {
  readonly kernel: Tensor;
  readonly bias?: Tensor;
  constructor(
    layerName: string,
    kernelShape: number[],
    units: number,
    opts: {
      kernelInitializer?: InitializerName;
      biasInitializer?: InitializerName;
      useBias?: boolean;
    },
    rng: Rng,
  ) {
    const init = opts.kernelInitializer ?? "glorotUniform";
    this.kernel = variable(initialize(init, kernelShape, rng), `${layerName}/kernel`);
    if (opts.useBias ?? true) {
      const b = initialize(opts.biasInitializer ?? "zeros", [units], rng);
      this.bias = variable(b, `${layerName}/bias`);
    }
  }
  /** The named tensors, for `Layer.weights()`. */
  weights(): NamedTensor[] {
    const w: NamedTensor[] = [{ name: this.kernel.name!, tensor: this.kernel, trainable: true }];
    if (this.bias) w.push({ name: this.bias.name!, tensor: this.bias, trainable: true });
    return w;
  }
}
