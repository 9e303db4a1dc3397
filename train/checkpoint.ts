import { noGrad } from "../kernels/engine.ts";
import { bytesPer, type DType } from "../kernels/dtype.ts";
import { fmtShape, sameShape, sizeOf } from "../kernels/shape.ts";
import { tensor } from "../kernels/tensor.ts";
import type { Layer } from "../layers/layer.ts";
import { writeFileAtomic } from "./atomic_write.ts";

/**
 * Checkpoints: one file holding every named weight of a model (parameters and batch-norm state).
 * Layout: the 8 bytes "DLTKCKP1", a little-endian u32 header length, a JSON header
 * `{ tensors: [{ name, shape, dtype, offset }], meta }`, then the raw little-endian data.
 * Written atomically, so an interrupted save never replaces a good checkpoint with a bad one.
 */

const MAGIC = "DLTKCKP1";

interface Entry {
  name: string;
  shape: number[];
  dtype: DType;
  offset: number;
}

/** Saves any model's weights (parameters and state, by name) to `path`. Example: `await saveCheckpoint(model, "model.ckpt");` */
export async function saveCheckpoint(
  model: Layer,
  path: string,
  meta: Record<string, unknown> = {},
): Promise<void> {
  const weights = model.weights();
  const entries: Entry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const w of weights) {
    const data = await w.tensor.data();
    if (Array.from(data).some((v) => !Number.isFinite(v))) {
      throw new Error(
        `saveCheckpoint: ${w.name} holds NaN or Infinity; refusing to save a broken model`,
      );
    }
    entries.push({ name: w.name, shape: [...w.tensor.shape], dtype: w.tensor.dtype, offset });
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    chunks.push(bytes);
    offset += bytes.length;
  }
  const header = new TextEncoder().encode(JSON.stringify({ tensors: entries, meta }));
  const out = new Uint8Array(8 + 4 + header.length + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  let p = 12 + header.length;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  await writeFileAtomic(path, out);
}

/** A tensor of a checkpoint file, on the host. */
export interface CheckpointTensor {
  name: string;
  shape: number[];
  dtype: DType;
  data: Float32Array | Float64Array | Int32Array;
}

/**
 * Reads every tensor of a checkpoint file without a model (what converters need); checks the
 * magic bytes, the header and every byte range. Example: `const { tensors } = await
 * readCheckpoint("model.ckpt");`
 */
export async function readCheckpoint(
  path: string,
): Promise<{ tensors: CheckpointTensor[]; meta: Record<string, unknown> }> {
  return parseCheckpoint(await readBytes(path), path);
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    throw new Error(`loadCheckpoint: ${path}: cannot read (${(e as Error).message})`);
  }
}

const DTYPES: readonly DType[] = ["float32", "float64", "int32"];

/**
 * {@link readCheckpoint} from bytes in memory; `label` (the path) starts every error. Every
 * header field is checked, so a corrupt file is a clear error, never a crash, and nothing larger
 * than the file is allocated. Example: `parseCheckpoint(bytes, "model.ckpt").tensors[0].name`.
 */
export function parseCheckpoint(
  bytes: Uint8Array,
  label: string,
): { tensors: CheckpointTensor[]; meta: Record<string, unknown> } {
  const fail = (why: string): never => {
    throw new Error(`loadCheckpoint: ${label}: ${why}`);
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    fail("not a checkpoint (wrong magic bytes)");
  }
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (12 + hlen > bytes.length) {
    fail(`truncated header (${hlen} bytes announced, ${bytes.length - 12} present)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(12, 12 + hlen)),
    );
  } catch (e) {
    return fail(`unreadable header (${(e as Error).message})`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(header) || !Array.isArray(header.tensors)) fail("corrupt header: no tensors list");
  const h = header as { tensors: unknown[]; meta?: unknown };
  const meta = h.meta ?? {};
  if (!isObject(meta)) fail("corrupt header: meta is not an object");
  const dataStart = 12 + hlen;
  const tensors = h.tensors.map((entry, i): CheckpointTensor => {
    const ok = isObject(entry) && typeof entry.name === "string" &&
      Array.isArray(entry.shape) &&
      entry.shape.every((d) => Number.isSafeInteger(d) && d >= 0) &&
      DTYPES.includes(entry.dtype as DType) &&
      Number.isSafeInteger(entry.offset) && (entry.offset as number) >= 0;
    if (!ok) fail(`corrupt header: tensor entry ${i} is not {name, shape, dtype, offset}`);
    const e = entry as unknown as Entry;
    const start = dataStart + e.offset, end = start + sizeOf(e.shape) * bytesPer(e.dtype);
    if (end > bytes.length) {
      fail(`truncated data for ${e.name} (file ends at ${bytes.length}, needs ${end})`);
    }
    const raw = bytes.slice(start, end).buffer;
    const data = e.dtype === "float64"
      ? new Float64Array(raw)
      : e.dtype === "int32"
      ? new Int32Array(raw)
      : new Float32Array(raw);
    // saveCheckpoint never writes NaN or Infinity, so one here is a corrupt file.
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`${e.name}[${bad}] is ${data[bad]}: the data is corrupt`);
    return { name: e.name, shape: e.shape, dtype: e.dtype, data };
  });
  return { tensors, meta: meta as Record<string, unknown> };
}

/**
 * Loads weights saved by {@link saveCheckpoint} into `model` (built with the same layers). Every
 * name, shape and byte range is checked before any weight is touched, so a bad file leaves the
 * model as it was. Returns the saved `meta`.
 */
export async function loadCheckpoint(
  model: Layer,
  path: string,
): Promise<Record<string, unknown>> {
  return loadCheckpointBytes(model, await readBytes(path), path);
}

/**
 * {@link loadCheckpoint} from bytes already in memory; `label` (the path) starts every error.
 * Example: `loadCheckpointBytes(model, await Deno.readFile(p), p)`.
 */
export function loadCheckpointBytes(
  model: Layer,
  bytes: Uint8Array,
  label: string,
): Record<string, unknown> {
  const { tensors, meta } = parseCheckpoint(bytes, label);
  const fail = (why: string): never => {
    throw new Error(`loadCheckpoint: ${label}: ${why}`);
  };
  const weights = model.weights();
  const byName = new Map(tensors.map((e) => [e.name, e]));
  const updates = weights.map((w) => {
    const e = byName.get(w.name) ??
      fail(`no tensor named ${w.name} (the model's layers differ from the saved ones)`);
    if (!sameShape(e.shape, w.tensor.shape) || e.dtype !== w.tensor.dtype) {
      fail(
        `${w.name} is ${e.dtype}${fmtShape(e.shape)} in the file but ${w.tensor.dtype}${
          fmtShape(w.tensor.shape)
        } in the model`,
      );
    }
    return { w, data: e.data };
  });
  if (tensors.length !== weights.length) {
    fail(`the file holds ${tensors.length} tensors, the model ${weights.length}`);
  }
  noGrad(() => {
    for (const { w, data } of updates) {
      const t = tensor(data, w.tensor.shape);
      w.tensor.assign(t);
      t.dispose();
    }
  });
  return meta;
}

/** True when `bytes` start like a checkpoint file (the magic "DLTKCKP1"). */
export function isCheckpoint(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && new TextDecoder().decode(bytes.subarray(0, 8)) === MAGIC;
}
