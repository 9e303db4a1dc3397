import type { KernelConfig } from "../kernel_registry.ts";
import type { UpdateAttrs } from "../ops/optimizer_step.ts";
import { getUpdateRule } from "../optim/update_rule.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";

/**
 * Fast CPU optimiser update: the rule's statements compiled to one loop
 * (kernels/optim/update_rule.ts), instead of the reference's closures over the parsed
 * statements per element. Same expression trees in float64, values rounded only when stored, so
 * results equal the reference bit for bit.
 */
const optimizerStepFast: CpuKernel = (inputs, attrs, out) => {
  const { rule, hyper } = attrs as UpdateAttrs;
  getUpdateRule(rule).fast(inputs, hyper, out);
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const optimizerFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("optimizerStep", optimizerStepFast, { overwrites: true }),
];
