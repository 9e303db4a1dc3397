/**
 * Method forms of the model-file functions (`await model.save(dir)`,
 * `await model.loadWeights(path)`), attached here so layers/ does not import io/.
 * @module
 */
import { Sequential } from "../layers/sequential.ts";
import { saveModel } from "./model_file.ts";
import { loadWeightsInto, type LoadWeightsOptions, saveWeights } from "./weights.ts";

declare module "../layers/sequential.ts" {
  interface Sequential {
    /** Saves model.json + model.safetensors into `dir`; see `saveModel`. */
    save(dir: string): Promise<void>;
    /** Saves the weights alone to a safetensors file, by name. */
    saveWeights(path: string): Promise<void>;
    /** Loads weights by name from a safetensors file; missing, extra or mis-shaped ones throw. */
    loadWeights(path: string, opts?: LoadWeightsOptions): Promise<void>;
  }
}

const p = Sequential.prototype;
p.save = function (dir) {
  return saveModel(this, dir);
};
p.saveWeights = function (path) {
  return saveWeights(this.weights(), path);
};
p.loadWeights = async function (path, opts) {
  await loadWeightsInto(this.weights(), path, opts);
};
