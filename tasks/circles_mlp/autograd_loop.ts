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
import { type CirclesConfig, type CirclesEpoch, trainEpochs } from "./setup.ts";
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
  try {
    return trainEpochs(train.y.length, c, (idx, totals) => {
      const [loss, pred] = tidy(() => {
        const z = logits(gather(train.x, idx));
        const l = softmaxCrossEntropy(z, gather(yAll, idx));
        const grads = gradients(l, params);
        noGrad(() => params.forEach((p, k) => p.assign(sub(p, mulScalar(grads[k]!, c.lr)))));
        return [l.dataSync()[0], argmax(z).dataSync()] as const;
      });
      totals.loss += loss * idx.length;
      totals.right += countRight(pred, Array.from(idx, (i) => train.y[i]));
    }, () => scoreLogits(logits, test.x, test.y));
  } finally {
    yAll.dispose();
  }
}
