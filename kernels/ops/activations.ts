import { runOp } from "../engine.ts";
import { defineOp, type OpDef, type OpTestCase, type TensorInfo } from "../op.ts";
import { fmtShape, sameShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { mul } from "./elementwise.ts";

/**
 * Activation ops beyond relu/sigmoid/tanh: leakyRelu, elu, selu, gelu (exact and tanh),
 * silu/swish, softplus, hardSigmoid, relu6. Each is one table entry (kernels/ops/activation_math.ts
 * holds the formulas, the WGSL twins are in kernels/webgpu/kernels/activations.ts), from which
 * two ops are defined: the activation and its backward pass `<name>Grad(dy, x)` = dy·f′(x) in
 * one kernel (NaN where x is NaN, as reluGrad). The backward op is differentiable too, so
 * second derivatives work (gradient penalties, Hessian-vector products): in dy it is itself, in
 * x it is `<name>Grad2(g·dy, x)` = g·dy·f″(x), a third op where f″ is not zero almost
 * everywhere (elu, selu, gelu, silu, softplus; leakyRelu, hardSigmoid and relu6 have a
 * piecewise-constant f′). Grad2 has no gradient of its own: no third derivatives.
 */

import { ACTIVATION_MATH, type ActivationAttrs } from "./activation_math.ts";
export type { ActivationAttrs, GeluApproximation } from "./activation_math.ts";

function floatInfo(name: string, x: TensorInfo): TensorInfo {
  if (x.dtype === "int32") throw new Error(`${name}: needs a float tensor, got int32`);
  return { shape: [...x.shape], dtype: x.dtype };
}

const defs = new Map<string, { op: OpDef<ActivationAttrs>; grad: OpDef<ActivationAttrs> }>();

/**
 * The op `dy·d(x)` of two same-shape float tensors (`<name>Grad`: d = f′, `<name>Grad2`:
 * d = f″), NaN where x is NaN.
 */
function scaledByDerivative(
  opName: string,
  d: (x: number, a: ActivationAttrs) => number,
  rest: Pick<OpDef<ActivationAttrs>, "grad" | "gradOf" | "tests">,
): OpDef<ActivationAttrs> {
  return defineOp<ActivationAttrs>({
    name: opName,
    infer: ([dy, x]) => {
      if (!sameShape(dy.shape, x.shape) || dy.dtype !== x.dtype) {
        throw new Error(
          `${opName}: needs dy and x of one dtype and shape, got ${dy.dtype}` +
            `${fmtShape(dy.shape)} and ${x.dtype}${fmtShape(x.shape)}`,
        );
      }
      return floatInfo(opName, x);
    },
    cpu: ([dy, x], attrs, out) => {
      for (let i = 0; i < out.length; i++) {
        const v = x.data[i];
        out[i] = v !== v ? v : dy.data[i] * d(v, attrs);
      }
    },
    ...rest,
  });
}

for (const [name, m] of Object.entries(ACTIVATION_MATH)) {
  const grad2Def = m.d2f &&
    scaledByDerivative(`${name}Grad2`, m.d2f, { gradOf: `${name}Grad`, tests: [] });
  const gradDef: OpDef<ActivationAttrs> = scaledByDerivative(`${name}Grad`, m.df, {
    // d/d(dy) is the op itself; d/dx is g·dy·f″(x), or nothing where f″ is zero a.e.
    grad: (g, { inputs: [dy, x], attrs }) => [
      runOp(gradDef, [g, x], attrs),
      grad2Def ? () => runOp(grad2Def, [mul(g, dy), x], attrs) : null,
    ],
    // dy and x, x as in the activation's own cases: the float64 check of its second derivative.
    tests: m.cases.map((c) => ({
      name: c.name,
      inputs: [{ shape: c.shape }, { shape: c.shape, distinct: c.distinct }],
      attrs: c.attrs,
    })),
  });
  const cases: OpTestCase<ActivationAttrs>[] = m.cases.map((c) => ({
    name: c.name,
    inputs: [{ shape: c.shape, distinct: c.distinct }],
    attrs: c.attrs,
  }));
  const def = defineOp<ActivationAttrs>({
    name,
    infer: ([x]) => floatInfo(name, x),
    cpu: ([x], attrs, out) => {
      for (let i = 0; i < out.length; i++) out[i] = m.f(x.data[i], attrs);
    },
    grad: (dy, { inputs: [x], attrs }) => [runOp(gradDef, [dy, x], attrs)],
    tests: cases,
  });
  defs.set(name, { op: def, grad: gradDef });
}

function apply(name: string, x: Tensor, attrs: ActivationAttrs = {}): Tensor {
  return runOp(defs.get(name)!.op, [x], attrs);
}

/**
 * x where x > 0, else alpha·x (TF.js `leakyRelu`, default alpha 0.2 as TF.js and Keras 3's
 * `leaky_relu`). Example: `leakyRelu(x, 0.1)`.
 */
export function leakyRelu(x: Tensor, alpha = 0.2): Tensor {
  return apply("leakyRelu", x, { alpha });
}

/** x where x > 0, else alpha·(eˣ − 1) (default alpha 1, as Keras and PyTorch). */
export function elu(x: Tensor, alpha = 1): Tensor {
  return apply("elu", x, { alpha });
}

/**
 * Scaled ELU: scale·elu(x, alpha) with Klambauer et al.'s constants scale ≈ 1.0507 and
 * alpha ≈ 1.6733 (Keras, PyTorch).
 */
export function selu(x: Tensor): Tensor {
  return apply("selu", x);
}

/**
 * Gaussian error linear unit x·Φ(x). `approximate: "none"` (default, PyTorch's default and
 * Keras' `activations.gelu`) uses the erf form; `"tanh"` uses
 * 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) as PyTorch's `approximate="tanh"`.
 * Example: `gelu(h, { approximate: "tanh" })`.
 */
export function gelu(x: Tensor, opts: { approximate?: "none" | "tanh" } = {}): Tensor {
  const approximate = opts.approximate ?? "none";
  if (approximate !== "none" && approximate !== "tanh") {
    throw new Error(`gelu: approximate must be "none" or "tanh", got "${approximate}"`);
  }
  return apply("gelu", x, { approximate });
}

/** x·sigmoid(x) (Keras and PyTorch `silu`; also called swish). */
export function silu(x: Tensor): Tensor {
  return apply("silu", x);
}

/** The same function as {@link silu} (TF.js and Keras 2's name). */
export const swish = silu;

/** log(1 + eˣ), computed stably as max(x, 0) + log1p(e^−|x|). */
export function softplus(x: Tensor): Tensor {
  return apply("softplus", x);
}

/**
 * relu6(x + 3) / 6: 0 for x ≤ −3, 1 for x ≥ 3, x/6 + 0.5 between. This is Keras 3's (and
 * PyTorch's) definition; Keras 2 and TF.js used clip(0.2x + 0.5, 0, 1).
 */
export function hardSigmoid(x: Tensor): Tensor {
  return apply("hardSigmoid", x);
}

/** min(max(x, 0), 6) (Keras and PyTorch `relu6`). */
export function relu6(x: Tensor): Tensor {
  return apply("relu6", x);
}
