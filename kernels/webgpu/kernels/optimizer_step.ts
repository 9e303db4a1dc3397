import type { KernelConfig } from "../../kernel_registry.ts";
import type { UpdateAttrs } from "../../ops/optimizer_step.ts";
import { getUpdateRule } from "../../optim/update_rule.ts";
import { sizeOf } from "../../shape.ts";
import { elementwise, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/**
 * WGSL kernel of the fused optimiser update (kernels/ops/optimizer_step.ts): the rule's WGSL
 * body, one invocation per element, hyperparameters as dynamic parameters so a scheduled
 * learning rate or bias correction never compiles a new pipeline.
 */

/** The registry entries of this file's kernels. */
export const optimizerStepWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel<UpdateAttrs>("optimizerStep", (_inputs, { rule, hyper }, out) => {
    const r = getUpdateRule(rule);
    return { ...elementwise(sizeOf(out.shape), r.wgsl), f32: r.hyper.map((h) => hyper[h]) };
  }),
];
