import type { KernelConfig } from "../kernel_registry.ts";
import { getOp } from "../op.ts";
import { LSTM_RECORD as R } from "../ops/lstm_cell.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";

/**
 * Fast CPU kernels of lstmCell and its gradient kernels (kernels/ops/lstm_cell.ts): the
 * reference's formulas in the same order, in loops over float32 arrays only (the reference's
 * loops also serve float64, so V8 compiles them for both element types), so the results are
 * bit-identical. Float64 runs the reference.
 */

const reference = (name: string): CpuKernel => getOp(name)!.cpu as CpuKernel;

const lstmCellFast: CpuKernel = (ins, attrs, out, shape) => {
  const [z, prev] = ins;
  if (!(out instanceof Float32Array) || !(z.data instanceof Float32Array)) {
    return reference("lstmCell")(ins, attrs, out, shape);
  }
  const zd = z.data, u = z.shape[1] / 4, w = R.width * u, batch = shape[0];
  const pd = prev?.data as Float32Array | undefined, pw = prev ? prev.shape[1] : 0;
  for (let b = 0; b < batch; b++) {
    const zr = b * 4 * u, orow = b * w, prow = b * pw + u;
    for (let k = 0; k < u; k++) {
      const i = 1 / (1 + Math.exp(-zd[zr + k]));
      const f = 1 / (1 + Math.exp(-zd[zr + u + k]));
      const g = Math.tanh(zd[zr + 2 * u + k]);
      const o = 1 / (1 + Math.exp(-zd[zr + 3 * u + k]));
      const c = pd ? f * pd[prow + k] + i * g : i * g;
      const tc = Math.tanh(c);
      const at = orow + k;
      out[at] = o * tc;
      out[at + R.c * u] = c;
      out[at + R.i * u] = i;
      out[at + R.f * u] = f;
      out[at + R.g * u] = g;
      out[at + R.o * u] = o;
      out[at + R.tc * u] = tc;
    }
  }
};

const lstmCellGradFast: CpuKernel = (ins, attrs, dz, shape) => {
  const [d, rec, prev] = ins;
  if (!(dz instanceof Float32Array) || !(d.data instanceof Float32Array)) {
    return reference("lstmCellGrad")(ins, attrs, dz, shape);
  }
  const dd = d.data, r = rec.data as Float32Array, u = shape[1] / 4, w = R.width * u;
  const pd = prev?.data as Float32Array | undefined, pw = prev ? prev.shape[1] : 0;
  for (let b = 0; b < shape[0]; b++) {
    const zr = b * 4 * u, row = b * w, prow = b * pw + u;
    for (let k = 0; k < u; k++) {
      const at = row + k;
      const i = r[at + R.i * u], f = r[at + R.f * u], g = r[at + R.g * u];
      const o = r[at + R.o * u], tc = r[at + R.tc * u];
      // The reference's dcOf.
      const dc = dd[at + R.c * u] + (dd[at + R.tc * u] + dd[at] * o) * (1 - tc * tc);
      const df = pd ? dd[at + R.f * u] + dc * pd[prow + k] : dd[at + R.f * u];
      dz[zr + k] = (dd[at + R.i * u] + dc * g) * (i * (1 - i));
      dz[zr + u + k] = df * (f * (1 - f));
      dz[zr + 2 * u + k] = (dd[at + R.g * u] + dc * i) * (1 - g * g);
      dz[zr + 3 * u + k] = (dd[at + R.o * u] + dd[at] * tc) * (o * (1 - o));
    }
  }
};

// Writes only the c columns: the backend zeroes the rest (no `overwrites`).
const lstmCellStateGradFast: CpuKernel = (ins, attrs, dPrev, shape) => {
  const [d, rec] = ins;
  if (!(dPrev instanceof Float32Array) || !(d.data instanceof Float32Array)) {
    return reference("lstmCellStateGrad")(ins, attrs, dPrev, shape);
  }
  const dd = d.data, r = rec.data as Float32Array, u = d.shape[1] / R.width, w = R.width * u;
  const pw = shape[1];
  for (let b = 0; b < shape[0]; b++) {
    const row = b * w, prow = b * pw + u;
    for (let k = 0; k < u; k++) {
      const at = row + k, tc = r[at + R.tc * u];
      const dc = dd[at + R.c * u] + (dd[at + R.tc * u] + dd[at] * r[at + R.o * u]) * (1 - tc * tc);
      dPrev[prow + k] = dc * r[at + R.f * u];
    }
  }
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const lstmCellFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("lstmCell", lstmCellFast, { overwrites: true }),
  fastKernel("lstmCellGrad", lstmCellGradFast, { overwrites: true }),
  fastKernel("lstmCellStateGrad", lstmCellStateGradFast),
];
