import type { Tensor } from "../kernels/tensor.ts";

/** A labelled set of samples: x [N, ...] on the device, y int32 class ids (or a target tensor). */
export interface Dataset {
  x: Tensor;
  y: Int32Array | Tensor;
  classNames?: string[];
}

/**
 * A classification image set such as MNIST: x [N, rows, cols, 1] float32 in [0, 1], y the class
 * ids, `classNames[y[i]]` the name of sample i. Narrower than {@link Dataset} so that callers
 * can use `y.length` and `classNames` without casts.
 */
export interface ImageDataset extends Dataset {
  y: Int32Array;
  classNames: string[];
}
