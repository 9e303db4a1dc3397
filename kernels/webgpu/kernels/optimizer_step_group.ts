import type { KernelConfig } from "../../kernel_registry.ts";
import { type GroupAttrs, groupBlock } from "../../ops/optimizer_step_group.ts";
import { getUpdateRule } from "../../optim/update_rule.ts";
import { sizeOf } from "../../shape.ts";
import { elementwise, u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/**
 * WGSL kernel of optimizerStepGroup (kernels/ops/optimizer_step_group.ts): one invocation per
 * element of all the group's parameters laid end to end; each finds its parameter by range and
 * runs the rule's statements on that parameter's bindings, θ written in place.
 */

/** The registry entries of this file's kernels. */
export const optimizerStepGroupWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel<GroupAttrs>("optimizerStepGroup", (inputs, { rule, hyper, count }) => {
    const r = getUpdateRule(rule), block = groupBlock(rule);
    let start = 0;
    const parts: string[] = [];
    for (let b = 0; b < count; b++) {
      const n = sizeOf(inputs[b * block].shape);
      const arrays = Array.from({ length: block }, (_, k) => `in${b * block + k}`);
      parts.push(`if (i < ${u(start + n)}) {
  let j = i - ${u(start)};
  ${r.wgslAt(arrays, arrays[0], "j")}
  return;
}`);
      start += n;
    }
    // At least one invocation, which writes the count (the output must be bound and written).
    const k = elementwise(
      Math.max(start, 1),
      `if (i == 0u) { out[0] = ${count}.0; }\n${parts.join("\n")}`,
    );
    return { ...k, f32: r.hyper.map((h) => hyper[h]) };
  }),
];
