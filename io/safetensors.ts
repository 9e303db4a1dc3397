/**
 * The safetensors file format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian u64 header length N, N bytes of UTF-8 JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { key: "value" } }`
 * (padded with spaces to a multiple of 8), then the row-major little-endian data of every tensor,
 * offsets relative to the end of the header. The reader checks every claim of the header against
 * the file before it allocates anything, so a broken or hostile file costs at most its own size.
 * @module
 */
import { writeFileAtomic } from "../train/atomic_write.ts";

/** Element types the toolkit reads (F16 and BF16 widen to float32 on reading). */
export type SafetensorsDType = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "U8";

/** Host arrays the writer takes and the reader returns (BigInt64Array holds I64). */
export type SafetensorsArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint8Array
  | BigInt64Array;

/** One tensor of a safetensors file, on the host. */
export interface SafetensorsTensor {
  /** The dtype stored in the file (F16/BF16 data arrive as Float32Array). */
  dtype: SafetensorsDType;
  /** The tensor's shape (row-major data). */
  shape: number[];
  /** The tensor's elements, in a typed array matching `dtype`. */
  data: SafetensorsArray;
}

/** What {@link decodeSafetensors} and {@link readSafetensors} return. */
export interface SafetensorsFile {
  /** Tensors by name, in the order of their data in the file. */
  tensors: Map<string, SafetensorsTensor>;
  /** The optional `__metadata__` map (empty when absent). */
  metadata: Record<string, string>;
}

/** The largest header accepted, as in Hugging Face's reader (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

const BYTES: Record<SafetensorsDType, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  U8: 1,
};

/** Valid in the specification, but not read by this toolkit (named in the error). */
const KNOWN_UNSUPPORTED = ["BOOL", "I8", "I16", "U16", "U32", "U64", "F8_E4M3", "F8_E5M2"];

function dtypeOfArray(a: SafetensorsArray): SafetensorsDType {
  if (a instanceof Float64Array) return "F64";
  if (a instanceof Float32Array) return "F32";
  if (a instanceof Int32Array) return "I32";
  if (a instanceof Uint8Array) return "U8";
  if (a instanceof BigInt64Array) return "I64";
  throw new Error(
    "safetensors: data must be a Float64Array, Float32Array, Int32Array, Uint8Array or BigInt64Array",
  );
}

/**
 * The bytes of a safetensors file holding `tensors` (written in the given order) and the
 * optional string → string `metadata`. Example:
 * `encodeSafetensors({ w: { shape: [2], data: new Float32Array([1, 2]) } })`.
 */
export function encodeSafetensors(
  tensors: Record<string, { shape: number[]; data: SafetensorsArray }>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") {
        throw new Error(`safetensors: metadata "${k}" must be a string, got ${typeof v}`);
      }
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (name === "__metadata__") {
      throw new Error('safetensors: "__metadata__" is not a tensor name');
    }
    const dtype = dtypeOfArray(t.data);
    const n = t.shape.reduce((a, d) => a * d, 1);
    if (t.shape.some((d) => !Number.isSafeInteger(d) || d < 0) || n !== t.data.length) {
      throw new Error(
        `safetensors: ${name} has ${t.data.length} values but shape [${t.shape.join(",")}]`,
      );
    }
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Writes a safetensors file atomically (a killed write leaves the old file or none, never part
 * of one). Example: `await writeSafetensors("w.safetensors", { w: { shape: [2], data } });`
 */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, { shape: number[]; data: SafetensorsArray }>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** A validated header entry: where its bytes are in the data area. */
