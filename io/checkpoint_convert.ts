/**
 * The first round's `DLTKCKP1` checkpoints in the safetensors world: read as a safetensors file
 * in memory, or converted once. Example:
 * `await checkpointToSafetensors("model.ckpt", "model.safetensors");`
 * @module
 */
import { isCheckpoint, readCheckpoint } from "../train/checkpoint.ts";
import {
  readSafetensors,
  type SafetensorsFile,
  type SafetensorsTensor,
  writeSafetensors,
} from "./safetensors.ts";

const DTYPES = { float32: "F32", float64: "F64", int32: "I32" } as const;

/** A `DLTKCKP1` checkpoint as a {@link SafetensorsFile} (its meta as JSON strings). */
export async function readCheckpointAsSafetensors(path: string): Promise<SafetensorsFile> {
  const { tensors, meta } = await readCheckpoint(path);
  const map = new Map<string, SafetensorsTensor>();
  for (const t of tensors) {
    map.set(t.name, { dtype: DTYPES[t.dtype], shape: t.shape, data: t.data });
  }
  const metadata = Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, JSON.stringify(v)]));
  return { tensors: map, metadata };
}

/** Converts a `DLTKCKP1` checkpoint to a safetensors file with the same tensor names. */
export async function checkpointToSafetensors(src: string, dst: string): Promise<void> {
  const file = await readCheckpointAsSafetensors(src);
  await writeSafetensors(dst, Object.fromEntries(file.tensors), file.metadata);
}

/**
 * Reads a safetensors file, or a `DLTKCKP1` checkpoint with a note that it can be converted
 * (so weights saved by the first round still load).
 */
export async function readWeightsFile(path: string): Promise<SafetensorsFile> {
  const f = await Deno.open(path, { read: true });
  const head = new Uint8Array(8);
  try {
    await f.read(head);
  } finally {
    f.close();
  }
  if (!isCheckpoint(head)) return readSafetensors(path);
  console.warn(
    `note: ${path} is an old DLTKCKP1 checkpoint; it loads, and ` +
      `checkpointToSafetensors("${path}", "weights.safetensors") converts it`,
  );
  return readCheckpointAsSafetensors(path);
}
