/**
 * Way 3: the circles MLP from the toolkit's layer modules (Sequential of two dense layers), the
 * gradient from autograd over `model.parameters()`, the SGD step still written by hand.
 * @module
 */
import type { ToySplit } from "../../datasets/toy.ts";
import { gradients } from "../../kernels/autograd.ts";
import { noGrad, tidy } from "../../kernels/engine.ts";
import { argmax, gather, mulScalar, softmaxCrossEntropy, sub } from "../../kernels/ops/mod.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import {
  batchOrder,
  type CirclesConfig,
  type CirclesCurves,
  type CirclesEpoch,
  circlesModel,
} from "./setup.ts";
import { countRight, scoreLogits } from "./toolkit_score.ts";

/** Trains `circlesModel(c.seed)` on `train` and reports each epoch. */
export function trainModules(train: ToySplit, test: ToySplit, c: CirclesConfig): CirclesCurves {
  const model = circlesModel(c.seed);
  const params = model.parameters();
  // The softmax is left out (logits: true) so the loss is the fused, stable softmax + CE.
  const logits = (x: Tensor) => model.apply(x, { training: true, logits: true });
  const yAll = tensor(train.y);
  const epochs: CirclesEpoch[] = [];
  try {
    for (const steps of batchOrder(train.y.length, c)) {
      let lossSum = 0, right = 0, seen = 0;
      for (const idx of steps) {
        const [loss, pred] = tidy(() => {
          const z = logits(gather(train.x, idx));
          const l = softmaxCrossEntropy(z, gather(yAll, idx));
          const grads = gradients(l, params);
          noGrad(() => params.forEach((p, k) => p.assign(sub(p, mulScalar(grads[k]!, c.lr)))));
          return [l.dataSync()[0], argmax(z).dataSync()] as const;
        });
        lossSum += loss * idx.length;
        right += countRight(pred, Array.from(idx, (i) => train.y[i]));
        seen += idx.length;
      }
      const t = scoreLogits(logits, test.x, test.y);
      epochs.push({
        epoch: epochs.length + 1,
        loss: lossSum / seen,
        acc: right / seen,
        testLoss: t.loss,
        testAcc: t.acc,
      });
    }
    const [w1, b1, w2, b2] = params.map((p) => Float32Array.from(p.dataSync()));
    return { way: "layer modules (Sequential)", epochs, final: { w1, b1, w2, b2 } };
  } finally {
    model.dispose();
    yAll.dispose();
  }
}
