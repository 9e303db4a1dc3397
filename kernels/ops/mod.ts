/** Every op family; importing this registers all ops. */
export * from "./elementwise.ts";
export * from "./reduce.ts";
export * from "./matmul.ts";
export * from "./conv2d.ts";
export * from "./pool.ts";
export * from "./softmax.ts";
export * from "./indexing.ts";
export * from "./dropout.ts";
export * from "./optimizer_step.ts";
export * from "./augment.ts";
export * from "./batch_norm.ts";
// The fast CPU kernels plug in over the reference ones once the ops exist.
import "../cpu/fast_kernels.ts";
