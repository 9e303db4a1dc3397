import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import {
  DEBIAN_FASHION_DIR,
  FASHION_CLASSES,
  fashionMnist,
  loadFashionMnistArrays,
} from "../../datasets/fashion_mnist.ts";

const installed = existsSync(DEBIAN_FASHION_DIR);

Deno.test("Fashion-MNIST absent: the error says how to get it", async () => {
  const empty = await Deno.makeTempDir({ prefix: "fashion_test_" });
  const before = Deno.env.get("FASHION_MNIST_DIR");
  try {
    Deno.env.set("FASHION_MNIST_DIR", empty);
    await assert.rejects(
      loadFashionMnistArrays(),
      (e: Error) =>
        e.name === "DatasetError" && e.message.includes(empty) &&
        e.message.includes("apt-get install dataset-fashion-mnist") &&
        e.message.includes("FASHION_MNIST_DIR"),
    );
  } finally {
    if (before === undefined) Deno.env.delete("FASHION_MNIST_DIR");
    else Deno.env.set("FASHION_MNIST_DIR", before);
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test({
  name: `real Fashion-MNIST in ${DEBIAN_FASHION_DIR} (dataset-fashion-mnist): 60000/10000`,
  ignore: !installed && !Deno.env.get("CI"), // in CI a missing package must fail, not skip
  fn: async () => {
    const d = await loadFashionMnistArrays({ dir: DEBIAN_FASHION_DIR });
    assert.equal(d.source, DEBIAN_FASHION_DIR);
    assert.equal(d.train.n, 60000);
    assert.equal(d.test.n, 10000);
    assert.ok(d.train.labels.every((v) => v < 10) && d.test.labels.every((v) => v < 10));
    // Balanced classes: 6000 training images of each.
    const counts = new Array(10).fill(0);
    for (const v of d.train.labels) counts[v]++;
    assert.deepEqual(counts, new Array(10).fill(6000));
  },
});

Deno.test({
  name: "fashionMnist(): tensors with the clothing class names",
  ignore: !installed && !Deno.env.get("CI"), // in CI a missing package must fail, not skip
  fn: async () => {
    const { train, test } = await fashionMnist({
      dir: DEBIAN_FASHION_DIR,
      limitTrain: 50,
      limitTest: 5,
    });
    assert.deepEqual(train.x.shape, [50, 28, 28, 1]);
    assert.equal(test.y.length, 5);
    assert.equal(train.classNames, FASHION_CLASSES);
    assert.equal(train.classNames[9], "Ankle boot");
    train.x.dispose();
    test.x.dispose();
  },
});
