/**
 * The state of stateful callbacks (earlyStopping's best and wait, reduceLROnPlateau's wait and
 * cooldown, modelCheckpoint's best) as data, so fit's resumable checkpoint carries it and a
 * resumed run stops and drops its rate at the epochs the uninterrupted run would. Callbacks are
 * keyed by their position in `fit`'s `callbacks` and their class: `"0:EarlyStopping"`.
 * @module
 */
import type { TypedArray } from "../../kernels/dtype.ts";
import type { SafetensorsArray, SafetensorsFile } from "../../io/safetensors.ts";
import type { Callback, CallbackState } from "./callback.ts";

/** The saved form: the values by key, and the arrays as named checkpoint tensors. */
export interface SavedCallbackStates {
  values: Record<string, Record<string, unknown>>;
  tensors: Record<string, { shape: number[]; data: SafetensorsArray }>;
}

const PREFIX = "callbacks/";

/** `"<index>:<class>"`: how a checkpoint names a callback's state. */
export function callbackKey(c: Callback, i: number): string {
  return `${i}:${c.constructor?.name ?? "Object"}`;
}

function stateful(cbs: readonly Callback[]): [string, Callback][] {
  return cbs.flatMap((c, i): [string, Callback][] =>
    c.getState && c.setState ? [[callbackKey(c, i), c]] : []
  );
}

/** Collects every stateful callback's state for the checkpoint. */
export async function saveCallbackStates(cbs: readonly Callback[]): Promise<SavedCallbackStates> {
  const out: SavedCallbackStates = { values: {}, tensors: {} };
  for (const [key, c] of stateful(cbs)) {
    const s = await c.getState!();
    out.values[key] = { ...s.values, arrays: s.arrays?.length ?? 0 };
    s.arrays?.forEach((a, k) => {
      out.tensors[`${PREFIX}${key}/${k}`] = { shape: [a.length], data: a as SafetensorsArray };
    });
  }
  return out;
}

/**
 * Checks that the saved states fit `cbs` (the same stateful callbacks at the same positions) and
 * returns, per callback, what {@link applyCallbackStates} puts back; throws naming the mismatch.
 */
export function matchCallbackStates(
  cbs: readonly Callback[],
  saved: Record<string, Record<string, unknown>> | undefined,
  file: SafetensorsFile,
  source: string,
): [Callback, CallbackState][] {
  const here = stateful(cbs);
  // A checkpoint written before callback states were kept holds none.
  saved ??= {};
  const keys = (l: string[]) => l.join(", ") || "none";
  const there = Object.keys(saved);
  if (keys(here.map(([k]) => k)) !== keys(there)) {
    throw new Error(
      `${source}: the checkpoint holds the state of the callbacks ${keys(there)}, but this run ` +
        `has ${keys(here.map(([k]) => k))} (position:class in callbacks); resume with the same ` +
        "callbacks, in the same order",
    );
  }
  return here.map(([key, c]) => {
    const { arrays: n, ...values } = saved[key];
    const arrays = Array.from({ length: Number(n) || 0 }, (_, k) => {
      const t = file.tensors.get(`${PREFIX}${key}/${k}`);
      if (!t) throw new Error(`${source}: the state of callback ${key} lacks its array ${k}`);
      return t.data as TypedArray;
    });
    return [c, { values, arrays }];
  });
}

/** Puts matched states back (after `onTrainBegin`, which resets them). */
export function applyCallbackStates(matched: [Callback, CallbackState][]): void {
  for (const [c, s] of matched) c.setState!(s);
}
