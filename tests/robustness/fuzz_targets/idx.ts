/** Fuzz targets of the IDX parser, raw and gzip'd (idx_fuzz_test.ts runs them). @module */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { DatasetError } from "../../../datasets/errors.ts";
import { encodeIdx, maybeGunzip, parseIdx } from "../../../datasets/idx.ts";
import type { FuzzTarget } from "../fuzz.ts";

const seeds = () => [
  encodeIdx([3, 4, 4], Uint8Array.from({ length: 48 }, (_, i) => i * 5)),
  encodeIdx([5], Int32Array.of(1, -2, 3, 1 << 30, -7)),
  encodeIdx([2, 3], Float32Array.of(0.5, -1, 2, 3, 4, 1e-3)),
  encodeIdx([2], Float64Array.of(Math.PI, -0)),
  encodeIdx([0, 28, 28], new Uint8Array(0)),
];

/** A load is correct when the values fill the dims exactly and the header plus values is the file. */
function checkIdx(input: Uint8Array, name: string): void {
  const { dims, data } = parseIdx(input, name);
  assert.equal(data.length, dims.reduce((a, b) => a * b, 1));
  assert.equal(4 + 4 * dims.length + data.byteLength, input.length);
}

const isClean = (e: unknown) => e instanceof DatasetError && /^f\.idx: /.test(e.message);

/** Raw IDX files; the type byte, the rank byte and the first dims are hit most. */
export const idx: FuzzTarget = {
  seeds,
  parse: (b) => checkIdx(b, "f.idx"),
  isClean,
  opts: { hot: [[0, 16]] },
};

/** gzip'd IDX files: corrupt or cut gzip streams must be DatasetErrors too. */
export const idxGzip: FuzzTarget = {
  seeds: () => seeds().slice(0, 3).map((s) => new Uint8Array(gzipSync(s))),
  parse: async (b) => {
    let raw: Uint8Array;
    try {
      raw = await maybeGunzip(b);
    } catch (e) {
      // readIdxFile wraps this exact failure; its message is checked in files_test.ts.
      throw new DatasetError(`f.idx: corrupt gzip data (${(e as Error).message})`);
    }
    checkIdx(raw, "f.idx");
  },
  isClean,
  opts: {
    // A mutated deflate stream can expand (deflate's ratio is at most ~1032:1).
    allowBytes: (b) => 1100 * b.length + (1 << 20),
    budget: { seed: 2, minCases: 200, maxCases: 5000, maxMillis: 3000 },
  },
};
