import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { filterAndMistakePictures } from "../../tasks/classifier_pictures.ts";

await setDevice("cpu");

Deno.test("starter pictures: one filter image per output channel, captions only for mistakes", async () => {
  const model = new Sequential([
    layers.conv2d({ filters: 6, kernelSize: 3, inputShape: [4, 4, 1] }),
    layers.flatten(),
    layers.dense({ units: 3 }),
  ], { seed: 1 });
  model.build();
  const x = tensor(Float32Array.from({ length: 5 * 16 }, (_, i) => (i % 16) / 16), [5, 4, 4, 1]);
  const test = { x, y: Int32Array.from([0, 1, 2, 1, 0]), classNames: ["a", "b", "c"] };
  const files = await filterAndMistakePictures(model, {
    test,
    predictions: Int32Array.from([0, 2, 2, 0, 0]),
  });
  assert.equal(files["filters.svg"].match(/<image /g)?.length, 6);
  const mis = files["misclassified.svg"];
  assert.equal(mis.match(/<image /g)?.length, 2);
  assert.ok(mis.includes(">b→c</text>") && mis.includes(">b→a</text>"), mis);
  const none = await filterAndMistakePictures(model, {
    test,
    predictions: Int32Array.from([0, 1, 2, 1, 0]),
  });
  assert.equal(none["misclassified.svg"], undefined, "no mistakes, no picture");
  x.dispose();
  model.dispose();
});
