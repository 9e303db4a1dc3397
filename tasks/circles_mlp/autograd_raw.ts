/**
 * Way 2: the circles MLP as raw toolkit tensors (four variables, matmul/add/tanh), the
 * gradient from autograd, the SGD step written out as θ ← θ − lr·∂L/∂θ.
 * @module
 */
import type { ToySplit } from "../../datasets/toy.ts";
import { gradients } from "../../kernels/autograd.ts";
import { noGrad, tidy } from "../../kernels/engine.ts";
import {
  add,
  argmax,
  gather,
  matmul,
  mulScalar,
  softmaxCrossEntropy,
  sub,
  tanh,
} from "../../kernels/ops/mod.ts";
import { type Tensor, tensor, variable } from "../../kernels/tensor.ts";
import {
  batchOrder,
  type CirclesConfig,
  type CirclesCurves,
  type CirclesEpoch,
  type CirclesWeights,
  HIDDEN,
} from "./setup.ts";
import { countRight, scoreLogits } from "./toolkit_score.ts";

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
    const [fw1, fb1, fw2, fb2] = params.map((p) => Float32Array.from(p.dataSync()));
    return { way: "autograd, raw tensors", epochs, final: { w1: fw1, b1: fb1, w2: fw2, b2: fb2 } };
  } finally {
    params.forEach((p) => p.dispose());
    yAll.dispose();
  }
}
