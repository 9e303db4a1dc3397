import { noGrad } from "../../kernels/engine.ts";
import type { TypedArray } from "../../kernels/dtype.ts";
import { tensor } from "../../kernels/tensor.ts";
import type { Layer } from "../../layers/layer.ts";

/** A host copy of every weight of a model (parameters and state), to put back later. */
export interface WeightSnapshot {
  values: TypedArray[];
}

/** Copies `model`'s weights to the host (one readback per tensor). */
export async function snapshotWeights(model: Layer): Promise<WeightSnapshot> {
  const values: TypedArray[] = [];
  for (const w of model.weights()) values.push((await w.tensor.data()).slice() as TypedArray);
  return { values };
}

/** Puts `snap` back into `model` (the same model, so the same weights in the same order). */
export function restoreWeights(model: Layer, snap: WeightSnapshot): void {
  const ws = model.weights();
  if (ws.length !== snap.values.length) {
    throw new Error(`restoreWeights: ${snap.values.length} saved tensors for ${ws.length} weights`);
  }
  noGrad(() =>
    ws.forEach((w, i) => {
      const t = tensor(snap.values[i], w.tensor.shape, w.tensor.dtype);
      w.tensor.assign(t);
      t.dispose();
    })
  );
}
