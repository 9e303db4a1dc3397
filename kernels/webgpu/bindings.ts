import type { DType } from "../dtype.ts";
import { flagWgsl } from "./index_error_flag.ts";
import { type GpuKernel, wgslType } from "./wgsl.ts";

/**
 * The WGSL a kernel runs as: its binding declarations followed by its code. Inputs are
 * `in0…` (read-only storage, read-write for inputs the op updates in place, `vec4` arrays for
 * `vec4Inputs`), then `out`, then, when the kernel has dynamic parameters, the uniform slot `P_`
 * with the accessors `pf(i)` (f32 parameters first) and `pu(i)` (u32 parameters after them),
 * and for kernels with `indexErrors` the error flag `err_` at binding {@link flagBinding}.
 */

/** Dynamic parameters one kernel may take: one 256-byte uniform slot of 32-bit words. */
export const MAX_PARAMS = 64;

/** Full WGSL source of `kernel` over inputs of `inputTypes` writing an `outType` output. */
export function kernelSource(
  kernel: GpuKernel,
  inputTypes: DType[],
  outType: "f32" | "i32",
  mutates: number[] = [],
): string {
  const nf = kernel.f32?.length ?? 0, nu = kernel.u32?.length ?? 0;
  if (nf + nu > MAX_PARAMS) {
    throw new Error(`webgpu: a kernel takes at most ${MAX_PARAMS} parameters, got ${nf + nu}`);
  }
  const n = inputTypes.length;
  const decls = inputTypes.map((dt, i) =>
    `@group(0) @binding(${i}) var<storage, ${mutates.includes(i) ? "read_write" : "read"}> ` +
    `in${i}: array<${kernel.vec4Inputs?.includes(i) ? `vec4<${wgslType(dt)}>` : wgslType(dt)}>;`
  );
  decls.push(`@group(0) @binding(${n}) var<storage, read_write> out: array<${outType}>;`);
  if (nf + nu > 0) {
    decls.push(
      `@group(0) @binding(${n + 1}) var<uniform> P_: array<vec4u, 16>;`,
      `fn pf(i: u32) -> f32 { return bitcast<f32>(P_[i / 4u][i % 4u]); }`,
      `fn pu(i: u32) -> u32 { let j = i + ${nf}u; return P_[j / 4u][j % 4u]; }`,
    );
  }
  if (kernel.indexErrors) decls.push(flagWgsl(flagBinding(n)));
  return `${decls.join("\n")}\n${kernel.code}`;
}

/** The binding of the index error flag in a kernel with `inputs` inputs. */
export function flagBinding(inputs: number): number {
  return inputs + 2;
}
