import type { KernelConfig } from "../../kernel_registry.ts";
import type {
  ConcatAttrs,
  PadAttrs,
  PermuteAttrs,
  StridedSliceAttrs,
  StridedSliceGradAttrs,
} from "../../ops/shape_ops.ts";
import { sizeOf, stridesOf } from "../../shape.ts";
import { elementwise, f, webgpuKernel, type WebGpuKernelFn, wgslType } from "../wgsl.ts";

/**
 * WGSL kernels of the data-movement primitives (kernels/ops/shape_ops.ts): one invocation per
 * output element, which finds its source by coordinates. Offsets are i32 because a negative
 * slice step walks backwards.
 */

/**
 * WGSL declaring `c<k>: i32`, the coordinates of output element `i` in `shape`, from the last
 * axis up.
 */
function coords(shape: number[]): string {
  const lines = ["var rem_ = i;"];
  for (let k = shape.length - 1; k >= 0; k--) {
    lines.push(`let c${k} = i32(rem_ % ${shape[k]}u);`, `rem_ = rem_ / ${shape[k]}u;`);
  }
  return lines.join("\n  ");
}

/** `base + Σ c<k>·steps[k]` as a WGSL i32 expression. */
function offset(base: number, steps: number[]): string {
  return [`${base}`, ...steps.map((s, k) => (s === 0 ? "" : `c${k} * ${s}`))]
    .filter(Boolean).join(" + ");
}

/**
 * A gather that may miss: each axis test sets `ok` and adds to `src`; a miss writes `fill`.
 */
function guardedGather(outShape: number[], tests: string[], fill: string) {
  return elementwise(
    sizeOf(outShape),
    `${coords(outShape)}
  var ok = true;
  var src = 0;
  ${tests.join("\n  ")}
  if (ok) { out[i] = in0[u32(src)]; } else { out[i] = ${fill}; }`,
  );
}

/** A gather over `out`: out[i] = in0[base + Σ cₖ·steps[k]]. */
function stridedGather(outShape: number[], base: number, steps: number[]) {
  return elementwise(
    sizeOf(outShape),
    `${coords(outShape)}\n  out[i] = in0[u32(${offset(base, steps)})];`,
  );
}

const permute: WebGpuKernelFn<PermuteAttrs> = ([x], { perm }, out) => {
  const st = stridesOf(x.shape);
  return stridedGather(out.shape, 0, perm.map((p) => st[p]));
};

const stridedSlice: WebGpuKernelFn<StridedSliceAttrs> = ([x], { begin, steps }, out) => {
  const st = stridesOf(x.shape);
  const base = begin.reduce((s, b, k) => s + b * st[k], 0);
  return stridedGather(out.shape, base, steps.map((s, k) => s * st[k]));
};

// Each input position finds the slice element that read it, if any (no scatter, no atomics).
const stridedSliceGrad: WebGpuKernelFn<StridedSliceGradAttrs> = (
  [dy],
  { begin, steps, shape },
  out,
) => {
  const t = wgslType(out.dtype);
  const dst = stridesOf(dy.shape);
  const tests = shape.map((n, k) =>
    `{ let d = c${k} - ${begin[k]}; let q = d / ${steps[k]};
    ok = ok && q * ${steps[k]} == d && q >= 0 && q < ${n}; src += q * ${dst[k]}; }`
  );
  return guardedGather(out.shape, tests, `${t}(0)`);
};

const pad: WebGpuKernelFn<PadAttrs> = ([x], { paddings, value }, out) => {
  const t = wgslType(out.dtype);
  const st = stridesOf(x.shape);
  const tests = x.shape.map((d, k) =>
    `{ let v = c${k} - ${paddings[k][0]}; ok = ok && v >= 0 && v < ${d}; src += v * ${st[k]}; }`
  );
  const fillValue = t === "f32" ? f(value) : `i32(${Math.trunc(value)})`;
  return guardedGather(out.shape, tests, fillValue);
};

// Every input gets a branch, an empty one too (never taken), so all bindings are used.
const concat: WebGpuKernelFn<ConcatAttrs> = (xs, { axis }, out) => {
  const inner = sizeOf(out.shape.slice(axis + 1));
  const row = out.shape[axis] * inner;
  let end = 0;
  const branches = xs.map((x, k) => {
    const start = end;
    end += x.shape[axis];
    const w = x.shape[axis] * inner;
    return `if (a < ${end}u) { out[i] = in${k}[o * ${w}u + (a - ${start}u) * ${inner}u + r % ${inner}u]; }`;
  });
  return elementwise(
    sizeOf(out.shape),
    `let o = i / ${row}u;
  let r = i % ${row}u;
  let a = r / ${inner}u;
  ${branches.join(" else ")}`,
  );
};

/** The registry entries of this file's kernels. */
export const shapeOpsWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("permute", permute),
  webgpuKernel("stridedSlice", stridedSlice),
  webgpuKernel("stridedSliceGrad", stridedSliceGrad),
  webgpuKernel("pad", pad),
  webgpuKernel("concat", concat),
];
