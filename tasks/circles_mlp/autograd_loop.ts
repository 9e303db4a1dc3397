/**
 * The training loop ways 2 and 3 share: autograd gives ∂L/∂θ for `params`, the SGD step is
 * written out as θ ← θ − lr·∂L/∂θ. The two ways differ only in how the net and its parameters are
 * built (raw tensors vs layer modules), which is what the four-way comparison is about.
 * @module
 */
import type { ToySplit } from "../../datasets/toy.ts";
import { gradients } from "../../kernels/autograd.ts";
import { noGrad, tidy } from "../../kernels/engine.ts";
import { argmax, gather, mulScalar, softmaxCrossEntropy, sub } from "../../kernels/ops/mod.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import { batchOrder, type CirclesConfig, type CirclesEpoch } from "./setup.ts";
import { countRight, scoreLogits } from "./toolkit_score.ts";

/** Trains `params` through `logits` (no softmax) on `train`; one entry per epoch. */
export function trainWithAutograd(
  logits: (x: Tensor) => Tensor,
  params: Tensor[],
  train: ToySplit,
  test: ToySplit,
  c: CirclesConfig,
): CirclesEpoch[] {
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
    return epochs;
  } finally {
    yAll.dispose();
  }
}
