import type { DType } from "../dtype.ts";
import type { KernelConfig } from "../kernel_registry.ts";
import type { TensorInfo } from "../op.ts";
import { broadcastStrides, stridesOf } from "../shape.ts";

/**
 * What an op's WebGPU kernel function returns, and helpers for writing one. Each op's
 * `(inputs, attrs, out) => GpuKernel` function is registered for backend "webgpu" from a file in
 * webgpu/kernels/; the backend wraps the code with the bindings: `in0`, `in1`, … (read-only storage arrays of the inputs' element type),
 * `out` (the output) and the dynamic parameters `pf(i)` (f32) and `pu(i)` (u32).
 * Shapes are baked into the code as constants, so one pipeline serves one shape; values that
 * change every step (dropout seeds, a scheduled learning rate, a batch offset) go in `f32`/`u32`
 * so they never cost a new pipeline.
 */
export interface GpuKernel {
  /** WGSL defining `@compute fn main`; uses in0…, out, pf(i), pu(i). */
  code: string;
  /** Workgroup counts (x, y, z). */
  workgroups: [number, number?, number?];
  /** Dynamic float parameters, read in WGSL as `pf(i)`. */
  f32?: number[];
  /** Dynamic unsigned parameters, read in WGSL as `pu(i)`. */
  u32?: number[];
  /**
   * Split reduction: the kernel writes `splits` partial results, partial s of element i at
   * `out[s * size + i]`, and the backend sums them into the output with a second dispatch
   * (split-K GEMM: many workgroups share a long reduction without float atomics).
   */
  splits?: number;
  /**
   * Input `input` (rows × rowBytes) may be bound in row chunks when it exceeds the adapter's
   * storage-binding limit: the kernel then runs once per chunk with u32 parameters `param` and
   * `param + 1` set to the chunk's first row and row count (0 and `rows` when it fits whole).
   */
  chunked?: { input: number; rowBytes: number; rows: number; param: number };
  /**
   * Inputs bound as `array<vec4<T>>` instead of `array<T>`, for kernels that read them four
   * consecutive elements at a time (one 16-byte load instead of four). Never a chunked input.
   */
  vec4Inputs?: number[];
  /**
   * The kernel checks indices: it may call `flag_(op, value, at, n)` (index_error_flag.ts) and
   * the backend binds its error flag for it.
   */
  indexErrors?: boolean;
}

/** An op's WebGPU kernel: inputs and output as the shape rule sees them. */
export type WebGpuKernelFn<A> = (inputs: TensorInfo[], attrs: A, out: TensorInfo) => GpuKernel;

/**
 * The registry entry of op `kernelName`'s WGSL kernel (registered by
 * webgpu/kernels/register_all.ts). Example: `webgpuKernel("relu", (ins, _a, out) => …)`.
 */
export function webgpuKernel<A>(
  kernelName: string,
  kernelFunc: WebGpuKernelFn<A>,
): KernelConfig<WebGpuKernelFn<never>> {
  return { kernelName, backendName: "webgpu", kernelFunc };
}

/** The WGSL element type of a dtype; float64 has none (it is a CPU-only dtype). */
export function wgslType(dtype: DType): "f32" | "i32" {
  if (dtype === "float64") {
    throw new Error(
      "webgpu: float64 tensors are CPU-only (they exist for gradient checks); " +
        'use float32, or setDevice("cpu") for float64 work',
    );
  }
  return dtype === "int32" ? "i32" : "f32";
}

/** WGSL literal of an unsigned constant. */
export function u(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`wgsl: ${n} is not a u32 constant`);
  return `${n}u`;
}

/** WGSL literal of an f32 constant (exact for the float32 value of `v`). */
export function f(v: number): string {
  if (Number.isNaN(v)) return "bitcast<f32>(0x7fc00000u)";
  if (!Number.isFinite(v)) return v > 0 ? "bitcast<f32>(0x7f800000u)" : "bitcast<f32>(0xff800000u)";
  const s = String(Math.fround(v));
  return /[.e]/.test(s) ? `f32(${s})` : `f32(${s}.0)`;
}

const WG = 256;
const MAX_GROUPS = 65535;

/**
 * A kernel with one invocation per element of `n`: `body` sees `i` (u32, < n). Grids above
 * 65 535 workgroups wrap into a second dimension.
 * Example: `elementwise(n, "out[i] = max(in0[i], 0.0);")`.
 */
export function elementwise(n: number, body: string): GpuKernel {
  const groups = Math.max(1, Math.ceil(n / WG));
  const gx = Math.min(groups, MAX_GROUPS);
  const gy = Math.ceil(groups / gx);
  return {
    code: `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid_: vec3u) {
  let i = gid_.x + gid_.y * ${u(gx * WG)};
  if (i >= ${u(n)}) { return; }
  ${body}
}`,
    workgroups: [gx, gy],
  };
}

/**
 * WGSL statements that split flat index `flat` of `shape` into per-axis coordinates and sum
 * them against each list of strides, declaring `var <name>: u32` for every entry of `offsets`.
 * Strides of 0 make an axis broadcast. Example: offsets of two broadcast operands.
 */
