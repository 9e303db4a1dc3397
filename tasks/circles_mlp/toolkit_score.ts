/**
 * Loss and accuracy from a toolkit forward pass, shared by the ways that use toolkit tensors
 * (autograd with raw tensors, layer modules).
 * @module
 */
import { noGrad, tidy } from "../../kernels/engine.ts";
import { argmax, softmaxCrossEntropy } from "../../kernels/ops/mod.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";

/** Mean cross-entropy and accuracy of `logits(x)` on labels `y`, without recording gradients. */
export function scoreLogits(
  logits: (x: Tensor) => Tensor,
  x: Tensor,
  y: Int32Array,
): { loss: number; acc: number } {
  return tidy(() =>
    noGrad(() => {
      const z = logits(x);
      const loss = softmaxCrossEntropy(z, tensor(y)).dataSync()[0];
      return { loss, acc: countRight(argmax(z).dataSync(), y) / y.length };
    })
  );
}

/** Number of entries of `pred` equal to `y` (both on the host). */
export function countRight(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) right++;
  return right;
}
