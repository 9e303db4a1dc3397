import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase } from "../op.ts";
import { getUpdateRule, updateRules } from "../optim/update_rule.ts";
import { fmtShape, sameShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import type { UpdateAttrs } from "./optimizer_step.ts";

/**
 * `optimizerStep` over several parameters in one kernel: on WebGPU each dispatch costs host
 * time, and a network's parameters are many small tensors (a small CNN: 8 parameters, 8 kernels).
 * Unlike optimizerStep it updates θ in place as well as the state, since an op has one output;
 * that output is a scalar holding the number of parameters updated. The per-element math is the
 * rule's one definition (kernels/optim/update_rule.ts), so the numbers equal optimizerStep's.
 */

/** A rule, this step's hyperparameters and how many parameters the inputs hold. */
export interface GroupAttrs extends UpdateAttrs {
  /** Parameters in the group: the inputs are `count` blocks of θ, g and the rule's state. */
  count: number;
}

/** Inputs per parameter: θ, g and the rule's state. */
export function groupBlock(rule: string): number {
  return 2 + getUpdateRule(rule).state.length;
}

/** Registry cases: every rule on two parameters of different shapes. */
function cases(): OpTestCase<GroupAttrs>[] {
  return updateRules().map((r) => ({
    name: r.name,
    inputs: [[3, 5], [4]].flatMap((shape) => [
      { shape },
      { shape },
      ...r.state.map(() => ({ shape, positive: true })),
    ]),
    attrs: { rule: r.name, hyper: r.example, count: 2 },
  }));
}

const optimizerStepGroupDef = defineOp<GroupAttrs>({
  name: "optimizerStepGroup",
  infer: (inputs, { rule, hyper, count }) => {
    const r = getUpdateRule(rule);
    const block = groupBlock(rule);
    const where = `optimizerStepGroup(${rule})`;
    if (!(Number.isInteger(count) && count >= 1) || inputs.length !== count * block) {
      throw new Error(
        `${where}: needs ${count} blocks of θ, g and ${r.state.length} state tensors ` +
          `(${r.state.join(", ")}), got ${inputs.length} inputs`,
      );
    }
    for (let b = 0; b < count; b++) {
      const ts = inputs.slice(b * block, (b + 1) * block);
      if (ts.some((t) => !sameShape(t.shape, ts[0].shape) || t.dtype !== inputs[0].dtype)) {
        throw new Error(
          `${where}: parameter ${b}'s θ, g and state must share one shape and dtype, got ${
            ts.map((t) => t.dtype + fmtShape(t.shape)).join(", ")
          }`,
        );
      }
    }
    if (inputs[0].dtype === "int32") throw new Error(`${where}: parameters must be float`);
    const missing = r.hyper.filter((h) => !Number.isFinite(hyper[h]));
    if (missing.length) throw new Error(`${where}: hyperparameters ${missing.join(", ")} missing`);
    return { shape: [], dtype: inputs[0].dtype };
  },
  // θ and the state of every block; never the gradients.
  mutates: ({ rule }: GroupAttrs, n: number) => {
    const block = groupBlock(rule);
    return Array.from({ length: n }, (_, i) => i).filter((i) => i % block !== 1);
  },
  cpu: (inputs, { rule, hyper, count }, out) => {
    const r = getUpdateRule(rule), block = groupBlock(rule);
    for (let b = 0; b < count; b++) {
      const ins = inputs.slice(b * block, (b + 1) * block);
      // In place: the rule reads every input of element i before it writes element i.
      r.reference(ins, hyper, ins[0].data);
    }
    out[0] = count;
  },
  noGradReason: "an optimiser update, applied outside autograd",
  // Read when the tests run, so rules defined by the optimiser modules are all there.
  get tests() {
    return cases();
  },
});

/**
 * One step of `attrs.rule` for every parameter `ps[k]` with gradient `gs[k]` and state
 * `states[k]`, θ and state updated in place, in one kernel. Each tensor must own its storage
 * (runOp refuses a shared one). Example: `optimizerStepGroup([w, b], [gw, gb], [[vw], [vb]], a)`.
 */
export function optimizerStepGroup(
  ps: Tensor[],
  gs: Tensor[],
  states: Tensor[][],
  attrs: UpdateAttrs,
): void {
  const inputs = ps.flatMap((p, k) => [p, gs[k], ...states[k]]);
  runOp(optimizerStepGroupDef, inputs, { ...attrs, count: ps.length }).dispose();
}
