import type { BindingLimits } from "../kernels/backend.ts";
import type { Tensor } from "../kernels/tensor.ts";

/** One parameter's update: θ, its (clipped) gradient and the optimiser's state for it. */
export interface ParameterUpdate {
  p: Tensor;
  g: Tensor;
  state: Tensor[];
}

/**
 * Splits a step's updates into groups for one fused kernel each (optimizerStepGroup) and those
 * left to one kernel each: a group takes as many parameters as `limits.storageBuffers` binds
 * (`block` buffers per parameter, plus the kernel's output), in order; a parameter joins one
 * only if θ and its state own their storage (the group updates them in place), every tensor
 * fits one binding and it shares the first member's dtype. A group of one stays single.
 * Example: `groupUpdates(items, 3, { storageBuffers: 7, bindingBytes: 2 ** 27 })` pairs them.
 */
export function groupUpdates(
  items: ParameterUpdate[],
  block: number,
  limits: BindingLimits,
): { groups: ParameterUpdate[][]; single: ParameterUpdate[] } {
  const perGroup = Math.floor((limits.storageBuffers - 1) / block);
  const single: ParameterUpdate[] = [];
  const groups: ParameterUpdate[][] = [];
  let cur: ParameterUpdate[] = [];
  const close = () => {
    if (cur.length > 1) groups.push(cur);
    else single.push(...cur);
    cur = [];
  };
  for (const u of items) {
    const fits = perGroup >= 2 && u.p.size * 4 <= limits.bindingBytes &&
      [u.p, ...u.state].every((t) => t.ref.refs === 1) && u.g.dtype === u.p.dtype;
    if (!fits) {
      single.push(u);
      continue;
    }
    if (cur.length && (cur.length === perGroup || cur[0].p.dtype !== u.p.dtype)) close();
    cur.push(u);
  }
  close();
  return { groups, single };
}
