/**
 * Way 4: the circles MLP the Keras way: layer modules, an optimiser object (`sgd`) and `fit`,
 * with the test split as validation data so every epoch reports test loss and accuracy.
 * @module
 */
import type { ToySplit } from "../../datasets/toy.ts";
import { fit } from "../../train/fit.ts";
import { sgd } from "../../train/optimizers.ts";
import { type CirclesConfig, type CirclesCurves, circlesModel, hostWeights } from "./setup.ts";

/** Trains `circlesModel(c.seed)` with `fit` and reports each epoch. */
export async function trainOptimizerFit(
  train: ToySplit,
  test: ToySplit,
  c: CirclesConfig,
): Promise<CirclesCurves> {
  const model = circlesModel(c.seed);
  const optimizer = sgd({ learningRate: c.lr });
  try {
    const h = await fit(model, train, {
      epochs: c.epochs,
      batchSize: c.batchSize,
      optimizer,
      loss: "softmaxCrossEntropy",
      validationData: test,
      seed: c.seed,
      verbose: false,
    });
    return {
      way: "optimiser object + fit",
      epochs: h.epochs.map((e) => ({
        epoch: e.epoch,
        loss: e.loss,
        acc: e.acc,
        testLoss: e.valLoss!,
        testAcc: e.valAcc!,
      })),
      final: hostWeights(model.parameters()),
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
