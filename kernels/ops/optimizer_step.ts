import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase } from "../op.ts";
import { getUpdateRule, updateRules } from "../optim/update_rule.ts";
import { fmtShape, sameShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";

/**
 * One fused optimiser update per parameter: reads θ, g and the rule's state, writes the state
 * in place and returns the new θ, in one kernel instead of the eight to twelve elementwise ops
 * the same formula takes when written with tensor ops. The rules are defined once with
 * `defineUpdateRule` (kernels/optim/update_rule.ts); each backend's kernel comes from that
 * definition.
 */

/** The rule to apply and this step's hyperparameters (changing them never recompiles). */
export interface UpdateAttrs {
  /** A rule defined with `defineUpdateRule` ("adam"). */
  rule: string;
  /** Every hyperparameter the rule names, by name ({ learningRate: 1e-3, beta1: 0.9, … }). */
  hyper: Record<string, number>;
}

/** Registry cases: every defined rule on a 3×5 parameter with positive state. */
function cases(): OpTestCase<UpdateAttrs>[] {
  return updateRules().map((r) => ({
    name: r.name,
    inputs: [
      { shape: [3, 5] },
      { shape: [3, 5] },
      ...r.state.map(() => ({ shape: [3, 5], positive: true })),
    ],
    attrs: { rule: r.name, hyper: r.example },
  }));
}

const optimizerStepDef = defineOp<UpdateAttrs>({
  name: "optimizerStep",
  infer: (inputs, { rule, hyper }) => {
    const r = getUpdateRule(rule);
    const [p] = inputs;
    const want = 2 + r.state.length;
    if (inputs.length !== want || inputs.some((t) => !sameShape(t.shape, p.shape))) {
      throw new Error(
        `optimizerStep(${rule}): needs θ, g and ${r.state.length} state tensors ` +
          `(${r.state.join(", ")}) of one shape, got ${
            inputs.map((t) => fmtShape(t.shape)).join(", ")
          }`,
      );
    }
    const missing = r.hyper.filter((h) => !Number.isFinite(hyper[h]));
    if (missing.length) {
      throw new Error(`optimizerStep(${rule}): hyperparameters ${missing.join(", ")} missing`);
    }
    return { shape: [...p.shape], dtype: p.dtype };
  },
  // Every state slot a rule may have.
  mutates: [2, 3, 4, 5],
  cpu: (inputs, { rule, hyper }, out) => getUpdateRule(rule).reference(inputs, hyper, out),
  noGradReason: "an optimiser update, applied outside autograd",
  // Read when the tests run, so rules defined by the optimiser modules are all there.
  get tests() {
    return cases();
  },
});

/**
 * The new value of parameter `p` after one step of `attrs.rule` with gradient `g`; `state` (the
 * rule's state tensors, owned by the optimiser) is updated in place.
 */
export function optimizerStep(p: Tensor, g: Tensor, state: Tensor[], attrs: UpdateAttrs): Tensor {
  return runOp(optimizerStepDef, [p, g, ...state], attrs);
}
