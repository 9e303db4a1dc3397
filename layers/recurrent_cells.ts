import {
  add,
  concat,
  lstmCell,
  matmul,
  mul,
  rsubScalar,
  slice,
  split,
} from "../kernels/ops/mod.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { activate, type ActivationName } from "./activations.ts";

/**
 * One time step of each recurrent cell, written with ops so autograd differentiates them.
 * `xw` is the step's input projection x_t·W + b (computed for all steps in one matmul by the
 * layer); `state` is undefined on the first step of a zero initial state, which skips the
 * recurrent matmul (h·U = 0) and so needs no zero tensors on the device.
 * @module
 */

/** The weights a cell's step reads: the recurrent kernel U and, for GRU, the recurrent bias. */
export interface CellWeights {
  recurrentKernel: Tensor;
  recurrentBias?: Tensor;
  activation: ActivationName;
  recurrentActivation: ActivationName;
}

/** A step: the new states (h first) from the projected input and the previous states. */
export type CellStep = (xw: Tensor, state: Tensor[] | undefined, w: CellWeights) => Tensor[];

/** Elman cell: h = act(x·W + b + h·U). */
export const simpleStep: CellStep = (xw, state, w) => {
  const z = state ? add(xw, matmul(state[0], w.recurrentKernel)) : xw;
  return [activate(z, w.activation)];
};

/**
 * LSTM cell, Keras gate order i, f, c, o: c' = f·c + i·act(z_c), h' = o·act(c').
 * State is [h, c].
 */
export const lstmStep: CellStep = (xw, state, w) => {
  const z = state ? add(xw, matmul(state[0], w.recurrentKernel)) : xw;
  const [zi, zf, zc, zo] = split(z, 4, -1);
  const i = activate(zi, w.recurrentActivation);
  const o = activate(zo, w.recurrentActivation);
  const ig = mul(i, activate(zc, w.activation));
  const c = state ? add(mul(activate(zf, w.recurrentActivation), state[1]), ig) : ig;
  return [mul(o, activate(c, w.activation)), c];
};

/**
 * The LSTM time loop with each step one `lstmCell` kernel (sigmoid gates, tanh candidate and
 * output): each step's record (h, c and the activations its backward reads) is the next step's
 * state, h sliced out of it for the next recurrent matmul. Returns every step's h (when
 * `keepAll`) and the final [h, c].
 */
export function lstmFusedScan(
  steps: Tensor[],
  initialState: Tensor[] | undefined,
  recurrentKernel: Tensor,
  keepAll: boolean,
): { hs: Tensor[]; state: Tensor[] } {
  const units = recurrentKernel.shape[0];
  // A packed [h | c] initial state, which lstmCell takes as it takes a record.
  let rec = initialState ? concat(initialState, 1) : undefined;
  let h = initialState?.[0];
  const hs: Tensor[] = [];
  for (const xt of steps) {
    rec = lstmCell(h ? add(xt, matmul(h, recurrentKernel)) : xt, rec);
    h = slice(rec, [0, 0], [-1, units]);
    if (keepAll) hs.push(h);
  }
  return { hs, state: [h!, slice(rec!, [0, units], [-1, units])] };
}

/**
 * GRU cell with `resetAfter` (Keras 2/3 default, cuDNN's form), gate order z, r, h:
 * h̃ = act(x·W_h + b_h + r·(h·U_h + b'_h)), h' = z·h + (1 − z)·h̃. State is [h].
 */
export const gruStep: CellStep = (xw, state, w) => {
  const [xz, xr, xh] = split(xw, 3, -1);
  if (!state) {
    // h = 0: h·U + b' is the recurrent bias alone.
    const [bz, br, bh] = split(w.recurrentBias!, 3, -1);
    const z = activate(add(xz, bz), w.recurrentActivation);
    const r = activate(add(xr, br), w.recurrentActivation);
    const hh = activate(add(xh, mul(r, bh)), w.activation);
    return [mul(rsubScalar(z, 1), hh)];
  }
  const rec = add(matmul(state[0], w.recurrentKernel), w.recurrentBias!);
  const [rz, rr, rh] = split(rec, 3, -1);
  const z = activate(add(xz, rz), w.recurrentActivation);
  const r = activate(add(xr, rr), w.recurrentActivation);
  const hh = activate(add(xh, mul(r, rh)), w.activation);
  return [add(mul(z, state[0]), mul(rsubScalar(z, 1), hh))];
};
