import { dropoutMask, mul } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer } from "./module.ts";
import { checkOptions } from "./validate.ts";

/**
 * Inverted dropout: in training, zeroes each unit with probability `rate` and scales survivors
 * by 1/(1−rate); in evaluation, the identity. Masks are seeded (model seed + call count), so a
 * run is reproducible.
 */
export class Dropout extends Layer {
  #seed = 0;
  #calls = 0;
  constructor(readonly rate: number) {
    super("dropout");
    checkOptions("dropout", { rate: [rate, "[0,1)", "required"] });
  }
  outputShape(s: number[]): number[] {
    return s;
  }
  /** Passes its input's mask on (Keras supports_masking). */
  override get supportsMasking(): boolean {
    return true;
  }

  override build(_s: number[], rng: Rng): void {
    this.#seed = Math.floor(rng.uniform() * 2 ** 31);
    this.built = true;
  }
  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const seed = (this.#seed + Math.imul(++this.#calls, 0x9e3779b1)) >>> 0;
    return mul(x, dropoutMask(x.shape, this.rate, seed, x.dtype));
  }
  /** Its mask seed and call count, which `fit`'s resumable checkpoint saves and restores. */
  randomState(): number[] {
    return [this.#seed, this.#calls];
  }
  /** Restores {@link Dropout.randomState}, so the next masks continue the saved run's. */
  setRandomState(s: number[]): void {
    [this.#seed, this.#calls] = s;
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): { rate: number } {
    return { rate: this.rate };
  }
}
