import { memory } from "../../kernels/engine.ts";

/**
 * Tensors made and not disposed: live plus those the garbage collector released. Unlike the live
 * count alone it does not drop when an unrelated leaked tensor is collected mid-test.
 */
export function undisposed(): number {
  const m = memory();
  return m.tensors + m.collected;
}
