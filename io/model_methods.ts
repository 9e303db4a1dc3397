/**
 * Method forms of the model-file functions on every model, functional model, Sequential and
 * Module (`await model.save(dir)`, `await module.saveWeights(path)`,
 * `await module.loadWeights(path)`), attached here so layers/ does not import io/.
 * @module
 */
import { Layer } from "../layers/layer.ts";
import { Model } from "../layers/model.ts";
import { saveModel } from "./model_file.ts";
import { loadWeightsInto, type LoadWeightsOptions, saveWeights } from "./weights.ts";

declare module "../layers/layer.ts" {
  interface Layer {
    /**
     * Saves model.json + model.safetensors into `dir` (a Sequential or functional Model; a
     * Module is code and saves its weights instead); see `saveModel`.
     */
    save(dir: string): Promise<void>;
    /**
     * Saves every weight (parameters and state) to a safetensors file by name
     * (`block1.conv.kernel` in a Module), like PyTorch's `torch.save(model.state_dict())`.
     */
    saveWeights(path: string): Promise<void>;
    /**
     * Loads weights by name from a safetensors file into this (built) model, like
     * `load_state_dict`: a missing, extra (unless `{ strict: false }`) or mis-shaped tensor
     * throws, naming it, before any weight changes.
     */
    loadWeights(path: string, opts?: LoadWeightsOptions): Promise<void>;
  }
}

/** The weights of `l`, built first when it knows its input shape; a clear error otherwise. */
function builtWeights(l: Layer, what: string) {
  // A model builds itself from its graph; other layers need their input shape.
  if (!l.isBuilt && !(l instanceof Model)) {
    if (!l.inputShape) {
      throw new Error(
        `${what}: ${l.name} is not built, so it has no weights yet; call ` +
          "build(inputShape) on it (or apply it to a batch) first",
      );
    }
    l.ensureBuilt(l.inputShape);
  }
  return l.weights();
}

const p = Layer.prototype;
p.save = function (dir) {
  return saveModel(this, dir);
};
p.saveWeights = function (path) {
  return saveWeights(builtWeights(this, "saveWeights"), path);
};
p.loadWeights = async function (path, opts) {
  await loadWeightsInto(builtWeights(this, "loadWeights"), path, opts);
};
