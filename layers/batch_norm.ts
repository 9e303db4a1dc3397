import { noGrad } from "../kernels/engine.ts";
import {
  add,
  batchNormApply,
  batchNormTrain,
  batchVariance,
  mean,
  mul,
} from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fill, type Tensor, variable, zeros } from "../kernels/tensor.ts";
import { keep } from "../kernels/engine.ts";
import { type CallContext, Layer, type NamedTensor } from "./module.ts";
import { checkOptions } from "./validate.ts";

/** Options of {@link BatchNorm} (Keras defaults). */
export interface BatchNormOptions {
  momentum?: number;
  epsilon?: number;
}

/**
 * Batch normalisation over every axis but the last (channels): in training, normalises with
 * the batch's statistics and updates running averages; in evaluation, uses the running ones.
 * Training is one fused op (kernels/ops/batch_norm.ts `batchNormTrain`, whose gradient runs
 * through the batch statistics); the running averages are updated outside the graph.
 */
export class BatchNorm extends Layer {
  gamma?: Tensor;
  beta?: Tensor;
  movingMean?: Tensor;
  movingVar?: Tensor;
  readonly momentum: number;
  readonly epsilon: number;
  constructor(opts: BatchNormOptions = {}) {
    super("batch_normalization");
    checkOptions("batchNorm", {
      momentum: [opts.momentum, "[0,1)"],
      epsilon: [opts.epsilon, ">0"],
    });
    this.momentum = opts.momentum ?? 0.99;
    this.epsilon = opts.epsilon ?? 1e-3;
  }
  outputShape(s: number[]): number[] {
    return s;
  }
  override build(s: number[], _rng: Rng): void {
    const c = s[s.length - 1];
    this.gamma = variable(fill([c], 1), `${this.name}/gamma`);
    this.beta = variable(zeros([c]), `${this.name}/beta`);
    this.movingMean = keep(zeros([c]));
    this.movingVar = keep(fill([c], 1));
    this.built = true;
  }
  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training) {
      const [m, v] = [this.movingMean!, this.movingVar!];
      return batchNormApply(x, m, v, this.gamma!, this.beta!, this.epsilon);
    }
    noGrad(() => {
      const m = mean(x, [...Array(x.rank - 1).keys()]);
      const v = batchVariance(x, m);
      const mo = this.momentum;
      this.movingMean!.assign(add(mul(this.movingMean!, mo), mul(m, 1 - mo)));
      this.movingVar!.assign(add(mul(this.movingVar!, mo), mul(v, 1 - mo)));
    });
    return batchNormTrain(x, this.gamma!, this.beta!, this.epsilon);
  }
  override weights(): NamedTensor[] {
    if (!this.built) return [];
    return [
      { name: `${this.name}/gamma`, tensor: this.gamma!, trainable: true },
      { name: `${this.name}/beta`, tensor: this.beta!, trainable: true },
      { name: `${this.name}/moving_mean`, tensor: this.movingMean!, trainable: false },
      { name: `${this.name}/moving_variance`, tensor: this.movingVar!, trainable: false },
    ];
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): BatchNormOptions {
    return { momentum: this.momentum, epsilon: this.epsilon };
  }
}
