import type { KernelConfig } from "../../kernel_registry.ts";
import type { LayerNormAttrs } from "../../ops/layer_norm.ts";
import type { TensorInfo } from "../../op.ts";
import { sizeOf } from "../../shape.ts";
import { f, type GpuKernel, u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/**
 * WGSL kernels of layerNorm and layerNormGrad (kernels/ops/layer_norm.ts): one workgroup of 64
 * per row; each invocation sums a strided part of the row and a tree in workgroup memory adds
 * the parts, so a row's statistics cost log2(64) barriers, not a pass per element.
 */

const RW = 64;
const MAX_GROUPS = 65535;

/**
 * A row kernel: `body` runs in every invocation `t` of the row's workgroup with `base` (the
 * row's first element), `live` (false for the padding workgroups of the grid, which still take
 * part in the barriers) and `rowSum_(v)` (the sum over the workgroup of each invocation's v).
 */
function rowKernel(x: TensorInfo, body: string): GpuKernel {
  const d = x.shape[x.shape.length - 1];
  const rows = sizeOf(x.shape) / d;
  const gx = Math.min(Math.max(rows, 1), MAX_GROUPS);
  return {
    code: `var<workgroup> part_: array<f32, ${RW}>;
var<private> t_: u32;
fn rowSum_(v: f32) -> f32 {
  part_[t_] = v;
  workgroupBarrier();
  for (var s = ${u(RW / 2)}; s > 0u; s = s / 2u) {
    if (t_ < s) { part_[t_] = part_[t_] + part_[t_ + s]; }
    workgroupBarrier();
  }
  let r = part_[0];
  workgroupBarrier();
  return r;
}
@compute @workgroup_size(${RW})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  t_ = t;
  let row = wg.x + wg.y * ${u(gx)};
  let live = row < ${u(rows)};
  let base = row * ${u(d)};
  let n = select(0u, ${u(d)}, live);
  var s = 0.0;
  for (var j = t; j < n; j += ${u(RW)}) { s += in0[base + j]; }
  let mean = rowSum_(s) / ${f(d)};
  var q = 0.0;
  for (var j = t; j < n; j += ${u(RW)}) { let c = in0[base + j] - mean; q += c * c; }
  let rstd = 1.0 / sqrt(rowSum_(q) / ${f(d)} + EPS_);
  ${body}
}`,
    workgroups: [gx, Math.ceil(Math.max(rows, 1) / gx)],
  };
}

const layerNorm: WebGpuKernelFn<LayerNormAttrs> = ([x], { epsilon }) => {
  const k = rowKernel(
    x,
    `for (var j = t; j < n; j += ${u(RW)}) { out[base + j] = (in0[base + j] - mean) * rstd; }`,
  );
  return { ...k, code: `const EPS_ = ${f(epsilon)};\n${k.code}` };
};

// The CPU reference's formula: rstd·(dy − mean(dy) − x̂·mean(dy·x̂)).
const layerNormGrad: WebGpuKernelFn<LayerNormAttrs> = ([x], { epsilon }) => {
  const d = f(x.shape[x.shape.length - 1]);
  const k = rowKernel(
    x,
    `var g = 0.0;
  var gx = 0.0;
  for (var j = t; j < n; j += ${u(RW)}) {
    g += in1[base + j];
    gx += in1[base + j] * (in0[base + j] - mean) * rstd;
  }
  let mg = rowSum_(g) / ${d};
  let mgx = rowSum_(gx) / ${d};
  for (var j = t; j < n; j += ${u(RW)}) {
    let xhat = (in0[base + j] - mean) * rstd;
    out[base + j] = rstd * (in1[base + j] - mg - xhat * mgx);
  }`,
  );
  return { ...k, code: `const EPS_ = ${f(epsilon)};\n${k.code}` };
};

/** The registry entries of this file's kernels. */
export const layerNormWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("layerNorm", layerNorm),
  webgpuKernel("layerNormGrad", layerNormGrad),
];
