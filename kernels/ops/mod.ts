/**
 * Every op as a function (`add`, `matmul`, `conv2d`, …). Importing this module loads the whole
 * toolkit: the ops, the tensor methods and the default CPU backend with its kernels.
 * @module
 */
import "../toolkit.ts";

export * from "./all.ts";
