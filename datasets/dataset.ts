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

/**
 * Gives `d` a `Symbol.dispose` that frees its tensors (x, and y when it is one), so
 * `using train = disposable({ x, y })` frees them at the end of the scope.
 */
export function disposable<D extends Dataset>(d: D): D & Disposable {
  return Object.assign(d, {
    [Symbol.dispose]() {
      if (!d.x.isDisposed) d.x.dispose();
      if (!(d.y instanceof Int32Array) && !d.y.isDisposed) d.y.dispose();
    },
  });
}

/** Gives a `{ train, test }` pair a `Symbol.dispose` that frees both splits. */
export function disposableSplits<S extends { train: Dataset; test: Dataset }>(
  s: S,
): S & Disposable {
  const train = disposable(s.train), test = disposable(s.test);
  return Object.assign(s, {
    [Symbol.dispose]() {
      train[Symbol.dispose]();
      test[Symbol.dispose]();
    },
  });
}
