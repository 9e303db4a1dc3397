/** The `datasets` namespace of mod.ts. */
export { mnist } from "./mnist.ts";
export { fashionMnist } from "./fashion_mnist.ts";
export type { Dataset } from "./dataset.ts";
