import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { encodeIdxU8, parseIdx, readIdxFile } from "../../datasets/idx.ts";
import { loadMnistFormat } from "../../datasets/mnist_format.ts";

const images = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => i);

Deno.test("IDX round trip, raw and gzip (detected by magic, not by name)", async () => {
  const dir = await Deno.makeTempDir();
  const bytes = encodeIdxU8([3, 4, 5], images);
  await Deno.writeFile(`${dir}/raw`, bytes);
  await Deno.writeFile(`${dir}/zipped`, gzipSync(bytes));
  for (const f of ["raw", "zipped"]) {
    const idx = await readIdxFile(`${dir}/${f}`);
    assert.deepEqual(idx.dims, [3, 4, 5]);
    assert.deepEqual(idx.data, images);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("wrong magic, truncation and trailing bytes name the file and the numbers", () => {
  const bytes = encodeIdxU8([3, 4, 5], images);
  assert.throws(
    () => parseIdx(Uint8Array.from([1, 2, 8, 1]), "f.idx"),
    /f\.idx: wrong magic number 0x01020801/,
  );
  assert.throws(
    () => parseIdx(bytes.subarray(0, bytes.length - 7), "t.idx"),
    /t\.idx: truncated: 69 bytes, dims \[3,4,5\] need 76/,
  );
  const longer = new Uint8Array(bytes.length + 2);
  longer.set(bytes);
  assert.throws(() => parseIdx(longer, "l.idx"), /2 unexpected bytes/);
  const badType = bytes.slice();
  badType[2] = 0x42;
  assert.throws(() => parseIdx(badType, "b.idx"), /unknown IDX element type 0x42/);
});

Deno.test("MNIST-format folder: count mismatch and bad labels are errors naming the files", async () => {
  const dir = await Deno.makeTempDir();
  const img = encodeIdxU8([3, 28, 28], new Uint8Array(3 * 784));
  await Deno.writeFile(`${dir}/train-images-idx3-ubyte`, img);
  await Deno.writeFile(
    `${dir}/train-labels-idx1-ubyte.gz`,
    gzipSync(encodeIdxU8([2], Uint8Array.from([1, 2]))),
  );
  await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte`, img);
  await Deno.writeFile(
    `${dir}/t10k-labels-idx1-ubyte`,
    encodeIdxU8([3], Uint8Array.from([1, 12, 3])),
  );
  await assert.rejects(
    loadMnistFormat(dir),
    /train-images-idx3-ubyte holds 3 images but .*train-labels-idx1-ubyte\.gz holds 2 labels/,
  );
  await Deno.writeFile(
    `${dir}/train-labels-idx1-ubyte.gz`,
    gzipSync(encodeIdxU8([3], Uint8Array.from([1, 2, 3]))),
  );
  await assert.rejects(loadMnistFormat(dir), /t10k-labels-idx1-ubyte: label 12 at index 1/);
  await Deno.writeFile(
    `${dir}/t10k-labels-idx1-ubyte`,
    encodeIdxU8([3], Uint8Array.from([1, 2, 3])),
  );
  const d = await loadMnistFormat(dir, { limitTrain: 2 });
  assert.equal(d.train.n, 2);
  assert.equal(d.test.n, 3);
  await Deno.remove(dir, { recursive: true });
});
