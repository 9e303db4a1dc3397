import assert from "node:assert/strict";
import "../../io/model_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import * as layers from "../../layers/mod.ts";
import { layerFromConfig, layerToConfig } from "../../layers/serialization.ts";
import { Sequential } from "../../layers/sequential.ts";
import { assertReloadsSame } from "./layer_test_utils.ts";
import { randomTensor } from "./recurrent_fixture.ts";

await setDevice("cpu");

Deno.test("model files: recurrent layers and bidirectional reload and predict bit-identically", async () => {
  const model = new Sequential([
    layers.lstm({ units: 4, returnSequences: true, inputShape: [5, 3] }),
    layers.bidirectional({
      layer: layers.gru({ units: 3, returnSequences: true, goBackwards: true }),
      mergeMode: "mul",
    }),
    layers.simpleRNN({ units: 2, activation: "relu" }),
    layers.dense({ units: 2 }),
  ], { seed: 4 });
  await assertReloadsSame(model, randomTensor([2, 5, 3], 9).cast("float32"));
});

Deno.test("recurrent configs round-trip with their Keras class names", () => {
  const l = layers.lstm({ units: 3, unitForgetBias: false, goBackwards: true });
  const c = layerToConfig(layers.bidirectional({ layer: l, mergeMode: "ave" }));
  assert.deepEqual(c, {
    className: "Bidirectional",
    config: {
      layer: { className: "LSTM", config: { units: 3, unitForgetBias: false, goBackwards: true } },
      mergeMode: "ave",
    },
  });
  assert.deepEqual(layerToConfig(layerFromConfig(c)), c);
  assert.equal(layerToConfig(layers.gru({ units: 2 })).className, "GRU");
  assert.equal(layerToConfig(layers.simpleRNN({ units: 2 })).className, "SimpleRNN");
});
