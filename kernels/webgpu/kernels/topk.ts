import type { KernelConfig } from "../../kernel_registry.ts";
import type { AlongAxisAttrs, TopkAttrs } from "../../ops/topk.ts";
import { sizeOf } from "../../shape.ts";
import { elementwise, webgpuKernel, type WebGpuKernelFn, wgslType } from "../wgsl.ts";
import { withNumerics } from "./numerics.ts";
import { flagCode } from "../index_error_flag.ts";

/** WGSL kernels of topkIndices, takeAlongAxis and scatterAlongAxis (kernels/ops/topk.ts). */

// Each element counts the row's elements that rank before it (ranksBefore in topk.ts); that
// count is its place in the sorted order, so ranks below k write their index. No sorting network,
// no shared memory; O(n) per element.
const topkIndices: WebGpuKernelFn<TopkAttrs> = ([x], { k }) => {
  const n = x.shape[x.shape.length - 1];
  const t = wgslType(x.dtype);
  const nanTest = t === "f32"
    ? `let an = isnan_(a); let bn = isnan_(b);
  if (an || bn) { return an && (!bn || ia < ib); }`
    : "";
  const kern = elementwise(
    sizeOf(x.shape),
    `let row = i / ${n}u;
  let j = i % ${n}u;
  let v = in0[i];
  var rank = 0u;
  for (var q = 0u; q < ${n}u; q++) {
    if (before_(in0[row * ${n}u + q], q, v, j)) { rank++; }
  }
  if (rank < ${k}u) { out[row * ${k}u + rank] = i32(j); }`,
  );
  return withNumerics({
    ...kern,
    code: `fn before_(a: ${t}, ia: u32, b: ${t}, ib: u32) -> bool {
  ${nanTest}
  return a > b || (a == b && ia < ib);
}
${kern.code}`,
  });
};

// An index out of range writes 0 and sets the error flag, which the backend raises at the next
// readback with the CPU's message (index_error_flag.ts).
const takeAlongAxis: WebGpuKernelFn<AlongAxisAttrs> = ([x, idx], { axis }, out) => {
  const inner = sizeOf(idx.shape.slice(axis + 1));
  const m = idx.shape[axis], n = x.shape[axis];
  const t = wgslType(out.dtype);
  return {
    ...elementwise(
      sizeOf(idx.shape),
      `let c = in1[i];
  let o = i / ${m * inner}u;
  let r = i % ${inner}u;
  if (c < 0 || c >= ${n}) {
    out[i] = ${t}(0);
    flag_(${flagCode("takeAlongAxis")}, c, i, ${n}u);
  } else {
    out[i] = in0[(o * ${n}u + u32(c)) * ${inner}u + r];
  }`,
    ),
    indexErrors: true,
  };
};

// Gather form: each output element adds the dy entries whose index picked it, in index order.
const scatterAlongAxis: WebGpuKernelFn<AlongAxisAttrs> = ([dy], { axis }, out) => {
  const inner = sizeOf(dy.shape.slice(axis + 1));
  const m = dy.shape[axis], n = out.shape[axis];
  const t = wgslType(out.dtype);
  return elementwise(
    sizeOf(out.shape),
    `let o = i / ${n * inner}u;
  let c = i32((i / ${inner}u) % ${n}u);
  let r = i % ${inner}u;
  var s = ${t}(0);
  for (var j = 0u; j < ${m}u; j++) {
    let at = (o * ${m}u + j) * ${inner}u + r;
    if (in1[at] == c) { s += in0[at]; }
  }
  out[i] = s;`,
  );
};

/** The registry entries of this file's kernels. */
export const topkWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("topkIndices", topkIndices),
  webgpuKernel("takeAlongAxis", takeAlongAxis),
  webgpuKernel("scatterAlongAxis", scatterAlongAxis),
];
