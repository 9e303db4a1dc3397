/**
 * The error for an index outside its range in gather, oneHot, softmaxCrossEntropy's labels and
 * takeAlongAxis,
 * worded once for every backend: the CPU kernels throw it as they meet the index; WebGPU kernels
 * record the first one in an on-device flag and the backend throws it at the next readback
 * (webgpu/index_error_flag.ts). Example: `indexError("gather", 7, 2, 5)`.
 */

/** The ops that check indices, by the code a WebGPU kernel writes into the flag (1, 2, …). */
export const INDEX_ERROR_OPS = [
  "gather",
  "oneHot",
  "softmaxCrossEntropy",
  "takeAlongAxis",
] as const;

/** One of {@link INDEX_ERROR_OPS}. */
export type IndexErrorOp = typeof INDEX_ERROR_OPS[number];

const WHAT: Record<IndexErrorOp, [string, string, string, string]> = {
  gather: ["index", "position", "the rows of x", "indices"],
  oneHot: ["class", "row", "the depth", "class ids"],
  softmaxCrossEntropy: ["label", "row", "the classes of the logits", "labels"],
  takeAlongAxis: ["index", "position", "the axis of x", "indices"],
};

/** The message for `value` at position `at` outside [0, n) in op `op`. */
export function indexErrorMessage(op: IndexErrorOp, value: number, at: number, n: number): string {
  const [what, where, range, plural] = WHAT[op];
  return `${op}: ${what} ${value} at ${where} ${at} is outside [0, ${n}) (${range}); ` +
    `${plural} must be integers in that range`;
}

/** Throws {@link indexErrorMessage} as a RangeError. */
export function indexError(op: IndexErrorOp, value: number, at: number, n: number): never {
  throw new RangeError(indexErrorMessage(op, value, at, n));
}
