import type { KernelConfig } from "../../kernel_registry.ts";
import type { TensorInfo } from "../../op.ts";
import { sizeOf } from "../../shape.ts";
import {
  elementwise,
  f,
  type GpuKernel,
  reduction,
  u,
  webgpuKernel,
  type WebGpuKernelFn,
} from "../wgsl.ts";

/**
 * WGSL kernels of batch normalisation (kernels/ops/batch_norm.ts): batchVariance as a
 * reduction, batchNormApply and batchNormInputGrad elementwise; batchNormTrain and
 * batchNormGradStats one workgroup per channel, which sums its strided share of the rows and
 * adds the shares in a tree in workgroup memory, as layer_norm.ts does per row. Formulas as the
 * CPU reference's (ops/batch_norm_passes.ts).
 */

const CW = 64;
const MAX_GROUPS = 65535;

/** Channels (last axis) and the rows every channel reduces over; the shape rule checked them. */
function channelsOf(x: TensorInfo): { c: number; rows: number } {
  const c = x.shape[x.shape.length - 1];
  return { c, rows: sizeOf(x.shape) / c };
}

/**
 * A channel kernel: `body` runs in every invocation `t` of channel `ch`'s workgroup with `n`
 * (the rows, 0 in the padding workgroups of the grid, which still take part in the barriers),
 * `at(r)` (the index of row r of the channel), `mean`, `rstd` (x = in0's statistics) and
 * `chSum_(v)` (the sum over the workgroup of each invocation's v).
 */
function channelKernel(x: TensorInfo, epsilon: number, body: string): GpuKernel {
  const { c, rows } = channelsOf(x);
  const gx = Math.min(Math.max(c, 1), MAX_GROUPS);
  // With no rows nothing is normalised; 1 keeps the divisions finite.
  const nf = f(Math.max(rows, 1));
  return {
    code: `const EPS_ = ${f(epsilon)};
var<workgroup> part_: array<f32, ${CW}>;
var<private> t_: u32;
fn chSum_(v: f32) -> f32 {
  part_[t_] = v;
  workgroupBarrier();
  for (var s = ${u(CW / 2)}; s > 0u; s = s / 2u) {
    if (t_ < s) { part_[t_] = part_[t_] + part_[t_ + s]; }
    workgroupBarrier();
  }
  let r = part_[0];
  workgroupBarrier();
  return r;
}
@compute @workgroup_size(${CW})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  t_ = t;
  let ch = wg.x + wg.y * ${u(gx)};
  let live = ch < ${u(c)};
  let n = select(0u, ${u(rows)}, live);
  var s = 0.0;
  for (var r = t; r < n; r += ${u(CW)}) { s += in0[r * ${u(c)} + ch]; }
  let mean = chSum_(s) / ${nf};
  var q = 0.0;
  for (var r = t; r < n; r += ${u(CW)}) { let d = in0[r * ${u(c)} + ch] - mean; q += d * d; }
  let rstd = 1.0 / sqrt(chSum_(q) / ${nf} + EPS_);
  ${body}
}`,
    workgroups: [gx, Math.ceil(Math.max(c, 1) / gx)],
  };
}

const stride = (x: TensorInfo) => u(channelsOf(x).c);

/** The registry entries of this file's kernels. */
export const batchNormWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("batchVariance", ([x]) => {
    const { c, rows } = channelsOf(x);
    return reduction({
      outputs: c,
      reduced: rows,
      accType: "f32",
      init: "var acc = 0.0;",
      load: `in0[r * ${u(c)} + o] - in1[o]`,
      step: "acc += v * v;",
      combine: "a + b",
      finish: `out[o] = acc * ${f(1 / rows)};`,
      // Linear finish: the backend may add partial sums of a long reduction.
      splits: rows >= 8192 && c < 1024 ? Math.min(32, Math.floor(rows / 4096)) : 1,
    });
  }),
  webgpuKernel<{ epsilon: number }>("batchNormApply", ([x], { epsilon }, out) => {
    const { c } = channelsOf(x);
    return elementwise(
      sizeOf(out.shape),
      `let k = i % ${u(c)};
  out[i] = (in0[i] - in1[k]) / sqrt(in2[k] + ${f(epsilon)}) * in3[k] + in4[k];`,
    );
  }),
  webgpuKernel<{ epsilon: number }>("batchNormTrain", ([x], { epsilon }) =>
    channelKernel(
      x,
      epsilon,
      `let scale = in1[ch] * rstd;
  for (var r = t; r < n; r += ${u(CW)}) {
    let i = r * ${stride(x)} + ch;
    out[i] = (in0[i] - mean) * scale + in2[ch];
  }`,
    )),
  webgpuKernel<{ epsilon: number }>("batchNormGradStats", ([x], { epsilon }) => {
    const { c, rows } = channelsOf(x);
    return channelKernel(
      x,
      epsilon,
      `var dot = 0.0;
  var sum = 0.0;
  for (var r = t; r < n; r += ${u(CW)}) {
    let i = r * ${stride(x)} + ch;
    dot += in1[i] * (in0[i] - mean);
    sum += in1[i];
  }
  let dg = chSum_(dot);
  let db = chSum_(sum);
  if (live && t == 0u) {
    // The sums over no rows are 0, whatever the (undefined) statistics.
    out[ch] = ${rows === 0 ? "0.0" : "dg * rstd"};
    out[${u(c)} + ch] = db;
    out[${u(2 * c)} + ch] = mean;
    out[${u(3 * c)} + ch] = rstd;
  }`,
    );
  }),
  // Elementwise: the statistics come in as batchNormGradStats' [4, c] (in3).
  webgpuKernel("batchNormInputGrad", ([x], _attrs, out) => {
    const { c, rows } = channelsOf(x);
    const nf = f(Math.max(rows, 1));
    return elementwise(
      sizeOf(out.shape),
      `let k = i % ${u(c)};
  let rstd = in3[${u(3 * c)} + k];
  let s = rstd * (in3[k] / ${nf});
  let mg = in3[${u(c)} + k] / ${nf};
  out[i] = (in2[k] * rstd) * ((in1[i] - mg) - (in0[i] - in3[${u(2 * c)} + k]) * s);`,
    );
  }),
];
