import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase, type TensorInfo } from "../op.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";

/**
 * One LSTM time step as one kernel (sigmoid gates, tanh candidate and output, Keras gate order
 * i, f, c, o). `lstmCell(z, prev)` takes the gate pre-activations z = x·W + b + h·U
 * [batch, 4·units] and the previous state (absent on a zero initial state): a packed [h | c]
 * [batch, 2·units] or the previous step's record. It returns the step's record
 * [batch, 7·units], per row [h' | c' | i | f | g | o | tanh(c')] with c' = f·c + i·g,
 * h' = o·tanh(c'), i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o): the backward kernels read
 * the activations from it instead of computing them again, and every part of it is
 * differentiable. The composed cell (layers/recurrent_cells.ts) serves other activations.
 */

/** Parts of a record row, each `units` wide: its h, c and the activations kept for backward. */
export const LSTM_RECORD = { h: 0, c: 1, i: 2, f: 3, g: 4, o: 5, tc: 6, width: 7 } as const;
const R = LSTM_RECORD;

/** The units of z [batch, 4·units] with prev [batch, 2·units or 7·units], or a clear error. */
function unitsOf(op: string, z: TensorInfo, prev?: TensorInfo): number {
  const bad = (why: string) =>
    new Error(
      `${op}: ${why}: z must be [batch, 4·units] and the previous state [batch, 2·units] ` +
        `(h | c) or a previous record [batch, 7·units], got z ${fmtShape(z.shape)}` +
        (prev ? `, state ${fmtShape(prev.shape)}` : ""),
    );
  if (z.dtype === "int32" || (prev && prev.dtype !== z.dtype)) {
    throw bad("needs float tensors of one dtype");
  }
  if (z.shape.length !== 2 || z.shape[1] % 4 !== 0) throw bad("z is not [batch, 4·units]");
  const units = z.shape[1] / 4;
  const w = prev?.shape[1];
  if (
    prev && (prev.shape.length !== 2 || prev.shape[0] !== z.shape[0] ||
      (w !== 2 * units && w !== R.width * units))
  ) {
    throw bad("the state does not match z");
  }
  return units;
}

/** Checks that `t` is a record [batch, 7·units] for z. */
function checkRecord(op: string, what: string, z: TensorInfo, t: TensorInfo): void {
  const u = z.shape[1] / 4;
  if (t.shape.length !== 2 || t.shape[0] !== z.shape[0] || t.shape[1] !== R.width * u) {
    throw new Error(
      `${op}: ${what} ${fmtShape(t.shape)} is not a record [batch, ${R.width}·units] of z ` +
        fmtShape(z.shape),
    );
  }
}

const cellCases: OpTestCase[] = [
  {
    name: "batch 3, 2 units, packed [h | c] state",
    inputs: [{ shape: [3, 8] }, { shape: [3, 4] }],
    attrs: {},
  },
  {
    name: "batch 2, 3 units, previous record",
    inputs: [{ shape: [2, 12] }, { shape: [2, 21] }],
    attrs: {},
  },
  { name: "batch 2, 3 units, zero initial state", inputs: [{ shape: [2, 12] }], attrs: {} },
];

const lstmCellDef = defineOp({
  name: "lstmCell",
  infer: ([z, prev]) => {
    const units = unitsOf("lstmCell", z, prev);
    return { shape: [z.shape[0], R.width * units], dtype: z.dtype };
  },
  cpu: ([z, prev], _a, out, [batch]) => {
    const u = z.shape[1] / 4, pw = prev ? prev.shape[1] : 0;
    const zd = z.data, w = R.width * u;
    for (let b = 0; b < batch; b++) {
      for (let k = 0; k < u; k++) {
        const zt = b * 4 * u + k, at = b * w + k;
        const i = 1 / (1 + Math.exp(-zd[zt]));
        const f = 1 / (1 + Math.exp(-zd[zt + u]));
        const g = Math.tanh(zd[zt + 2 * u]);
        const o = 1 / (1 + Math.exp(-zd[zt + 3 * u]));
        const c = prev ? f * prev.data[b * pw + u + k] + i * g : i * g;
        const tc = Math.tanh(c);
        out[at] = o * tc;
        out[at + R.c * u] = c;
        out[at + R.i * u] = i;
        out[at + R.f * u] = f;
        out[at + R.g * u] = g;
        out[at + R.o * u] = o;
        out[at + R.tc * u] = tc;
      }
    }
  },
  grad: (d, { inputs: [, prev], output }) =>
    prev
      ? [
        () => runOp(lstmCellGradDef, [d, output, prev], {}),
        () => runOp(lstmCellStateGradDef, [d, output], { prevWidth: prev.shape[1] }),
      ]
      : [() => runOp(lstmCellGradDef, [d, output], {})],
  tests: cellCases,
});

