/**
 * The IDX format of MNIST and Fashion-MNIST: two zero bytes, an element-type byte, a rank byte,
 * the dims as big-endian u32, then the values, big-endian, row-major.
 * @module
 */
import { DatasetError } from "./errors.ts";

/** The element arrays an IDX file can hold. */
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A parsed IDX file: `dims` (e.g. `[60000, 28, 28]`) and the values, row-major. */
export interface Idx {
  dims: number[];
  data: IdxData;
}

type Ctor =
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

const TYPES: Record<number, Ctor> = {
  0x08: Uint8Array,
  0x09: Int8Array,
  0x0b: Int16Array,
  0x0c: Int32Array,
  0x0d: Float32Array,
  0x0e: Float64Array,
};

// IDX is big-endian; typed arrays use the host's order, which is little-endian almost everywhere.
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reverses each `size`-byte group in place: big-endian ⇄ host order in one pass, no DataView. */
function swapInPlace(bytes: Uint8Array, size: number): void {
  if (size === 1 || !HOST_LITTLE_ENDIAN) return;
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/**
 * Parses IDX bytes (already decompressed). `name`, usually the file path, starts every error.
 * The result owns its memory (a copy), so `bytes` may be reused.
 * Example: `parseIdx(await Deno.readFile(p), p).dims` → `[60000, 28, 28]`.
 */
export function parseIdx(bytes: Uint8Array, name: string): Idx {
  const fail = (why: string): never => {
    throw new DatasetError(`${name}: ${why}`);
  };
  if (bytes.length < 4) {
    fail(`truncated: ${bytes.length} bytes, but an IDX header alone needs at least 4`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hex = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
    fail(
      `wrong magic number 0x${hex}: an IDX file starts with two zero bytes ` +
        `(is it still compressed, an HTML error page, or another format?)`,
    );
  }
  const Type = TYPES[bytes[2]] ??
    fail(
      `unknown IDX element type 0x${bytes[2].toString(16).padStart(2, "0")} ` +
        `(known: 08 u8, 09 i8, 0b i16, 0c i32, 0d f32, 0e f64)`,
    );
  const rank = bytes[3];
  const headerLen = 4 + 4 * rank;
  if (bytes.length < headerLen) {
    fail(`truncated header: ${bytes.length} bytes, but ${rank} dims need ${headerLen}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerLen + count * Type.BYTES_PER_ELEMENT;
  if (bytes.length < expected) {
    fail(
      `truncated: expected ${expected} bytes for dims [${dims}], got ${bytes.length} ` +
        `(${expected - bytes.length} missing); download the file again`,
    );
  }
  if (bytes.length > expected) {
    fail(
      `expected ${expected} bytes for dims [${dims}], got ${bytes.length} ` +
        `(${bytes.length - expected} unexpected trailing bytes)`,
    );
  }
  // slice() copies into a fresh, aligned buffer, which the typed-array view below requires.
  const body = bytes.slice(headerLen);
  swapInPlace(body, Type.BYTES_PER_ELEMENT);
  return { dims, data: new Type(body.buffer) };
}

/** Gunzips when the bytes start with the gzip magic 1f 8b, whatever the file is called. */
export async function maybeGunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Reads and parses an IDX file, raw or gzip-compressed (detected from the content).
 * Example: `const { dims, data } = await readIdxFile("t10k-labels-idx1-ubyte.gz");`
 */
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

/**
 * Encodes values as IDX bytes; the element type follows the array class (Float32Array → 0x0d).
 * For generated fixtures and for writing derived data sets.
 * Example: `encodeIdx([2], Uint8Array.of(5, 0))` is a two-label file.
 */
export function encodeIdx(dims: number[], data: IdxData): Uint8Array {
  const code = Object.entries(TYPES).find(([, T]) => data instanceof T)?.[0];
  const count = dims.reduce((a, b) => a * b, 1);
  if (code === undefined || count !== data.length) {
    throw new RangeError(`encodeIdx: dims [${dims}] hold ${count} values, got ${data.length}`);
  }
  const headerLen = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLen + data.byteLength);
  out[2] = Number(code);
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), headerLen);
  swapInPlace(out.subarray(headerLen), data.BYTES_PER_ELEMENT);
  return out;
}
