/** Fuzz target of the safetensors reader (safetensors_fuzz_test.ts runs it). @module */
import assert from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors } from "../../../io/safetensors.ts";
import type { Rng } from "../../../kernels/random.ts";
import { type FuzzTarget, mutateJsonHeader } from "../fuzz.ts";

/** A file from a header object and data bytes, as the format lays it out (u64 length, JSON). */
function raw(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const seeds = () => [
  encodeSafetensors({
    "0.weight": { shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, -0, 1e-3) },
    "0.bias": { shape: [2], data: Float64Array.of(Math.PI, -1) },
    steps: { shape: [], data: BigInt64Array.of(7n) },
    ids: { shape: [4], data: Int32Array.of(0, -1, 1 << 30, 5) },
    mask: { shape: [3, 0], data: new Uint8Array(0) },
  }, { format: "pt" }),
  // F16 and BF16 (which the encoder does not write): widened to float32 on reading.
  raw({
    h: { dtype: "F16", shape: [3], data_offsets: [0, 6] },
    b: { dtype: "BF16", shape: [1, 2], data_offsets: [6, 10] },
  }, Uint8Array.of(0x00, 0x3c, 0x00, 0x7c, 0x01, 0x7e, 0x80, 0x3f, 0xc0, 0x7f)),
];

const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, U8: 1 };

/**
 * A correct load: each tensor has as many elements as its shape, and the tensors' bytes in the
 * file add up to the data area exactly (the header plus the data is the file).
 */
function check(b: Uint8Array): void {
  const { tensors } = decodeSafetensors(b, "w.safetensors");
  const hlen = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
  let bytes = 0;
  for (const t of tensors.values()) {
    assert.equal(t.data.length, t.shape.reduce((a, d) => a * d, 1));
    bytes += t.data.length * BYTES[t.dtype];
  }
  assert.equal(8 + hlen + bytes, b.length);
}

/** Rewrites the JSON header (u64 length at byte 0) with one weird value, length kept right. */
const fixup = (b: Uint8Array, rng: Rng) => mutateJsonHeader(b, rng, { lengthAt: 0, bytes: 8 });

/** Files load exactly or fail with the reader's error naming the file; F16 data widen (2×). */
export const safetensors: FuzzTarget = {
  seeds,
  parse: check,
  isClean: (e) => e instanceof Error && /^safetensors: w\.safetensors: /.test(e.message),
  opts: {
    hot: [[0, 8], [8, 200]],
    fixup,
    budget: { seed: 4, minCases: 300, maxCases: 20_000, maxMillis: 3000 },
  },
};
