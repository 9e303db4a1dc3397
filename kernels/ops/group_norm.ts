import { fmtShape, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { layerNorm } from "./layer_norm.ts";
import { permute } from "./shape_ops.ts";

/**
 * Group normalisation on channels-last tensors (Keras 3 GroupNormalization): the channels are
 * split into `groups` groups of consecutive channels, and each sample's group is normalised
 * over its spatial positions and channels together. Written as the fused layerNorm over
 * [sample·group, positions·channels-of-group] rows, so it shares that op's kernels.
 */
export function groupNorm(
  x: Tensor,
  { groups, epsilon = 1e-3 }: { groups: number; epsilon?: number },
): Tensor {
  const c = x.shape[x.rank - 1];
  if (x.rank < 2) {
    throw new Error(`groupNorm: needs [batch, …, channels], got ${fmtShape(x.shape)}`);
  }
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) {
    throw new Error(
      `groupNorm: groups must be a whole number ≥ 1 that divides the ${c} channels, got ${groups}`,
    );
  }
  const n = x.shape[0], s = sizeOf(x.shape.slice(1, -1)), cg = c / groups;
  // [n, s, g, cg] → [n, g, s, cg]: each group's values contiguous, one row per (sample, group).
  const grouped = permute(x.reshape([n, s, groups, cg]), [0, 2, 1, 3]);
  const y = layerNorm(grouped.reshape([n, groups, s * cg]), { epsilon });
  return permute(y.reshape([n, groups, s, cg]), [0, 2, 1, 3]).reshape(x.shape);
}
