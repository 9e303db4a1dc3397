/**
 * Each hand formula of the sigmoid net checked twice: against central finite differences of the
 * loss (float64, host) and against the toolkit's autograd gradient of the same loss built from
 * tensor ops.
 * @module
 */
import { gradients } from "../../kernels/autograd.ts";
import { tidy } from "../../kernels/engine.ts";
import { add, mulScalar, sigmoid, square } from "../../kernels/ops/elementwise.ts";
import { matmul } from "../../kernels/ops/matmul.ts";
import { sum } from "../../kernels/ops/reduce.ts";
import { softmaxCrossEntropy } from "../../kernels/ops/softmax.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import { centralDifferences, normRelError } from "../../train/finite_differences.ts";
import {
  type Batch,
  batchGradients,
  crossEntropy,
  FORMULAS,
  type Formulas,
  forwardSample,
  loss,
  oneHot,
  sigmoid as sigma,
  type SigmoidNet,
  softmaxVec,
} from "./net.ts";

/** Finite-difference step: near the cube root of float64 epsilon, best for central differences. */
export const FD_STEP = 1e-5;
/** Relative error ‖hand − numeric‖/(‖hand‖ + ‖numeric‖) a formula must stay below. */
export const FD_THRESHOLD = 1e-6;
/** Against autograd in float64: both are exact up to rounding (observed ~1e-15). */
export const AUTOGRAD_THRESHOLD_F64 = 1e-9;
/** Against autograd in float32 (WebGPU), where every value carries ~6e-8 rounding. */
export const AUTOGRAD_THRESHOLD_F32 = 1e-4;

/**
 * max_i |a_i − b_i| / max(|a_i|, |b_i|, floor). The floor keeps elements that are zero up to
 * rounding (both below it) from turning noise into a relative error of 1. NaN anywhere gives
 * Infinity, and a length mismatch throws.
 */
export function maxElementRelError(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  floor = 1e-8,
): number {
  if (a.length !== b.length) {
    throw new Error(`maxElementRelError: ${a.length} vs ${b.length} values`);
  }
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), floor);
    worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
  }
  return worst;
}

/** One formula against one reference. */
export interface GradientCheck {
  /** "dE/dz²", "dE/dW²", "dE/dz¹" or "dE/dW¹". */
  gradient: string;
  against: string;
  elements: number;
  /** ‖ours − ref‖₂/(‖ours‖₂ + ‖ref‖₂), the pass measure (see normRelError). */
  relError: number;
  /** {@link maxElementRelError} of ours and ref, reported for information. */
  maxElementRelError: number;
  threshold: number;
  pass: boolean;
}

/** The hand gradients of a batch, per sample for z (rows of the batch) and averaged for W. */
export interface HandGradients {
  dz2: Float64Array;
  dz1: Float64Array;
  dW2: Float64Array;
  dW1: Float64Array;
}

/** Evaluates the hand formulas on a batch. */
export function handGradients(
  net: SigmoidNet,
  b: Batch,
  lambda: number,
  f: Formulas = FORMULAS,
): HandGradients {
  const dz2 = new Float64Array(b.n * net.classes), dz1 = new Float64Array(b.n * net.hidden);
  for (let i = 0; i < b.n; i++) {
    const x = b.x.subarray(i * net.inputs, (i + 1) * net.inputs);
    const { y1, y } = forwardSample(net, x);
    const g2 = f.dEdz2(y, oneHot(b.labels[i], net.classes));
    dz2.set(g2, i * net.classes);
    dz1.set(f.dEdz1(g2, net.w2, y1), i * net.hidden);
  }
  const w = batchGradients(net, b, lambda, f);
  return { dz2, dz1, dW2: w.w2, dW1: w.w1 };
}

/** The four formulas' hand gradients against `ref`, in the exercise's order. */
function fourChecks(
  against: string,
  hand: HandGradients,
  ref: HandGradients,
  threshold: number,
): GradientCheck[] {
  const names = [["dE/dz²", "dz2"], ["dE/dW²", "dW2"], ["dE/dz¹", "dz1"], ["dE/dW¹", "dW1"]];
  return (names as [string, keyof HandGradients][]).map(([gradient, k]) => {
    const e = normRelError(hand[k], ref[k]);
    return {
      gradient,
      against,
      elements: hand[k].length,
      relError: e,
      maxElementRelError: maxElementRelError(hand[k], ref[k]),
      threshold,
      pass: e < threshold,
    };
  });
}

