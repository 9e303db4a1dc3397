import type { Tensor } from "../kernels/tensor.ts";

/**
 * The parameters an optimiser was first stepped with. Its step count (Adam's bias correction,
 * the learning-rate schedule) and its state belong to one model, so stepping it with another
 * model's parameters would silently use the wrong step count: that is refused instead.
 */
export class ParameterOwner {
  #known?: WeakSet<Tensor>;

  /** Records `params` on the first call; later calls may pass them or a subset, nothing new. */
  check(optimizer: string, params: Tensor[]): void {
    if (!this.#known) {
      this.#known = new WeakSet(params);
      return;
    }
    const known = this.#known;
    const stranger = params.find((p) => !known.has(p));
    if (stranger) {
      throw new Error(
        `${optimizer}: this optimiser already trains another set of parameters, and ` +
          `${stranger.name ?? "a parameter"} is not one of them (one optimiser shared by two ` +
          `models would mix their step counts); create one optimiser per model`,
      );
    }
  }
}
