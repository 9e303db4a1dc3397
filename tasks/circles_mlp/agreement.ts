/**
 * Runs the four ways of writing the circles MLP from the same initial weights and batch order,
 * and measures how far their curves are apart.
 * @module
 */
import type { ToyData } from "../../datasets/toy.ts";
import { maxAbsDiff } from "../../train/finite_differences.ts";
import { trainAutogradRaw } from "./autograd_raw.ts";
import { trainManual } from "./manual.ts";
import { trainModules } from "./modules.ts";
import { trainOptimizerFit } from "./optimizer_fit.ts";
import { type CirclesConfig, type CirclesCurves, initialWeights } from "./setup.ts";

/**
 * Largest allowed |difference| of any epoch's training or test loss between two ways. The
 * manual way runs in float64, the others in float32 (about 6e-8 relative rounding per op), so
 * over 150 epochs of SGD their losses differ by ~1e-7; 1e-5 leaves two orders of margin and is
 * still far below what a wrong gradient term, another init or another batch order produces.
 */
export const LOSS_TOLERANCE = 1e-5;

/** How far one way is from the manual one. */
export interface WayGap {
  way: string;
  maxLossGap: number;
  maxTestLossGap: number;
  /** Largest |difference| of a final weight. */
  maxWeightGap: number;
  /** Largest |difference| of an epoch's test accuracy (a borderline point may flip). */
  maxTestAccGap: number;
}

/** The four ways' curves, in order: manual, autograd, modules, optimiser + fit. */
export async function runFourWays(data: ToyData, c: CirclesConfig): Promise<CirclesCurves[]> {
  const init = initialWeights(c.seed);
  return [
    trainManual(data.train, data.test, init, c),
    trainAutogradRaw(data.train, data.test, init, c),
    trainModules(data.train, data.test, c),
    await trainOptimizerFit(data.train, data.test, c),
  ];
}

/** Gaps of each way from the first (the manual, float64 one). */
export function gapsFromFirst(ways: CirclesCurves[]): WayGap[] {
  const ref = ways[0];
  return ways.slice(1).map((w) => {
    if (w.epochs.length !== ref.epochs.length) {
      throw new Error(`${w.way}: ${w.epochs.length} epochs, manual has ${ref.epochs.length}`);
    }
    const gap = (k: "loss" | "testLoss" | "testAcc") =>
      maxAbsDiff(w.epochs.map((e) => e[k]), ref.epochs.map((e) => e[k]));
    const keys = ["w1", "b1", "w2", "b2"] as const;
    return {
      way: w.way,
      maxLossGap: gap("loss"),
      maxTestLossGap: gap("testLoss"),
      maxWeightGap: Math.max(...keys.map((k) => maxAbsDiff(w.final[k], ref.final[k]))),
      maxTestAccGap: gap("testAcc"),
    };
  });
}

/** True when every way's training and test losses are within {@link LOSS_TOLERANCE}. */
export function agree(gaps: WayGap[]): boolean {
  return gaps.every((g) => g.maxLossGap <= LOSS_TOLERANCE && g.maxTestLossGap <= LOSS_TOLERANCE);
}
