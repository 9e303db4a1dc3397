import { add, mul } from "../kernels/ops/mod.ts";
import { fill, type Tensor, variable, zeros } from "../kernels/tensor.ts";
import type { NamedTensor } from "./module.ts";

/**
 * The learned scale gamma (ones) and offset beta (zeros) of a normalisation layer, each left
 * out when its Keras flag (`scale`, `center`) is false.
 */
export interface ScaleOffset {
  gamma?: Tensor;
  beta?: Tensor;
}

/** New gamma and beta of `shape` named after `layer`. */
export function createScaleOffset(
  layer: string,
  shape: number[],
  { scale = true, center = true }: { scale?: boolean; center?: boolean },
): ScaleOffset {
  return {
    gamma: scale ? variable(fill(shape, 1), `${layer}/gamma`) : undefined,
    beta: center ? variable(zeros(shape), `${layer}/beta`) : undefined,
  };
}

/** y·gamma + beta, gamma and beta viewed as `shape` (size-1 axes broadcast) when given. */
export function applyScaleOffset(y: Tensor, { gamma, beta }: ScaleOffset, shape?: number[]) {
  if (gamma) y = mul(y, shape ? gamma.reshape(shape) : gamma);
  if (beta) y = add(y, shape ? beta.reshape(shape) : beta);
  return y;
}

/** gamma and beta as the layer's weights, in that order. */
export function scaleOffsetWeights(layer: string, { gamma, beta }: ScaleOffset): NamedTensor[] {
  const out: NamedTensor[] = [];
  if (gamma) out.push({ name: `${layer}/gamma`, tensor: gamma, trainable: true });
  if (beta) out.push({ name: `${layer}/beta`, tensor: beta, trainable: true });
  return out;
}
