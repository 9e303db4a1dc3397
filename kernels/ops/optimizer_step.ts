import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase } from "../op.ts";
import { fmtShape, sameShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";

/**
 * One fused optimiser update per parameter: reads θ, g and the optimiser's state, writes the
 * state in place and returns the new θ, in one kernel instead of the eight to twelve
 * elementwise ops the same formula takes when written with tensor ops.
 */

/** The update rules; `g'` below is g + λθ (coupled L2 decay) except for "ema". */
export type UpdateKind = "sgd" | "momentum" | "nesterov" | "ema" | "rmsprop" | "adam";

/** Hyperparameters of one step; `lr`, `c1`, `c2` change per step and never cost a recompile. */
export interface UpdateAttrs {
  kind: UpdateKind;
  lr: number;
  /** Weight decay λ. */
  wd: number;
  /** μ (momentum, ema), ρ (rmsprop) or β₁ (adam). */
  a: number;
  /** β₂ (adam). */
  b: number;
  eps: number;
  /** Adam's bias corrections 1/(1−β₁ᵗ) and 1/(1−β₂ᵗ). */
  c1: number;
  c2: number;
}

/** Number of state tensors each rule keeps. */
export const STATE_SLOTS: Record<UpdateKind, number> = {
  sgd: 0,
  momentum: 1,
  nesterov: 1,
  ema: 1,
  rmsprop: 1,
  adam: 2,
};

/** The CPU reference of one element: updates `s` in place and returns the new parameter. */
function cpuRule(p: number, g: number, s: number[], h: UpdateAttrs): number {
  const { lr, wd, a, b, eps, c1, c2 } = h;
  const gd = g + wd * p;
  switch (h.kind) {
    case "sgd":
      return p - lr * gd;
    case "momentum":
      s[0] = a * s[0] + gd;
      return p - lr * s[0];
    case "nesterov":
      s[0] = a * s[0] + gd;
      return p - lr * (gd + a * s[0]);
    case "ema":
      s[0] = a * s[0] + (1 - a) * g;
      return p - lr * (s[0] + wd * p);
    case "rmsprop":
      s[0] = a * s[0] + (1 - a) * gd * gd;
      return p - lr * gd / (Math.sqrt(s[0]) + eps);
    case "adam":
      s[0] = a * s[0] + (1 - a) * gd;
      s[1] = b * s[1] + (1 - b) * gd * gd;
      return p - lr * (s[0] * c1) / (Math.sqrt(s[1] * c2) + eps);
  }
}

const hyper = (kind: UpdateKind, extra: Partial<UpdateAttrs> = {}): UpdateAttrs => ({
  kind,
  lr: 0.1,
  wd: 0.01,
  a: 0.9,
  b: 0.999,
  eps: 1e-7,
  c1: 1 / (1 - 0.9 ** 3),
  c2: 1 / (1 - 0.999 ** 3),
  ...extra,
});

function cases(): OpTestCase<UpdateAttrs>[] {
  return (Object.keys(STATE_SLOTS) as UpdateKind[]).map((kind) => ({
    name: kind,
    inputs: [
      { shape: [3, 5] },
      { shape: [3, 5] },
      ...Array.from({ length: STATE_SLOTS[kind] }, () => ({ shape: [3, 5], positive: true })),
    ],
    attrs: hyper(kind),
  }));
}

const optimizerStepDef = defineOp<UpdateAttrs>({
  name: "optimizerStep",
  infer: (inputs, { kind }) => {
    const [p] = inputs;
    const want = 2 + STATE_SLOTS[kind];
    if (inputs.length !== want || inputs.some((t) => !sameShape(t.shape, p.shape))) {
      throw new Error(
        `optimizerStep(${kind}): needs θ, g and ${STATE_SLOTS[kind]} state tensors of one ` +
          `shape, got ${inputs.map((t) => fmtShape(t.shape)).join(", ")}`,
      );
    }
    return { shape: [...p.shape], dtype: p.dtype };
  },
  mutates: [2, 3],
  cpu: (inputs, h, out) => {
    const [p, g, ...state] = inputs.map((x) => x.data);
    const s = [0, 0];
    for (let i = 0; i < out.length; i++) {
      for (let k = 0; k < state.length; k++) s[k] = state[k][i];
      out[i] = cpuRule(p[i], g[i], s, h);
      for (let k = 0; k < state.length; k++) state[k][i] = s[k];
    }
  },
  noGradReason: "an optimiser update, applied outside autograd",
  tests: cases(),
});

/**
 * The new value of parameter `p` after one step of rule `h.kind` with gradient `g`; `state`
 * (the rule's {@link STATE_SLOTS} tensors, owned by the optimiser) is updated in place.
 */
export function optimizerStep(p: Tensor, g: Tensor, state: Tensor[], h: UpdateAttrs): Tensor {
  return runOp(optimizerStepDef, [p, g, ...state], h);
}
