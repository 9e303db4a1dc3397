/**
 * Way 2: the circles MLP as raw toolkit tensors (four variables, matmul/add/tanh), the
 * gradient from autograd, the SGD step written out as θ ← θ − lr·∂L/∂θ.
 * @module
 */
import type { ToySplit } from "../../datasets/toy.ts";
import { add, matmul, tanh } from "../../kernels/ops/mod.ts";
import { type Tensor, tensor, variable } from "../../kernels/tensor.ts";
import {
  type CirclesConfig,
  type CirclesCurves,
  type CirclesWeights,
  HIDDEN,
  hostWeights,
} from "./setup.ts";
import { trainWithAutograd } from "./autograd_loop.ts";

/** Trains from `init` on `train` and reports each epoch. */
export function trainAutogradRaw(
  train: ToySplit,
  test: ToySplit,
  init: CirclesWeights,
  c: CirclesConfig,
): CirclesCurves {
  const w1 = variable(tensor(init.w1, [2, HIDDEN]));
  const b1 = variable(tensor(init.b1, [HIDDEN]));
  const w2 = variable(tensor(init.w2, [HIDDEN, 2]));
  const b2 = variable(tensor(init.b2, [2]));
  const params = [w1, b1, w2, b2];
  const logits = (x: Tensor) => add(matmul(tanh(add(matmul(x, w1), b1)), w2), b2);
  try {
    const epochs = trainWithAutograd(logits, params, train, test, c);
    return { way: "autograd, raw tensors", epochs, final: hostWeights(params) };
  } finally {
    params.forEach((p) => p.dispose());
  }
}