/**
 * dc' of unit k in a record row at `at` (units u) from the record's gradient d: through c'
 * itself, tanh(c') and h' = o·tanh(c').
 */
function dcOf(d: ArrayLike<number>, rec: ArrayLike<number>, at: number, u: number): number {
  const tc = rec[at + R.tc * u];
  return d[at + R.c * u] + (d[at + R.tc * u] + d[at] * rec[at + R.o * u]) * (1 - tc * tc);
}

/** The shape rule of both gradient kernels: d and the record alike, prev as lstmCell's. */
function gradInfer(op: string, [d, rec, prev]: TensorInfo[], shape: (u: number) => number[]) {
  if (d.shape.length !== 2 || d.shape[1] % R.width !== 0) {
    throw new Error(`${op}: the record's gradient ${fmtShape(d.shape)} is not [batch, 7·units]`);
  }
  const u = d.shape[1] / R.width;
  const z = { shape: [d.shape[0], 4 * u], dtype: d.dtype };
  checkRecord(op, "the record", z, rec);
  unitsOf(op, z, prev);
  return { shape: shape(u), dtype: d.dtype };
}

/** dz of lstmCell from the record's gradient d, the record and (when it had one) prev. */
const lstmCellGradDef = defineOp({
  name: "lstmCellGrad",
  infer: (ins) => gradInfer("lstmCellGrad", ins, (u) => [ins[0].shape[0], 4 * u]),
  cpu: ([d, rec, prev], _a, dz, [batch, u4]) => {
    const u = u4 / 4, w = R.width * u, pw = prev ? prev.shape[1] : 0;
    const dd = d.data, r = rec.data;
    for (let b = 0; b < batch; b++) {
      for (let k = 0; k < u; k++) {
        const at = b * w + k, zt = b * u4 + k;
        const i = r[at + R.i * u], f = r[at + R.f * u], g = r[at + R.g * u];
        const o = r[at + R.o * u], tc = r[at + R.tc * u];
        const dc = dcOf(dd, r, at, u);
        const df = prev ? dd[at + R.f * u] + dc * prev.data[b * pw + u + k] : dd[at + R.f * u];
        dz[zt] = (dd[at + R.i * u] + dc * g) * (i * (1 - i));
        dz[zt + u] = df * (f * (1 - f));
        dz[zt + 2 * u] = (dd[at + R.g * u] + dc * i) * (1 - g * g);
        dz[zt + 3 * u] = (dd[at + R.o * u] + dd[at] * tc) * (o * (1 - o));
      }
    }
  },
  gradOf: "lstmCell",
  tests: [],
});

/** Attributes of lstmCellStateGrad. */
export interface LstmStateGradAttrs {
  /** Row width of the previous state: 2·units (packed h | c) or 7·units (a record). */
  prevWidth: number;
}

/** prev's gradient of lstmCell: dc'·f in its c columns, 0 elsewhere (h enters through z). */
const lstmCellStateGradDef = defineOp<LstmStateGradAttrs>({
  name: "lstmCellStateGrad",
  infer: (ins, { prevWidth }) => {
    const prev = { shape: [ins[0].shape[0], prevWidth], dtype: ins[0].dtype };
    return gradInfer("lstmCellStateGrad", [...ins, prev], () => prev.shape);
  },
  cpu: ([d, rec], _a, dPrev, [batch, pw]) => {
    const u = d.shape[1] / R.width, w = R.width * u;
    for (let b = 0; b < batch; b++) {
      for (let k = 0; k < u; k++) {
        const at = b * w + k;
        dPrev[b * pw + u + k] = dcOf(d.data, rec.data, at, u) * rec.data[at + R.f * u];
      }
    }
  },
  gradOf: "lstmCell",
  tests: [],
});

/**
 * One LSTM step in one kernel: the step's record [batch, 7·units] (h' in columns 0…units−1,
 * c' in the next units; see {@link LSTM_RECORD}) from the gate pre-activations `z`
 * [batch, 4·units] (gate order i, f, c, o) and `prev`, a packed [h | c] state or the previous
 * step's record (omit it for a zero initial state). Sigmoid gates, tanh candidate and output.
 * Example: `const r1 = lstmCell(z, r0); const h1 = slice(r1, [0, 0], [-1, units]);`
 */
export function lstmCell(z: Tensor, prev?: Tensor): Tensor {
  return runOp(lstmCellDef, prev ? [z, prev] : [z], {});
}