interface Placed {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** A parsed header: tensors sorted by offset, and the metadata. */
interface Layout {
  placed: Placed[];
  metadata: Record<string, string>;
}

/**
 * The header length from the first 8 bytes, checked against the file size; throws on a file
 * shorter than 8 bytes, a header over {@link MAX_HEADER_BYTES} or past the end of the file.
 */
function headerLength(first8: Uint8Array, fileSize: number, fail: (why: string) => never): number {
  if (fileSize < 8) fail(`file is ${fileSize} bytes, shorter than the 8-byte header length`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    fail(`header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const len = Number(n);
  if (8 + len > fileSize) {
    fail(`header length ${len} runs past the end of the file (${fileSize - 8} bytes after it)`);
  }
  return len;
}

/** Parses and checks the JSON header against a data area of `dataLength` bytes. */
function parseHeader(bytes: Uint8Array, dataLength: number, fail: (why: string) => never): Layout {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail("header is not valid UTF-8");
  }
  if (!text.startsWith("{")) fail("header does not start with '{' (not a JSON object)");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    fail("header is not a JSON object");
  }
  const metadata: Record<string, string> = {};
  const placed: Placed[] = [];
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        fail("__metadata__ is not an object of strings");
      }
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== "string") fail(`__metadata__ "${k}" is not a string`);
        metadata[k] = s as string;
      }
      continue;
    }
    placed.push(parseEntry(name, v, dataLength, fail));
  }
  // The specification's rule: the tensors, taken in offset order, tile the data area exactly.
  placed.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const p of placed) {
    if (p.begin > expected) {
      fail(`${p.name} starts at byte ${p.begin}: a hole after byte ${expected} of the data`);
    }
    if (p.begin < expected) {
      fail(`${p.name} starts at byte ${p.begin}, overlapping the tensor that ends at ${expected}`);
    }
    expected = p.end;
  }
  if (expected < dataLength) {
    fail(
      `${dataLength - expected} trailing bytes after the last tensor (data ends at ${expected})`,
    );
  }
  return { placed, metadata };
}

function parseEntry(
  name: string,
  v: unknown,
  dataLength: number,
  fail: (why: string) => never,
): Placed {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    fail(`entry ${name} is not an object { dtype, shape, data_offsets }`);
  }
  const { dtype, shape, data_offsets: offs } = v as Record<string, unknown>;
  if (typeof dtype !== "string") fail(`${name}: dtype is missing or not a string`);
  if (!(dtype as string in BYTES)) {
    const known = KNOWN_UNSUPPORTED.includes(dtype as string);
    fail(
      `${name}: ${known ? "unsupported" : "unknown"} dtype "${dtype}"; this toolkit reads ${
        Object.keys(BYTES).join(", ")
      }`,
    );
  }
  const isDim = (d: unknown) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0;
  if (!Array.isArray(shape) || !shape.every(isDim)) {
    fail(`${name}: shape must be an array of non-negative integers`);
  }
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isDim)) {
    fail(`${name}: data_offsets must be [begin, end] with non-negative integers`);
  }
  const [begin, end] = offs as number[];
  if (end < begin) fail(`${name}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) {
    fail(`${name}: data_offsets end at ${end}, past the end of the data (${dataLength} bytes)`);
  }
  // Counted with a bound so a huge shape cannot overflow into a plausible size.
  const dims = shape as number[];
  let count = dims.includes(0) ? 0 : 1;
  for (const d of dims) {
    if (count === 0) break;
    count *= d;
    if (count > dataLength) break;
  }
  const size = count * BYTES[dtype as SafetensorsDType];
  if (size !== end - begin) {
    fail(
      `${name}: ${dtype}[${dims.join(",")}] needs ${
        count > dataLength ? "more than the file's" : size
      } bytes but data_offsets span ${end - begin}`,
    );
  }
  return { name, dtype: dtype as SafetensorsDType, shape: [...dims], begin, end };
}

/** Copies one tensor's bytes out of the data area into a host array of its type. */
function extract(p: Placed, data: Uint8Array): SafetensorsArray {
  const bytes = data.slice(p.begin, p.end); // a copy: aligned, and independent of the file
  const n = (p.end - p.begin) / BYTES[p.dtype];
  switch (p.dtype) {
    case "F64":
      return new Float64Array(bytes.buffer, 0, n);
    case "F32":
      return new Float32Array(bytes.buffer, 0, n);
    case "I64":
      return new BigInt64Array(bytes.buffer, 0, n);
    case "I32":
      return new Int32Array(bytes.buffer, 0, n);
    case "U8":
      return bytes;
    case "F16":
    case "BF16": {
      const u16 = new Uint16Array(bytes.buffer, 0, n);
      const out = new Float32Array(n);
      if (p.dtype === "BF16") {
        const bits = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) bits[i] = u16[i] << 16;
      } else {
        for (let i = 0; i < n; i++) out[i] = halfToFloat(u16[i]);
      }
      return out;
    }
  }
}

/** IEEE 754 binary16 bits → number (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function failer(source: string): (why: string) => never {
  return (why: string): never => {
    throw new Error(`safetensors: ${source}: ${why}`);
  };
}

function assemble(layout: Layout, data: Uint8Array): SafetensorsFile {
  const tensors = new Map<string, SafetensorsTensor>();
  for (const p of layout.placed) {
    tensors.set(p.name, { dtype: p.dtype, shape: p.shape, data: extract(p, data) });
  }
  return { tensors, metadata: layout.metadata };
}

/**
 * Parses the bytes of a safetensors file; `source` names it in errors. Every fault of the
 * specification is refused before any tensor is allocated. Example:
 * `const { tensors } = decodeSafetensors(bytes, "w.safetensors");`
 */
export function decodeSafetensors(bytes: Uint8Array, source = "<bytes>"): SafetensorsFile {
  const fail = failer(source);
  const n = headerLength(bytes.subarray(0, 8), bytes.length, fail);
  const layout = parseHeader(bytes.subarray(8, 8 + n), bytes.length - 8 - n, fail);
  return assemble(layout, bytes.subarray(8 + n));
}

/**
 * Reads a safetensors file. The header is read and checked first; only then is the data read
 * (its size is the file's, already checked to match the header). Example:
 * `const w = (await readSafetensors("model.safetensors")).tensors.get("0.weight");`
 */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  const fail = failer(path);
  const file = await Deno.open(path, { read: true });
  try {
    const size = (await file.stat()).size;
    const first8 = await readExactly(file, Math.min(8, size));
    const n = headerLength(first8, size, fail);
    const layout = parseHeader(await readExactly(file, n), size - 8 - n, fail);
    const data = await readExactly(file, size - 8 - n);
    return assemble(layout, data);
  } finally {
    file.close();
  }
}

async function readExactly(file: Deno.FsFile, n: number): Promise<Uint8Array> {
  const buf = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const got = await file.read(buf.subarray(at));
    if (got === null) {
      throw new Error(`safetensors: file ended ${n - at} bytes early while reading`);
    }
    at += got;
  }
  return buf;
}
