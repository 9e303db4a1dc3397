import { sizeOf } from "../../shape.ts";
import { u, type WebGpuKernelFn, wgslType } from "../wgsl.ts";

/**
 * WGSL kernel of scatterAddRows (gather's gradient, so embedding's): one workgroup of 64 per
 * output row. The workgroup reads the indices 64 at a time, lists the positions that name its
 * row in index order, and each invocation adds those rows of dy into its columns. No float
 * atomics (WGSL has none): every output element is one invocation's running sum over the
 * matching positions in index order, the CPU reference's order, so the backends agree. The scan
 * costs rows × indices / 64 steps instead of one pass over the indices per output element.
 */
export const scatterAddRows: WebGpuKernelFn<{ rows: number }> = ([, idx], { rows }, out) => {
  const RW = 64, MAX_GROUPS = 65535;
  const row = rows === 0 ? 0 : sizeOf(out.shape) / rows;
  const n = idx.shape[0];
  const gx = Math.min(Math.max(rows, 1), MAX_GROUPS);
  const ty = wgslType(out.dtype);
  return {
    code: `var<workgroup> hit_: array<u32, ${RW}>;
var<workgroup> match_: array<u32, ${RW}>;
var<workgroup> hits_: u32;
@compute @workgroup_size(${RW})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  let r = wg.x + wg.y * ${u(gx)};
  let live = r < ${u(rows)};
  let cols = select(0u, ${u(row)}, live);
  for (var j = t; j < cols; j += ${u(RW)}) { out[r * ${u(row)} + j] = ${ty}(0); }
  for (var k0 = 0u; k0 < ${u(n)}; k0 += ${u(RW)}) {
    let k = k0 + t;
    match_[t] = select(0u, 1u, live && k < ${u(n)} && in1[min(k, ${
      u(Math.max(n - 1, 0))
    })] == i32(r));
    workgroupBarrier();
    if (t == 0u) {
      var c = 0u;
      for (var s = 0u; s < ${u(RW)}; s++) {
        if (match_[s] == 1u) { hit_[c] = k0 + s; c++; }
      }
      hits_ = c;
    }
    workgroupBarrier();
    let c = hits_;
    for (var h = 0u; h < c; h++) {
      let src = hit_[h] * ${u(row)};
      for (var j = t; j < cols; j += ${u(RW)}) {
        out[r * ${u(row)} + j] += in0[src + j];
      }
    }
    workgroupBarrier();
  }
}`,
    workgroups: [gx, Math.ceil(Math.max(rows, 1) / gx)],
  };
};