export function unravel(flat: string, shape: number[], offsets: Record<string, number[]>): string {
  const names = Object.keys(offsets);
  const lines = names.map((n) => `var ${n} = 0u;`);
  lines.push(`var rem_ = ${flat};`);
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    const d = shape[ax];
    if (names.every((n) => offsets[n][ax] === 0)) {
      if (ax > 0) lines.push(`rem_ = rem_ / ${u(d)};`);
      continue;
    }
    lines.push(`{ let c_ = rem_ % ${u(d)};`);
    for (const n of names) {
      if (offsets[n][ax] !== 0) lines.push(`  ${n} += c_ * ${u(offsets[n][ax])};`);
    }
    lines.push(`  rem_ = rem_ / ${u(d)}; }`);
  }
  return lines.join("\n  ");
}

/**
 * One workgroup of 64 invocations per output element, for reductions: `init` declares the
 * accumulator `acc`, `step` folds element `v` (the input value at reduced index `r`) into it, and
 * `combine` merges two partial accumulators `a` and `b`; `finish` writes `out[o]` from `acc`.
 * `load(o, r)` is a WGSL expression for the value.
 */
export function reduction(opts: {
  outputs: number;
  reduced: number;
  accType: string;
  init: string;
  load: string;
  step: string;
  combine: string;
  finish: string;
  prelude?: string;
  /**
   * Split each output's reduction over this many workgroups (grid z), each finishing its own
   * slice into `out[z * outputs + o]`; the backend adds the slices (so only for sums whose
   * `finish` is linear). Few outputs over long reductions (a conv bias gradient: 64 sums of
   * 73 728 terms) then use the whole device instead of 64 workgroups.
   */
  splits?: number;
}): GpuKernel {
  const RW = 64;
  const gx = Math.min(Math.max(opts.outputs, 1), MAX_GROUPS);
  const gy = Math.ceil(Math.max(opts.outputs, 1) / gx);
  const splits = opts.splits ?? 1;
  const slice = Math.ceil(opts.reduced / splits);
  return {
    code: `var<workgroup> part_: array<${opts.accType}, ${RW}>;
${opts.prelude ?? ""}
@compute @workgroup_size(${RW})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  let o = wg.x + wg.y * ${u(gx)};
  ${opts.init}
  if (o < ${u(opts.outputs)}) {
    let rEnd = min((wg.z + 1u) * ${u(slice)}, ${u(opts.reduced)});
    for (var r = wg.z * ${u(slice)} + t; r < rEnd; r += ${u(RW)}) {
      let v = ${opts.load};
      ${opts.step}
    }
  }
  part_[t] = acc;
  workgroupBarrier();
  for (var s = ${u(RW / 2)}; s > 0u; s = s / 2u) {
    if (t < s) {
      let a = part_[t];
      let b = part_[t + s];
      part_[t] = ${opts.combine};
    }
    workgroupBarrier();
  }
  if (t == 0u && o < ${u(opts.outputs)}) {
    let acc = part_[0];
    ${opts.finish.replaceAll("out[o]", `out[wg.z * ${u(opts.outputs)} + o]`)}
  }
}`,
    workgroups: [gx, gy, splits],
    splits,
  };
}

/**
 * An elementwise kernel over `out` whose inputs broadcast against it (NumPy rules). `expr` gets
 * the WGSL value of each input at the current element and returns the output value; extra
 * statements can come before it in `pre`. Same-shape and one-element inputs skip index math.
 * Example: `mapKernel([a, b], out, ([x, y]) => `${x} + ${y}`)`.
 */
export function mapKernel(
  ins: TensorInfo[],
  out: TensorInfo,
  expr: (vals: string[]) => string,
  pre = "",
): GpuKernel {
  const n = out.shape.reduce((a, b) => a * b, 1);
  const offsets: Record<string, number[]> = {};
  const vals = ins.map((x, k) => {
    const size = x.shape.reduce((a, b) => a * b, 1);
    if (size === n) return `in${k}[i]`;
    if (size === 1) return `in${k}[0]`;
    offsets[`o${k}`] = broadcastStrides(x.shape, out.shape);
    return `in${k}[o${k}]`;
  });
  const index = Object.keys(offsets).length ? unravel("i", out.shape, offsets) : "";
  return elementwise(n, `${index}\n  ${pre}\n  out[i] = ${expr(vals)};`);
}

/**
 * WGSL function `fn offset_(o: u32, r: u32) -> u32`: the input offset of reduced element `r` of
 * output element `o` when `axes` of an input of `shape` are reduced.
 */
export function reduceOffsetFn(shape: number[], axes: number[]): string {
  const st = stridesOf(shape);
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const red = shape.map((_, i) => i).filter((i) => axes.includes(i));
  const ko = unravel("o", kept.map((i) => shape[i]), { ko: kept.map((i) => st[i]) });
  const ro = unravel("r", red.map((i) => shape[i]), { ro: red.map((i) => st[i]) })
    .replaceAll("rem_", "remr_");
  return `fn offset_(o: u32, r: u32) -> u32 {\n  ${ko}\n  ${ro}\n  return ko + ro;\n}`;
}
