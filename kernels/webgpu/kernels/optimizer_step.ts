import type { KernelConfig } from "../../kernel_registry.ts";
import type { UpdateAttrs, UpdateKind } from "../../ops/optimizer_step.ts";
import { elementwise, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/** WGSL kernel of the fused optimiser update (kernels/ops/optimizer_step.ts). */

/** The rule for one element in WGSL: statements over p, g, s0, s1 (state) ending in `np`. */
function wgslRule(kind: UpdateKind): string {
  const gd = "let gd = g + wd * p;";
  switch (kind) {
    case "sgd":
      return `${gd} let np = p - lr * gd;`;
    case "momentum":
      return `${gd} s0 = a * s0 + gd; let np = p - lr * s0;`;
    case "nesterov":
      return `${gd} s0 = a * s0 + gd; let np = p - lr * (gd + a * s0);`;
    case "ema":
      return "s0 = a * s0 + (1.0 - a) * g; let np = p - lr * (s0 + wd * p);";
    case "rmsprop":
      return `${gd} s0 = a * s0 + (1.0 - a) * gd * gd; let np = p - lr * gd / (sqrt(s0) + eps);`;
    case "adam":
      return `${gd} s0 = a * s0 + (1.0 - a) * gd; s1 = b * s1 + (1.0 - b) * gd * gd; ` +
        "let np = p - lr * (s0 * c1) / (sqrt(s1 * c2) + eps);";
  }
}

/** The registry entries of this file's kernels. */
export const optimizerStepWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel<UpdateAttrs>("optimizerStep", (inputs, h, out) => {
    const n = out.shape.reduce((x, y) => x * y, 1);
    const slots = inputs.length - 2;
    const load = Array.from({ length: slots }, (_, k) => `var s${k} = in${k + 2}[i];`).join(" ");
    const store = Array.from({ length: slots }, (_, k) => `in${k + 2}[i] = s${k};`).join(" ");
    return {
      ...elementwise(
        n,
        `let p = in0[i]; let g = in1[i]; ${load}
  let lr = pf(0); let wd = pf(1); let a = pf(2); let b = pf(3); let eps = pf(4);
  let c1 = pf(5); let c2 = pf(6);
  ${wgslRule(h.kind)}
  ${store}
  out[i] = np;`,
      ),
      f32: [h.lr, h.wd, h.a, h.b, h.eps, h.c1, h.c2],
    };
  }),
];
