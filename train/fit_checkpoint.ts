/**
 * `fit`'s resumable checkpoint: one safetensors file (written atomically) holding the model's
 * weights (`model/<name>`), the optimiser's state tensors (`optimizer/<index>/<slot>`) and, in
 * its metadata, the epoch, the global step, the optimiser's step count and learning rate, the
 * layers' random state (dropout counters), the history and the state of stateful callbacks
 * (`callbacks/<index>:<class>/<k>` tensors, values in the metadata). The batch order needs no storing: it
 * is replayed from the seed (see fit.ts), which the checkpoint checks along with the data size.
 * @module
 */
import { join } from "node:path";
import type { Tensor } from "../kernels/tensor.ts";
import type { Layer } from "../layers/layer.ts";
import { readSafetensors, type SafetensorsFile, writeSafetensors } from "../io/safetensors.ts";
import { assignWeights, matchWeights, type WeightEntry, weightsToHost } from "../io/weights.ts";
import type { Callback, CallbackState } from "./callbacks/callback.ts";
import { matchCallbackStates, saveCallbackStates } from "./callbacks/callback_state.ts";
import type { EpochRecord } from "./history.ts";
import { layerRandomStates, restoreLayerRandomStates } from "./layer_random_state.ts";
import {
  type OptimizerScalars,
  optimizerScalars,
  optimizerStateEntries,
  restoreOptimizerScalars,
} from "./optimizer_state.ts";
import type { Optimizer } from "./optimizers.ts";

/** The checkpoint's file name inside the folder given as `checkpoint` / `resumeFrom`. */
export const FIT_CHECKPOINT_FILE = "checkpoint.safetensors";
const FORMAT = "course-dl-toolkit/fit-checkpoint";

/** What must be the same for a run to resume another: the data and the batch order's inputs. */
export interface FitRunShape {
  trainSize: number;
  valSize: number;
  batchSize: number;
  stepsPerEpoch: number;
  shuffle: boolean;
  seed: number;
}

/** The scalar state of a run after an epoch. */
export interface FitCheckpointState {
  /** The last completed epoch (1-based). */
  epoch: number;
  /** Training steps taken so far. */
  steps: number;
  history: EpochRecord[];
  optimizer: OptimizerScalars;
  /** Layers' random state by path (see layer_random_state.ts). */
  random: Record<string, number[]>;
  run: FitRunShape;
  /** Stateful callbacks' values by `"<index>:<class>"` (see callback_state.ts). */
  callbacks?: Record<string, Record<string, unknown>>;
}

/** What a checkpoint is saved from and restored into. */
export interface FitCheckpointTarget {
  model: Layer;
  optimizer: Optimizer;
  /** The parameters the optimiser updates (`model.parameters()`). */
  params: Tensor[];
  /** fit's `callbacks`: the stateful ones' state is saved and restored too. */
  callbacks?: readonly Callback[];
}

/** A loaded checkpoint's state, with the callbacks' states matched to this run's callbacks. */
export interface LoadedFitCheckpoint extends FitCheckpointState {
  /** To put back with `applyCallbackStates` once the callbacks' `onTrainBegin` ran. */
  callbackStates: [Callback, CallbackState][];
}

function entries(t: FitCheckpointTarget): { model: WeightEntry[]; optimizer: WeightEntry[] } {
  return {
    model: t.model.weights().map((w) => ({ name: `model/${w.name}`, tensor: w.tensor })),
    optimizer: optimizerStateEntries(t.optimizer, t.params).map((e) => ({
      name: `optimizer/${e.name}`,
      tensor: e.tensor,
    })),
  };
}

// JSON has no NaN (a regression run's acc) or Infinity: they travel as strings.
const encode = (_k: string, v: unknown) =>
  typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
const decode = (_k: string, v: unknown) =>
  v === "NaN" || v === "Infinity" || v === "-Infinity" ? Number(v) : v;

/**
 * Writes the checkpoint of `target` after epoch `state.epoch` into folder `dir` (atomically: a
 * killed save leaves the previous checkpoint). Example: see fit's `checkpoint` option.
 */
export async function saveFitCheckpoint(
  dir: string,
  target: FitCheckpointTarget,
  state: Omit<FitCheckpointState, "optimizer" | "random" | "callbacks">,
): Promise<void> {
  const e = entries(target);
  const cbs = await saveCallbackStates(target.callbacks ?? []);
  const full: FitCheckpointState = {
    ...state,
    optimizer: optimizerScalars(target.optimizer),
    random: layerRandomStates(target.model),
    callbacks: cbs.values,
  };
  const host = { ...await weightsToHost([...e.model, ...e.optimizer]), ...cbs.tensors };
  await writeSafetensors(join(dir, FIT_CHECKPOINT_FILE), host, {
    format: FORMAT,
    state: JSON.stringify(full, encode),
  });
}

function part(file: SafetensorsFile, prefix: string): SafetensorsFile {
  return {
    metadata: file.metadata,
    tensors: new Map([...file.tensors].filter(([name]) => name.startsWith(prefix))),
  };
}

/**
 * Reads the checkpoint in `dir`, checks that it fits this run (`run`, the model's weights, the
 * optimiser's kind and state, the random layers), each mismatch a clear error naming it, and
 * only then restores the weights, the optimiser and the random state. Returns the saved state.
 */
export async function loadFitCheckpoint(
  dir: string,
  target: FitCheckpointTarget,
  run: FitRunShape,
): Promise<LoadedFitCheckpoint> {
  const path = join(dir, FIT_CHECKPOINT_FILE);
  const src = `fit: resumeFrom ${dir}`;
  const file = await readSafetensors(path).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new Error(
      `${src}: no ${FIT_CHECKPOINT_FILE} (a folder written by fit(..., { checkpoint: dir }))`,
    );
  });
  if (file.metadata.format !== FORMAT || !file.metadata.state) {
    throw new Error(`${src}: ${FIT_CHECKPOINT_FILE} is not a fit checkpoint`);
  }
  const state = JSON.parse(file.metadata.state, decode) as FitCheckpointState;
  for (const k of Object.keys(run) as (keyof FitRunShape)[]) {
    if (state.run[k] !== run[k]) {
      throw new Error(
        `${src}: ${k} is ${state.run[k]} in the checkpoint but ${run[k]} in this run; ` +
          "resume with the same data and fit options",
      );
    }
  }
  if (state.optimizer.name !== target.optimizer.name) {
    restoreOptimizerScalars(target.optimizer, state.optimizer, src); // throws, naming both
  }
  const e = entries(target);
  const matched = (list: WeightEntry[], prefix: string, what: string) => {
    try {
      return matchWeights(list, part(file, prefix), path);
    } catch (err) {
      throw new Error(
        `${src}: the checkpoint was written for a different ${what}: ${(err as Error).message}`,
      );
    }
  };
  const model = matched(e.model, "model/", "model");
  const opt = matched(e.optimizer, "optimizer/", "optimizer state");
  const callbackStates = matchCallbackStates(target.callbacks ?? [], state.callbacks, file, src);
  restoreLayerRandomStates(target.model, state.random, src);
  assignWeights(e.model, model);
  assignWeights(e.optimizer, opt);
  restoreOptimizerScalars(target.optimizer, state.optimizer, src);
  return { ...state, callbackStates };
}
