/**
 * Tensors: the Tensor class and the functions that create them. Importing this module loads the
 * whole toolkit (every op, the tensor methods, the CPU backend with its kernels), so
 * `tensor([1, 2]).mul(3)` works with nothing else imported.
 * @module
 */
import "./toolkit.ts";

export {
  DataRef,
  fill,
  fromHost,
  type GraphNode,
  ones,
  scalar,
  Tensor,
  tensor,
  variable,
  zeros,
} from "./tensor_core.ts";