/**
 * The four formulas against central differences with step {@link FD_STEP}: dE/dz² and dE/dz¹
 * of each sample's own loss E_n = −t·log y (the exercise's per-sample form), dE/dW² and dE/dW¹
 * of the batch loss E including (λ/2)‖w‖².
 */
export function finiteDifferenceChecks(
  net: SigmoidNet,
  b: Batch,
  lambda: number,
  f: Formulas = FORMULAS,
): GradientCheck[] {
  const hand = handGradients(net, b, lambda, f);
  const fdZ2 = new Float64Array(hand.dz2.length), fdZ1 = new Float64Array(hand.dz1.length);
  for (let i = 0; i < b.n; i++) {
    const x = b.x.subarray(i * net.inputs, (i + 1) * net.inputs);
    const { z1, z2 } = forwardSample(net, x);
    const label = b.labels[i];
    fdZ2.set(
      centralDifferences(() => crossEntropy(softmaxVec(z2), label), z2, FD_STEP),
      i * net.classes,
    );
    // z¹ → y¹ → z² → y, with W² fixed.
    const fromZ1 = () => {
      const y1 = z1.map(sigma);
      const s = new Float64Array(net.classes);
      for (let k = 0; k < net.classes; k++) {
        for (let j = 0; j < net.hidden; j++) s[k] += net.w2[k * net.hidden + j] * y1[j];
      }
      return crossEntropy(softmaxVec(s), label);
    };
    fdZ1.set(centralDifferences(fromZ1, z1, FD_STEP), i * net.hidden);
  }
  const E = () => loss(net, b, lambda);
  const fd = {
    dz2: fdZ2,
    dz1: fdZ1,
    dW2: centralDifferences(E, net.w2, FD_STEP),
    dW1: centralDifferences(E, net.w1, FD_STEP),
  };
  return fourChecks(`central differences, h = ${FD_STEP}`, hand, fd, FD_THRESHOLD);
}

/**
 * The toolkit's autograd gradients of the same loss, built from ops on the current device in
 * `dtype`: z¹ = X·W¹ᵀ, y¹ = sigmoid(z¹), z² = y¹·W²ᵀ, E = softmaxCrossEntropy(z², labels) +
 * (λ/2)(ΣW¹² + ΣW²²). The z gradients of the batch mean are multiplied by N to give each sample's
 * own dE_n/dz.
 */
export async function autogradGradients(
  net: SigmoidNet,
  b: Batch,
  lambda: number,
  dtype: "float32" | "float64",
): Promise<HandGradients> {
  const gs = tidy(() => {
    const x = tensor(Float64Array.from(b.x), [b.n, net.inputs], dtype);
    const w1 = tensor(net.w1, [net.hidden, net.inputs], dtype);
    const w2 = tensor(net.w2, [net.classes, net.hidden], dtype);
    w1.requiresGrad = w2.requiresGrad = true;
    const z1 = matmul(x, w1, { transposeB: true });
    const z2 = matmul(sigmoid(z1), w2, { transposeB: true });
    const labels = tensor(Int32Array.from(b.labels), [b.n]);
    const decay = mulScalar(add(sum(square(w1)), sum(square(w2))), lambda / 2);
    const e = add(softmaxCrossEntropy(z2, labels), decay);
    return gradients(e, [z2, z1, w2, w1]).map((g) => g!) as Tensor[];
  });
  const host = await Promise.all(gs.map((g) => g.data()));
  for (const g of gs) g.dispose();
  const perSample = (a: ArrayLike<number>) => Float64Array.from(a, (v) => v * b.n);
  return {
    dz2: perSample(host[0]),
    dz1: perSample(host[1]),
    dW2: Float64Array.from(host[2]),
    dW1: Float64Array.from(host[3]),
  };
}

/** The four formulas against the toolkit's autograd on the current device. */
export async function autogradChecks(
  net: SigmoidNet,
  b: Batch,
  lambda: number,
  dtype: "float32" | "float64",
  device: string,
  f: Formulas = FORMULAS,
): Promise<GradientCheck[]> {
  const hand = handGradients(net, b, lambda, f);
  const auto = await autogradGradients(net, b, lambda, dtype);
  const threshold = dtype === "float64" ? AUTOGRAD_THRESHOLD_F64 : AUTOGRAD_THRESHOLD_F32;
  return fourChecks(`toolkit autograd, ${dtype} on ${device}`, hand, auto, threshold);
}
