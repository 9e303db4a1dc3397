/**
 * The random state layers keep between calls (dropout's mask counter): collected from a model
 * for a resumable checkpoint and put back on resuming. A layer takes part by having
 * `randomState(): number[]` and `setRandomState(s: number[])`.
 * @module
 */
import type { Layer } from "../layers/layer.ts";

/** A layer with random state between calls. */
interface RandomStateful {
  randomState(): number[];
  setRandomState(s: number[]): void;
}

function isRandomStateful(l: unknown): l is RandomStateful {
  const r = l as Partial<RandomStateful>;
  return typeof r.randomState === "function" && typeof r.setRandomState === "function";
}

/** Every layer of `model` (itself included), each with its path of child indices ("0/3"). */
function walk(model: Layer, path = "", out: [string, Layer][] = []): [string, Layer][] {
  out.push([path || ".", model]);
  model.children().forEach((c, i) => walk(c, path ? `${path}/${i}` : String(i), out));
  return out;
}

/** The random state of every layer that has one, by path. Example: `layerRandomStates(model)`. */
export function layerRandomStates(model: Layer): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [path, l] of walk(model)) if (isRandomStateful(l)) out[path] = l.randomState();
  return out;
}

/**
 * Puts saved random states back; throws, naming the layer, when the model's random layers differ
 * from the saved ones. `source` (the checkpoint) starts the error.
 */
export function restoreLayerRandomStates(
  model: Layer,
  saved: Record<string, number[]>,
  source: string,
): void {
  const layers = walk(model).flatMap(([p, l]): [string, RandomStateful][] =>
    isRandomStateful(l) ? [[p, l]] : []
  );
  const here = layers.map(([p]) => p).join(", ") || "none";
  const there = Object.keys(saved).join(", ") || "none";
  if (here !== there) {
    throw new Error(
      `${source}: the checkpoint was written for a different model (random layers at ${there}, ` +
        `this model has them at ${here}); resume with the same model`,
    );
  }
  for (const [p, l] of layers) l.setRandomState(saved[p]);
}
