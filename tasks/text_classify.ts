/**
 * `deno task text-classify`: text classification on a generated language whose classes depend on
 * word order ("opinion arcs", datasets/opinion_arcs.ts: a bag-of-words model is capped at
 * 0.375 test accuracy, chance is 0.125), with an embedding, a bidirectional GRU, global max pooling
 * and a dense layer, written as a functional model (not a course exercise: issue 17's proof of
 * the embedding and recurrent layers). Its PyTorch twin is tasks/peers/text_classify_torch.py.
 * @module
 */
import { ARCS, opinionArcs } from "../datasets/opinion_arcs.ts";
import * as layers from "../layers/mod.ts";
import { Model } from "../layers/model.ts";
import { input } from "../layers/symbolic.ts";
import { adam } from "../train/optimizers.ts";
import { runMain } from "../experiment/main.ts";
import { type ClassificationTask, runClassificationTask } from "./common.ts";

/** Embedding width and GRU units (each direction). */
export const TEXT = { embed: 32, units: 32 } as const;

/**
 * [batch, 48] word ids → embedding 32 → bidirectional GRU 32 (every step, both directions
 * concatenated: 64 features) → global max pooling over time → dense 8 logits.
 */
export function textClassifier(seed: number): Model {
  const ids = input({ shape: [ARCS.maxLength], name: "ids" });
  const words = layers.embedding({ inputDim: ARCS.vocabulary, outputDim: TEXT.embed }).apply(ids);
  const gru = layers.gru({ units: TEXT.units, returnSequences: true });
  const seq = layers.bidirectional({ layer: gru }).apply(words);
  const pooled = layers.globalMaxPooling1d().apply(seq);
  const logits = layers.dense({ units: ARCS.classes }).apply(pooled);
  return new Model({ inputs: ids, outputs: logits, seed });
}

/**
 * Trainable parameters: the table 1000·32; per direction 32·96 + 32·96 + 2·96 (kernel,
 * recurrent kernel, input and recurrent bias rows); dense 64·8 + 8.
 */
export const TEXT_CLASSIFY_PARAMS = ARCS.vocabulary * TEXT.embed +
  2 * (TEXT.embed * 3 * TEXT.units + TEXT.units * 3 * TEXT.units + 2 * 3 * TEXT.units) +
  2 * TEXT.units * ARCS.classes + ARCS.classes;

export const task: ClassificationTask = {
  name: "text-classify",
  description: "Opinion arcs (a generated language, 8 classes fixed by word order): embedding " +
    "1000×32 → bidirectional GRU 32 (all steps) → global max pooling → dense 8 logits; Adam " +
    "1e-2, batch 64, 6 epochs of 10 000 texts, val split 0.1.",
  reported: { testAcc: 0.97 },
  choices: {
    reported: "not a course exercise: 0.97 is our target for the full run (a bag-of-words " +
      "model cannot pass 0.375 on this data)",
    data: "generated (no download, no licence question): datasets/opinion_arcs.ts, seed 1 " +
      "whatever --seed is, so every run sees the same texts",
    optimizer: "adam lr 1e-2 (its other settings Keras' defaults): the loss first sits at ln 8 " +
      "(chance) until the model finds the opinion words; the quick run (3 epochs of 5 400 " +
      "texts, seed 1) ends at test acc 0.71 with lr 3e-3 and 0.99 with 1e-2",
    batchSize: "64: twice the steps of 128 per epoch for a small model on short texts",
    epochs: "6 of 9 000 texts (10 000 less the validation tenth): under a minute each on 2 CPU " +
      "cores, ≤ 10 min in all",
    init: "Keras' defaults: embedding uniform ±0.05, GRU glorot-uniform kernel, orthogonal " +
      "recurrent kernel, zero biases (input and recurrent rows), glorot-uniform dense kernel",
    padding: "texts padded at the front with id 0 (Keras' pad_sequences default); no " +
      "maskZero (which the GRU and the pooling would honour): the GRU reads the padding as a " +
      "word, as the twin's unpacked nn.GRU does, so both run the same recipe",
    pooling: "global max over time of both directions' outputs, so no direction's last state " +
      "has to carry the whole text",
    loss: "softmaxCrossEntropy on the dense layer's logits",
  },
  data: (flags) =>
    Promise.resolve(opinionArcs({ train: flags.limit, test: flags.quick ? 1000 : 4000 })),
  model: textClassifier,
  optimizer: () => adam({ learningRate: 1e-2 }),
  recipe: { epochs: 6, batchSize: 64, validationSplit: 0.1 },
  // Quick, 3 epochs of 5 400 texts: seed 1 ends at test acc 0.992, seed 2 at 1.000. The same
  // seed-1 run with the BiGRU's output multiplied by 0 (all else trained) ends at 0.130, and with
  // the BiGRU replaced by a per-word dense 64 tanh (a recurrence that ignores h) at 0.124; no
  // bag-of-words model can pass 0.375.
  quick: { epochs: 3, limit: 6000, testLimit: 1000, minTestAcc: 0.7 },
};

if (import.meta.main) await runMain(() => runClassificationTask(task, Deno.args));
