import type { Tensor } from "../kernels/tensor.ts";

/** A labelled set of samples: x [N, ...] on the device, y int32 class ids (or a target tensor). */
export interface Dataset {
  x: Tensor;
  y: Int32Array | Tensor;
  classNames?: string[];
}
