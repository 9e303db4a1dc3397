import { flush, keep, noGrad, tidy } from "../kernels/engine.ts";
import { add, argmax, gather, mulScalar, sliceRows } from "../kernels/ops/mod.ts";
import { type Tensor, tensor, zeros } from "../kernels/tensor.ts";
import type { Layer } from "../layers/layer.ts";
import { lossByName, type LossFn, type LossName, lossTakingWeights } from "../layers/losses.ts";
import { labelsTensor } from "./batches.ts";
import {
  gatherInputs,
  inputCount,
  inputList,
  type ModelData,
  sampleCount,
  sampleShapes,
} from "./model_data.ts";
import { checkedData, checkFinite } from "./data_checks.ts";
import type { Metric } from "./metric.ts";
import { accuracy, confusionMatrix } from "./metrics.ts";
import { batchLoss, stepAccuracySums, stepLabels } from "./output_mask.ts";
import { type MetricName, metricsByName } from "./metrics/by_name.ts";
import { evaluationBundle, withDisplay } from "../notebook/display.ts";

/** What {@link evaluate} returns. */
export interface Evaluation {
  /** Mean loss over the samples. */
  loss: number;
  /**
   * NaN for regression targets; for class ids per step ([N, T] int32) the accuracy over the
   * steps, the kept ones when the output has a mask.
   */
  accuracy: number;
  /** Rows = true class, columns = predicted (classification only). */
  confusion?: number[][];
  /** Predicted class per sample (classification only). */
  predictions?: Int32Array;
  /** Number of samples evaluated. */
  n: number;
  /**
   * The metrics asked for, by name ("accuracy" included when asked); over the kept steps when
   * the output has a mask.
   */
  metrics: Record<string, number>;
}

/**
 * Loss and accuracy of any model on `data` in evaluation mode (dropout off, batch-norm running
 * statistics), batch by batch with no gradient recording. The loss says what the output is
 * (default "softmaxCrossEntropy": logits).
 * Example: `const { accuracy, confusion } = await evaluate(model, test);`
 */
