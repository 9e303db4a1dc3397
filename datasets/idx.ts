import { DatasetError } from "./errors.ts";

/** The IDX format of MNIST and Fashion-MNIST: a big-endian header, then raw values. */

/** A parsed IDX file. */
export interface Idx {
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: "u8", bytes: 1 },
  0x09: { name: "i8", bytes: 1 },
  0x0b: { name: "i16", bytes: 2 },
  0x0c: { name: "i32", bytes: 4 },
  0x0d: { name: "f32", bytes: 4 },
  0x0e: { name: "f64", bytes: 8 },
};

/**
 * Parses IDX bytes. `name` (the file path) appears in every error.
 * Example: `parseIdx(await Deno.readFile(p), p).dims` → `[60000, 28, 28]`.
 */
export function parseIdx(bytes: Uint8Array, name: string): Idx {
  const fail = (why: string): never => {
    throw new DatasetError(`${name}: ${why}`);
  };
  if (bytes.length < 4) fail(`truncated: ${bytes.length} bytes, an IDX header needs at least 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(
      `wrong magic number 0x${
        [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("")
      }` +
        " (an IDX file starts with two zero bytes; is it still gzip-compressed or another format?)",
    );
  }
  const type = TYPES[bytes[2]] ?? fail(`unknown IDX element type 0x${bytes[2].toString(16)}`);
  const rank = bytes[3];
  const headerLen = 4 + 4 * rank;
  if (bytes.length < headerLen) fail(`truncated header: ${bytes.length} bytes, need ${headerLen}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerLen + count * type.bytes;
  if (bytes.length < expected) {
    fail(
      `truncated: ${bytes.length} bytes, dims [${dims}] need ${expected}; download the file again`,
    );
  }
  if (bytes.length > expected) {
    fail(`${bytes.length - expected} unexpected bytes after the data (dims [${dims}])`);
  }
  const body = bytes.subarray(headerLen);
  if (type.bytes === 1) {
    return { dims, data: type.name === "u8" ? body.slice() : new Int8Array(body.slice().buffer) };
  }
  const read = {
    i16: (i: number) => view.getInt16(headerLen + 2 * i, false),
    i32: (i: number) => view.getInt32(headerLen + 4 * i, false),
    f32: (i: number) => view.getFloat32(headerLen + 4 * i, false),
    f64: (i: number) => view.getFloat64(headerLen + 8 * i, false),
  }[type.name as "i16" | "i32" | "f32" | "f64"];
  const Ctor =
    { i16: Int16Array, i32: Int32Array, f32: Float32Array, f64: Float64Array }[type.name as "i16"];
  const data = new Ctor(count);
  for (let i = 0; i < count; i++) data[i] = read(i);
  return { dims, data };
}

/** Gunzips when the bytes start with the gzip magic (whatever the file name says). */
export async function maybeGunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reads and parses an IDX file, raw or gzip-compressed. */
export async function readIdxFile(path: string): Promise<Idx> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new DatasetError(`${path}: cannot read (${(e as Error).message})`);
  }
  try {
    bytes = await maybeGunzip(bytes);
  } catch (e) {
    throw new DatasetError(
      `${path}: corrupt gzip data (${(e as Error).message}); download the file again`,
    );
  }
  return parseIdx(bytes, path);
}

/** Encodes u8 data as IDX bytes (for tests and generated fixtures). */
export function encodeIdxU8(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
