import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { encodeIdx, type IdxData, parseIdx, readIdxFile } from "../../datasets/idx.ts";

const images = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => i);

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "idx_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("IDX round trip through files, raw and gzip (detected by magic, not by name)", async () => {
  await withTempDir(async (dir) => {
    const bytes = encodeIdx([3, 4, 5], images);
    // The gzip file is deliberately not called .gz, the raw one deliberately is.
    await Deno.writeFile(join(dir, "raw.gz"), bytes);
    await Deno.writeFile(join(dir, "zipped"), gzipSync(bytes));
    for (const f of ["raw.gz", "zipped"]) {
      const idx = await readIdxFile(join(dir, f));
      assert.deepEqual(idx.dims, [3, 4, 5]);
      assert.deepEqual(idx.data, images);
    }
  });
});

Deno.test("IDX round trip of every element type, big-endian on disk", () => {
  const cases: IdxData[] = [
    Int8Array.of(-128, -1, 0, 127),
    Int16Array.of(-32768, -2, 258, 32767),
    Int32Array.of(-2147483648, -3, 16909060, 2147483647),
    Float32Array.of(-1.5, 0, 3.25, Infinity),
    Float64Array.of(-1e300, Math.PI, 0, 2 ** -1074),
  ];
  for (const data of cases) {
    const bytes = encodeIdx([2, 2], data);
    const idx = parseIdx(bytes, "mem");
    assert.deepEqual(idx.dims, [2, 2]);
    assert.equal(idx.data.constructor, data.constructor);
    assert.deepEqual(idx.data, data);
  }
  // 258 as big-endian i16 is 01 02: checks the byte order, not just self-consistency.
  const i16 = encodeIdx([1], Int16Array.of(258));
  assert.deepEqual([...i16], [0, 0, 0x0b, 1, 0, 0, 0, 1, 1, 2]);
});

Deno.test("wrong magic and unknown type byte: errors name the file and the bytes", async () => {
  await withTempDir(async (dir) => {
    const p = join(dir, "page.html");
    await Deno.writeFile(p, new TextEncoder().encode("<html>not found</html>"));
    await assert.rejects(readIdxFile(p), (e: Error) => {
      assert.equal(e.name, "DatasetError");
      assert.ok(e.message.startsWith(`${p}: wrong magic number 0x3c68746d`), e.message);
      return true;
    });
  });
  const badType = encodeIdx([3, 4, 5], images);
  badType[2] = 0x42;
  assert.throws(
    () => parseIdx(badType, "b.idx"),
    /^DatasetError: b\.idx: unknown IDX element type 0x42/,
  );
});

Deno.test("truncated and over-long files: errors give expected and actual byte counts", async () => {
  const bytes = encodeIdx([3, 4, 5], images); // 16 header + 60 data = 76 bytes
  await withTempDir(async (dir) => {
    const p = join(dir, "train-images-idx3-ubyte");
    await Deno.writeFile(p, bytes.subarray(0, 69));
    await assert.rejects(
      readIdxFile(p),
      new RegExp(`${p}: truncated: expected 76 bytes for dims \\[3,4,5\\], got 69 \\(7 missing\\)`),
    );
  });
  assert.throws(() => parseIdx(bytes.subarray(0, 10), "h"), /h: truncated header: 10 bytes.* 16/);
  assert.throws(() => parseIdx(bytes.subarray(0, 2), "tiny"), /tiny: truncated: 2 bytes/);
  const longer = new Uint8Array(bytes.length + 2);
  longer.set(bytes);
  assert.throws(
    () => parseIdx(longer, "l.idx"),
    /l\.idx: expected 76 bytes for dims \[3,4,5\], got 78 \(2 unexpected trailing bytes\)/,
  );
});

Deno.test("corrupt gzip and missing files are DatasetErrors naming the path", async () => {
  await withTempDir(async (dir) => {
    const gz = gzipSync(encodeIdx([3, 4, 5], images));
    const p = join(dir, "cut.gz");
    await Deno.writeFile(p, gz.subarray(0, gz.length - 6));
    await assert.rejects(readIdxFile(p), new RegExp(`${p}: corrupt gzip data`));
    const missing = join(dir, "nope");
    await assert.rejects(readIdxFile(missing), new RegExp(`${missing}: cannot read`));
  });
});

Deno.test("encodeIdx refuses dims that do not match the data", () => {
  assert.throws(() => encodeIdx([2, 3], new Uint8Array(5)), RangeError);
});
