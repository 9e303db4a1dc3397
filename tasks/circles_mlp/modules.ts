/**
 * Way 3: the circles MLP from the toolkit's layer modules (Sequential of two dense layers), the
 * gradient from autograd over `model.parameters()`, the SGD step still written by hand.
 * @module
 */
import type { ToySplit } from "../../datasets/toy.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { type CirclesConfig, type CirclesCurves, circlesModel, hostWeights } from "./setup.ts";
import { trainWithAutograd } from "./autograd_loop.ts";

/** Trains `circlesModel(c.seed)` on `train` and reports each epoch. */
export function trainModules(train: ToySplit, test: ToySplit, c: CirclesConfig): CirclesCurves {
  const model = circlesModel(c.seed);
  const params = model.parameters();
  // The model ends in logits, so the loss is the fused, stable softmax + CE.
  const logits = (x: Tensor) => model.apply(x, { training: true });
  try {
    const epochs = trainWithAutograd(logits, params, train, test, c);
    return { way: "layer modules (Sequential)", epochs, final: hostWeights(params) };
  } finally {
    model.dispose();
  }
}
