/**
 * Model files with multi-output nodes (returnState) and call options (initialState,
 * useCausalMask, an attention mask input): they reload without code and predict bit-identically.
 */
import assert from "node:assert/strict";
import "../../io/model_methods.ts";
import { loadModel, modelToJson, saveModel } from "../../io/model_file.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Model } from "../../layers/model.ts";
import { input } from "../../layers/symbolic.ts";
import { withDir } from "./temp_dir.ts";
import { scramble, uniforms } from "./scramble.ts";

const B = 2, T = 4, F = 3, U = 5;

/** An encoder–decoder: LSTM states start the decoder; causal attention over the decoder. */
function seq2seq(): Model {
  const src = input({ shape: [T, F], name: "source" }), tgt = input({ shape: [T, F] });
  const am = input({ shape: [T, T], name: "attention_mask" });
  const [, h, c] = layers.lstm({ units: U, returnState: true }).apply(src);
  const dec = layers.lstm({ units: U, returnSequences: true }).apply(tgt, { initialState: [h, c] });
  const att = layers.multiHeadAttention({ numHeads: 2, keyDim: 2 })
    .apply([dec, dec], { useCausalMask: true, attentionMask: am });
  const [, hf, hb] = layers.bidirectional({ layer: layers.gru({ units: U, returnState: true }) })
    .apply(att);
  const out = layers.add().apply([hf, hb]);
  return new Model({ inputs: [src, tgt, am], outputs: out, seed: 5, name: "seq2seq" });
}

Deno.test("model files: returnState outputs and call options round-trip bit-identically", async () => {
  await withDir(async (dir) => {
    const model = seq2seq();
    scramble(model);
    const mask = tensor(Float32Array.from({ length: B * T * T }, (_, i) => (i % 5 ? 1 : 0)), [
      B,
      T,
      T,
    ]);
    const xs = [uniforms([B, T, F], 1), uniforms([B, T, F], 2), mask];
    const before = await model.apply(xs).data();
    await saveModel(model, dir);
    const nodes = modelToJson(model, "x").config.nodes;
    assert.deepEqual(nodes[1].options, {
      initialState: [{ ref: "lstm_1:1" }, { ref: "lstm_1:2" }],
    });
    assert.deepEqual(nodes[2].options, {
      attentionMask: { ref: "attention_mask" },
      useCausalMask: true,
    });
    assert.deepEqual(nodes[4].inbound, ["bidirectional_1:1", "bidirectional_1:2"]);
    const loaded = await loadModel(dir);
    assert.equal(loaded.summary(), model.summary());
    assert.deepEqual(await loaded.apply(xs).data(), before);
    model.dispose();
    loaded.dispose();
  });
});

Deno.test("model files: a state as the model's output round-trips", async () => {
  await withDir(async (dir) => {
    const x = input({ shape: [T, F] });
    const [, , c] = layers.lstm({ units: U, returnState: true }).apply(x);
    const model = new Model({ inputs: x, outputs: c, seed: 1 });
    scramble(model);
    const xs = uniforms([B, T, F], 3);
    const before = await model.apply(xs).data();
    await saveModel(model, dir);
    assert.deepEqual(modelToJson(model, "x").config.outputs, ["lstm_1:2"]);
    const loaded = await loadModel(dir);
    assert.deepEqual(await loaded.apply(xs).data(), before);
    model.dispose();
    loaded.dispose();
  });
});
