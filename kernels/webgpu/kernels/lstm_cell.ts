import type { KernelConfig } from "../../kernel_registry.ts";
import { LSTM_RECORD as R, type LstmStateGradAttrs } from "../../ops/lstm_cell.ts";
import { elementwise, u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/**
 * WGSL kernels of lstmCell and its two gradient kernels (kernels/ops/lstm_cell.ts): one
 * invocation per (row b, unit k), the reference's formulas in the same order (so NaN, ±∞ and
 * signed zeros come out alike). `in0`… are the op's inputs in call order.
 */

const GATES_WGSL = `fn sigmoid_(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
// tanh with ±0 kept (as the tanh op's kernel).
fn tanh_(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return select(sign(x) * (1.0 - e) / (1.0 + e), x, x == 0.0);
}`;

/**
 * A kernel over every (row b, unit k) of `batch` rows of `units` (`i`, the invocation, is taken,
 * so the gates are gi, gf, gg, go): `body` sees b, k and
 * `at = b·7·units + k` (the unit's first column in a record row); `p(part)` is the offset of a
 * record part from `at`.
 */
function perUnit(batch: number, units: number, body: (p: (part: number) => string) => string) {
  const k = elementwise(
    batch * units,
    `let b = i / ${u(Math.max(units, 1))};
  let k = i % ${u(Math.max(units, 1))};
  let at = b * ${u(R.width * units)} + k;
  ${body((part) => (part === 0 ? "at" : `at + ${u(part * units)}`))}`,
  );
  return { ...k, code: `${GATES_WGSL}\n${k.code}` };
}

/** The c column of unit k in row b of the previous state (binding `prev`, row width `pw`). */
const prevC = (prev: string, pw: number, units: number) =>
  `${prev}[b * ${u(pw)} + ${u(units)} + k]`;

// Inputs: z (in0) and, when given, the previous state (in1).
const lstmCell: WebGpuKernelFn<unknown> = (ins) => {
  const units = ins[0].shape[1] / 4;
  const zt = `b * ${u(4 * units)} + k`;
  const c = ins.length > 1 ? `gf * ${prevC("in1", ins[1].shape[1], units)} + gi * gg` : "gi * gg";
  return perUnit(ins[0].shape[0], units, (p) =>
    `let zt = ${zt};
  let gi = sigmoid_(in0[zt]);
  let gf = sigmoid_(in0[zt + ${u(units)}]);
  let gg = tanh_(in0[zt + ${u(2 * units)}]);
  let go = sigmoid_(in0[zt + ${u(3 * units)}]);
  let c = ${c};
  let tc = tanh_(c);
  out[${p(R.h)}] = go * tc;
  out[${p(R.c)}] = c;
  out[${p(R.i)}] = gi;
  out[${p(R.f)}] = gf;
  out[${p(R.g)}] = gg;
  out[${p(R.o)}] = go;
  out[${p(R.tc)}] = tc;`);
};

/** dc' from the record's gradient (in0) and the record (in1), as the reference's `dcOf`. */
const dc = (p: (part: number) => string) =>
  `let tc = in1[${p(R.tc)}];
  let dc = in0[${p(R.c)}] + (in0[${p(R.tc)}] + in0[${p(R.h)}] * in1[${p(R.o)}]) * (1.0 - tc * tc);`;

// Inputs: the record's gradient (in0), the record (in1) and, when the cell had one, prev (in2).
const lstmCellGrad: WebGpuKernelFn<unknown> = (ins) => {
  const units = ins[0].shape[1] / R.width;
  const zt = `b * ${u(4 * units)} + k`;
  return perUnit(ins[0].shape[0], units, (p) => {
    const df = ins.length > 2
      ? `in0[${p(R.f)}] + dc * ${prevC("in2", ins[2].shape[1], units)}`
      : `in0[${p(R.f)}]`;
    return `${dc(p)}
  let gi = in1[${p(R.i)}];
  let gf = in1[${p(R.f)}];
  let gg = in1[${p(R.g)}];
  let go = in1[${p(R.o)}];
  let zt = ${zt};
  out[zt] = (in0[${p(R.i)}] + dc * gg) * (gi * (1.0 - gi));
  out[zt + ${u(units)}] = (${df}) * (gf * (1.0 - gf));
  out[zt + ${u(2 * units)}] = (in0[${p(R.g)}] + dc * gi) * (1.0 - gg * gg);
  out[zt + ${u(3 * units)}] = (in0[${p(R.o)}] + in0[${p(R.h)}] * tc) * (go * (1.0 - go));`;
  });
};

// Every column of prev's gradient is written: dc'·f in the c part, 0 in the others.
const lstmCellStateGrad: WebGpuKernelFn<LstmStateGradAttrs> = (ins, { prevWidth: pw }) => {
  const units = ins[0].shape[1] / R.width;
  const zeros = Array.from({ length: pw / Math.max(units, 1) }, (_, part) => part)
    .filter((part) => part !== 1)
    .map((part) => `out[b * ${u(pw)} + ${u(part * units)} + k] = 0.0;`)
    .join("\n  ");
  return perUnit(ins[0].shape[0], units, (p) =>
    `${dc(p)}
  out[b * ${u(pw)} + ${u(units)} + k] = dc * in1[${p(R.f)}];
  ${zeros}`);
};

/** The registry entries of this file's kernels. */
export const lstmCellWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("lstmCell", lstmCell),
  webgpuKernel("lstmCellGrad", lstmCellGrad),
  webgpuKernel("lstmCellStateGrad", lstmCellStateGrad),
];