export async function evaluate(
  model: Layer,
  data: ModelData,
  opts: {
    loss?: LossName | LossFn;
    batchSize?: number;
    numClasses?: number;
    /** Metrics by name or as objects: `["accuracy", "topK", "f1Macro", "mae"]` (MetricName). */
    metrics?: (MetricName | Metric)[];
  } = {},
): Promise<Evaluation> {
  data = await checkedData("evaluate", data, model);
  const n = sampleCount(data);
  const named = lossByName(opts.loss ?? "softmaxCrossEntropy");
  const lossFn = data.sampleWeight ? lossTakingWeights("evaluate", named) : named;
  model.ensureBuilt(sampleShapes(data.x));
  let classes = 0;
  const classify = data.y instanceof Int32Array;
  // Class ids per step ([N, T]): accuracy over the steps, the kept ones when masked.
  const perStep = stepLabels(data.y);
  const bs = opts.batchSize ?? 256;
  const y = keep(labelsTensor(data.y));
  // A target tensor the caller passed stays theirs; only labels uploaded here are freed.
  const ownsY = y !== data.y;
  const w = data.sampleWeight ? keep(tensor(data.sampleWeight)) : undefined;
  let lossSum = keep(zeros([]));
  // Per-step accuracy: Σ correct, Σ kept steps of masked outputs (unmasked ones: host count).
  let hits = keep(zeros([])), kept = keep(zeros([]));
  let unmaskedScored = 0;
  const all = keep(tensor(Int32Array.from({ length: n }, (_, i) => i)));
  const preds: Tensor[] = [];
  const extra = metricsByName(opts.metrics ?? []);
  try {
    for (let start = 0; start < n; start += bs) {
      const count = Math.min(bs, n - start);
      const [nextLoss, pred, nextHits, nextKept] = tidy(() =>
        noGrad(() => {
          const idx = sliceRows(all, start, count);
          const { output: out, mask } = model.applyWithMask(gatherInputs(data.x, idx), {
            training: false,
          });
          classes = out.shape.at(-1) ?? 1;
          const yb = gather(y, idx);
          for (const m of extra) m.update(out, yb, mask);
          const bl = batchLoss(lossFn, out, yb, mask, w ? gather(w, idx) : undefined);
          const l = add(lossSum, mulScalar(bl, count));
          if (!perStep) {
            return [l, classify ? argmax(out) : undefined, undefined, undefined] as const;
          }
          const sums = stepAccuracySums(out, yb, mask);
          if (!sums.kept) unmaskedScored += yb.size;
          const k = sums.kept ? add(kept, sums.kept) : undefined;
          return [l, undefined, add(hits, sums.correct), k] as const;
        })
      );
      flush();
      lossSum.dispose();
      lossSum = keep(nextLoss);
      if (pred) preds.push(keep(pred));
      if (nextHits) {
        hits.dispose();
        hits = keep(nextHits);
      }
      if (nextKept) {
        kept.dispose();
        kept = keep(nextKept);
      }
    }
    const loss = n === 0 ? NaN : (await lossSum.data())[0] / n;
    const metrics: Record<string, number> = {};
    for (const m of extra) metrics[m.name] = await m.result();
    if (!classify) {
      const acc = perStep
        ? (await hits.data())[0] / ((await kept.data())[0] + unmaskedScored)
        : NaN;
      if (opts.metrics?.includes("accuracy")) metrics.accuracy = acc;
      return withDisplay({ loss, accuracy: acc, n, metrics }, (e) => evaluationBundle(e));
    }
    const predictions = new Int32Array(n);
    let off = 0;
    for (const p of preds) {
      predictions.set(await p.data(), off);
      off += p.size;
    }
    const labels = data.y as Int32Array;
    const k = opts.numClasses ?? data.classNames?.length ?? Math.max(classes, 1);
    const acc = accuracy(predictions, labels);
    if (opts.metrics?.includes("accuracy")) metrics.accuracy = acc;
    // Shown in a notebook as a confusion heat map; the display method is non-enumerable.
    return withDisplay({
      loss,
      accuracy: acc,
      metrics,
      confusion: confusionMatrix(predictions, labels, k),
      predictions,
      n,
    }, (e) => evaluationBundle(e, data.classNames));
  } finally {
    if (ownsY) y.dispose();
    w?.dispose();
    all.dispose();
    lossSum.dispose();
    hits.dispose();
    kept.dispose();
    for (const p of preds) p.dispose();
    for (const m of extra) m.reset();
  }
}

/**
 * The model's outputs for `x` (one tensor, or one per input) in evaluation mode, batch by
 * batch: what the model's last layer gives (logits for a model that ends in a linear layer;
 * apply `softmax` for probabilities). Example: `const logits = await predict(model, test.x);`
 */
export async function predict(
  model: Layer,
  x: Tensor | Tensor[],
  opts: { batchSize?: number } = {},
): Promise<Tensor> {
  for (const [i, t] of inputList(x).entries()) {
    await checkFinite("predict", Array.isArray(x) ? `x[${i}]` : "x", t);
  }
  const n = inputCount(x);
  model.ensureBuilt(sampleShapes(x));
  const bs = opts.batchSize ?? 256;
  const parts: Float32Array[] = [];
  let outShape: number[] = [];
  for (let start = 0; start < n; start += bs) {
    const count = Math.min(bs, n - start);
    const out = tidy(() =>
      noGrad(() =>
        model.apply(
          gatherInputs(x, Int32Array.from({ length: count }, (_, i) => start + i)),
          { training: false },
        )
      )
    );
    outShape = out.shape.slice(1);
    parts.push((await out.data()) as Float32Array);
    out.dispose();
  }
  const per = outShape.reduce((a, b) => a * b, 1);
  const all = new Float32Array(n * per);
  parts.forEach((p, i) => all.set(p, i * bs * per));
  return tensor(all, [n, ...outShape]);
}
