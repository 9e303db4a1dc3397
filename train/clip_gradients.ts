import {
  add,
  addScalar,
  div,
  mulScalar,
  neg,
  powScalar,
  relu,
  rsubScalar,
  sqrt,
  square,
  sub,
  sum,
} from "../kernels/ops/mod.ts";
import type { Tensor } from "../kernels/tensor.ts";

/**
 * Gradient clipping with Keras' three options, applied to the gradients before an optimiser's
 * update rule. All of it is tensor ops on the gradients' device: no readback, so a step stays
 * one submit on WebGPU.
 */

/** The clipping options every optimiser takes (Keras' `clipnorm`, `clipvalue`, `global_clipnorm`). */
export interface ClipOptions {
  /** Each gradient is scaled so that its own L2 norm is at most this: g·c/max(‖g‖, c). */
  clipNorm?: number;
  /** Each gradient element is clipped to [−c, c]. */
  clipValue?: number;
  /** All gradients are scaled together so that their joint L2 norm is at most this. */
  globalClipNorm?: number;
}

/** Checks the options: positive numbers, at most one of them set (as Keras requires). */
export function checkClipOptions(name: string, o: ClipOptions): void {
  const set = (["clipNorm", "clipValue", "globalClipNorm"] as const).filter((k) =>
    o[k] !== undefined
  );
  if (set.length > 1) {
    throw new Error(
      `${name}: only one of clipNorm, clipValue and globalClipNorm can be set, got ${
        set.join(" and ")
      }; pick one (Keras has the same rule)`,
    );
  }
  for (const k of set) {
    const v = o[k]!;
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new Error(`${name}: ${k} must be a positive finite number, got ${v}`);
    }
  }
}

/**
 * max(n, c) written n + relu(c − n), so no constant tensor is uploaded per step (a number
 * operand of `maximum` would be): exact where n ≥ c, within an ulp of c below.
 */
function atLeast(n: Tensor, c: number): Tensor {
  return add(n, relu(rsubScalar(n, c)));
}

/** g·c / max(‖g‖, c): unchanged when ‖g‖ ≤ c, else rescaled to norm c (Keras' clip_by_norm). */
export function clipByNorm(g: Tensor, c: number): Tensor {
  return div(mulScalar(g, c), atLeast(sqrt(sum(square(g))), c));
}

/** Each element clipped to [−c, c], as g − relu(g − c) + relu(−g − c): exact inside. */
export function clipByValue(g: Tensor, c: number): Tensor {
  return add(sub(g, relu(addScalar(g, -c))), relu(addScalar(neg(g), -c)));
}

/**
 * The factor c / max(‖(g₁, g₂, …)‖, c) that scales every gradient for global-norm clipping
 * (Keras' clip_by_global_norm), as a scalar tensor.
 */
export function globalNormScale(grads: Tensor[], c: number): Tensor {
  const total = grads.map((g) => sum(square(g))).reduce((a, b) => add(a, b));
  return mulScalar(powScalar(atLeast(sqrt(total), c), -1), c);
}
