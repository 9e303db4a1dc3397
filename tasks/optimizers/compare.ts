/**
 * Trains one model per variant from the same initial weights and the same data order, and
 * records per variant its history, the learning rate of every step, and its test result.
 * @module
 */
import type { Dataset } from "../../datasets/dataset.ts";
import { assignWeights } from "../../io/weights.ts";
import type { Sequential } from "../../layers/sequential.ts";
import { evaluate } from "../../train/evaluate.ts";
import { fit, type History } from "../../train/fit.ts";
import { makeVariant, type VariantName } from "./variants.ts";

/** What one variant's fit produced. */
export interface VariantResult {
  name: VariantName;
  optimizerText: string;
  scheduleText: string;
  /** The optimiser's own config(), for metrics.json. */
  optimizerConfig: Record<string, unknown>;
  /** Hash of the initial weights' bytes ({@link hashArrays}): equal hashes, same start. */
  initialWeightsHash: string;
  history: History;
  /** The learning rate each optimiser step used, in step order. */
  learningRates: number[];
  testLoss: number;
  testAcc: number;
  /**
   * Training-set loss of the final weights in evaluation mode: comparable with
   * {@link Comparison.initialTrainLoss}, unlike the epoch mean, which starts before any update.
   */
  trainLossAfter: number;
  /** Training time of all epochs (per-epoch test evaluations excluded). */
  trainSeconds: number;
  /** Wall time of the variant: build, fit with per-epoch test evaluation, final train loss. */
  seconds: number;
}

/** Options of {@link compareVariants}. */
export interface CompareOptions {
  model: (seed: number) => Sequential;
  train: Dataset;
  test: Dataset;
  variants: VariantName[];
  epochs: number;
  batchSize: number;
  /** Seeds the initial weights and the shuffling, the same for every variant. */
  seed: number;
  verbose?: boolean;
  /** Called after each variant (e.g. to print a line). */
  onVariant?: (r: VariantResult) => void;
}

/** The comparison and the loss every variant started from. */
export interface Comparison {
  /** Training-set loss of the initial weights (evaluation mode), the same for every variant. */
  initialTrainLoss: number;
  initialTestAcc: number;
  stepsPerEpoch: number;
  results: VariantResult[];
}

/**
 * Two 32-bit FNV-1a hashes of the bytes of `arrays` (with different offsets), as 16 hex digits:
 * enough to tell whether two sets of weights are bit-for-bit the same. 32-bit integer maths
 * (Math.imul) keeps it fast on million-parameter models.
 */
export function hashArrays(arrays: ArrayBufferView[]): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193 ^ 0x5bd1e995;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) {
      h1 = Math.imul(h1 ^ bytes[i], 0x01000193);
      h2 = Math.imul(h2 ^ bytes[i] ^ (i & 0xff), 0x01000193);
    }
  }
  const hex = (h: number) => (h >>> 0).toString(16).padStart(8, "0");
  return hex(h1) + hex(h2);
}

/** Host copies of every weight of `model` (on the CPU, data() may hand back pooled storage). */
async function readWeights(model: Sequential) {
  const out = [];
  for (const w of model.weights()) out.push((await w.tensor.data()).slice());
  return out;
}

/**
 * Runs every variant: builds the model from `seed` once, keeps its weights, and starts each
 * variant's model from a copy of them; fits with the same seed (so the same batch order), test
 * set evaluated after every epoch (the last of which is the test result), and the training set
 * once more with the final weights.
 */
export async function compareVariants(o: CompareOptions): Promise<Comparison> {
  const inputShape = o.train.x.shape.slice(1);
  const first = o.model(o.seed).build(inputShape);
  const initial = await readWeights(first);
  const ev0 = await evaluate(first, o.train);
  const initialTestAcc = (await evaluate(first, o.test)).accuracy;
  first.dispose();
  const n = o.train.x.shape[0];
  const stepsPerEpoch = Math.ceil(n / o.batchSize);
  const totalSteps = stepsPerEpoch * o.epochs;

  const results: VariantResult[] = [];
  for (const name of o.variants) {
    const t0 = performance.now();
    // Built from the same seed and then overwritten, so even a layer whose initialiser drew
    // differently would start from the shared weights.
    const model = o.model(o.seed).build(inputShape);
    assignWeights(model.weights(), initial);
    const hash = hashArrays(await readWeights(model));
    const variant = makeVariant(name, totalSteps);
    const learningRates: number[] = [];
    const optimizer = variant.optimizer;
    // The rate each step will use, read just before the step.
    const logRate = { onBatchBegin: () => learningRates.push(optimizer.currentLearningRate()) };
    try {
      const history = await fit(model, o.train, {
        epochs: o.epochs,
        batchSize: o.batchSize,
        optimizer,
        validationData: o.test,
        seed: o.seed,
        verbose: o.verbose ?? true,
        callbacks: [logRate],
      });
      // fit evaluated the test set after the last epoch with these final weights, so that is
      // the test result; evaluating again would only repeat it.
      const last = history.epochs[history.epochs.length - 1];
      const after = await evaluate(model, o.train);
      const r: VariantResult = {
        name,
        optimizerText: variant.optimizerText,
        scheduleText: variant.scheduleText,
        optimizerConfig: optimizer.config(),
        initialWeightsHash: hash,
        history,
        learningRates,
        testLoss: last.valLoss!,
        testAcc: last.valAcc!,
        trainLossAfter: after.loss,
        trainSeconds: history.epochs.reduce((s, e) => s + e.seconds, 0),
        seconds: (performance.now() - t0) / 1000,
      };
      results.push(r);
      o.onVariant?.(r);
    } finally {
      model.dispose();
      optimizer.dispose();
    }
  }
  return { initialTrainLoss: ev0.loss, initialTestAcc, stepsPerEpoch, results };
}
