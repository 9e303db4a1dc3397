import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { DatasetError } from "../../datasets/errors.ts";
import { encodeIdx, maybeGunzip, parseIdx } from "../../datasets/idx.ts";
import { fuzz } from "./fuzz.ts";

const seeds = [
  encodeIdx([3, 4, 4], Uint8Array.from({ length: 48 }, (_, i) => i * 5)),
  encodeIdx([5], Int32Array.of(1, -2, 3, 1 << 30, -7)),
  encodeIdx([2, 3], Float32Array.of(0.5, -1, 2, 3, 4, 1e-3)),
  encodeIdx([2], Float64Array.of(Math.PI, -0)),
  encodeIdx([0, 28, 28], new Uint8Array(0)),
];
// The type byte, the rank byte and the first dims.
const hot: [number, number][] = [[0, 16]];

/** A load is correct when the values fill the dims exactly and the header plus values is the file. */
function checkIdx(input: Uint8Array, name: string): void {
  const { dims, data } = parseIdx(input, name);
  assert.equal(data.length, dims.reduce((a, b) => a * b, 1));
  assert.equal(4 + 4 * dims.length + data.byteLength, input.length);
}

const clean = (e: unknown) => e instanceof DatasetError && /^f\.idx: /.test(e.message);

Deno.test("fuzz IDX: every mutated file loads exactly or is a DatasetError naming it", async () => {
  const r = await fuzz(seeds, (b) => checkIdx(b, "f.idx"), clean, { hot });
  assert.ok(r.loaded > 0 && r.rejected > 0, JSON.stringify(r));
});

Deno.test("fuzz gzip'd IDX: corrupt or cut gzip streams are DatasetErrors too", async () => {
  const gz = seeds.slice(0, 3).map((s) => new Uint8Array(gzipSync(s)));
  const r = await fuzz(
    gz,
    async (b) => {
      let raw: Uint8Array;
      try {
        raw = await maybeGunzip(b);
      } catch (e) {
        // readIdxFile wraps this exact failure; its message is checked in robustness_files_test.
        throw new DatasetError(`f.idx: corrupt gzip data (${(e as Error).message})`);
      }
      checkIdx(raw, "f.idx");
    },
    clean,
    {
      // A mutated deflate stream can expand (deflate's ratio is at most ~1032:1).
      allowBytes: (b) => 1100 * b.length + (1 << 20),
      budget: { seed: 2, minCases: 200, maxCases: 5000, maxMillis: 3000 },
    },
  );
  assert.ok(r.rejected > 0, JSON.stringify(r));
});
