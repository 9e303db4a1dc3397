import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { cast } from "./elementwise.ts";
import { gather } from "./indexing.ts";

/**
 * Embedding lookup: rows of a [inputDim, outputDim] table for integer ids of any shape, as
 * gather of the flattened ids. Its gradient is gather's scatter-add (scatterAddRows): on the
 * CPU the rows of dy are added in index order; the WGSL kernel gives each table element one
 * invocation that loops over the ids in the same order (no float atomics, which WGSL lacks),
 * so every backend sums the same terms in the same order. Out-of-range ids raise gather's
 * error (kernels/index_errors.ts) on every backend.
 */
export function embeddingLookup(table: Tensor, ids: Tensor): Tensor {
  if (table.rank !== 2) {
    throw new Error(
      `embeddingLookup: table must be [inputDim, outputDim], got ${fmtShape(table.shape)}`,
    );
  }
  // Keras casts float ids to int32 too.
  const flat = (ids.dtype === "int32" ? ids : cast(ids, "int32")).reshape([ids.size]);
  return gather(table, flat).reshape([...ids.shape, table.shape[1]]);
}
