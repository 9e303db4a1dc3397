/**
 * W1–W6 as TensorFlow.js layers models, shared by the TF.js peers (bench/peers/tfjs_cpu.ts and
 * bench/peers/tfjs_webgpu.ts). Same layers as bench/workloads.ts; the caller passes its `tf`
 * module so each peer loads TF.js (and its backend) itself. W7 is not run: TF.js's public
 * `tf.layers` has no multi-head attention layer (its MultiHeadAttention class is internal to
 * tfjs-layers' nlp folder), so {@link tfjsWorkload} throws the note the peer records.
 */
// Pinned inline on purpose: TF.js is a benchmark peer, not a toolkit dependency, so it stays out
// of deno.json's import map and is fetched only when a peer script runs.
// deno-lint-ignore no-import-prefix
import type * as TF from "npm:@tensorflow/tfjs@4.22.0";

/** The model, its input shape without batch, and its batch size. */
export function tfjsWorkload(tf: typeof TF, name: string): [TF.LayersModel, number[], number] {
  const m = tf.sequential();
  const L = tf.layers;
  const relu = "relu" as const, same = "same" as const;
  if (name === "W5") return [resnetFashion(tf), [28, 28, 1], 128];
  if (name === "W6") {
    m.add(L.reshape({ targetShape: [28, 28], inputShape: [28, 28, 1] }));
    m.add(L.lstm({ units: 128 }));
    m.add(L.dense({ units: 10 }));
    return [m, [28, 28, 1], 128];
  }
  if (name === "W7") {
    throw new Error(
      "not run: TF.js 4.22's tf.layers has no multi-head attention layer (W7's encoder block)",
    );
  }
  if (name === "W1") {
    m.add(L.flatten({ inputShape: [28, 28, 1] }));
    m.add(L.dense({ units: 128, activation: relu }));
    m.add(L.dense({ units: 10 }));
    return [m, [28, 28, 1], 128];
  }
  if (name === "W2") {
    m.add(L.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: relu }));
    m.add(L.conv2d({ filters: 64, kernelSize: 3, activation: relu }));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.dropout({ rate: 0.25 }));
    m.add(L.flatten());
    m.add(L.dense({ units: 128, activation: relu }));
    m.add(L.dropout({ rate: 0.5 }));
    m.add(L.dense({ units: 10 }));
    return [m, [28, 28, 1], 128];
  }
  if (name === "W3") {
    const conv = { filters: 16, kernelSize: 5, padding: same, activation: relu };
    m.add(L.conv2d({ inputShape: [28, 28, 1], ...conv }));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.conv2d(conv));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.flatten());
    m.add(L.dense({ units: 10 }));
    return [m, [28, 28, 1], 16];
  }
  if (name === "W4") {
    const padded = { filters: 32, kernelSize: 3, padding: same, activation: relu };
    const valid = { filters: 32, kernelSize: 3, activation: relu };
    m.add(L.conv2d({ inputShape: [32, 32, 3], ...padded }));
    m.add(L.conv2d(valid));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.dropout({ rate: 0.25 }));
    m.add(L.conv2d(padded));
    m.add(L.conv2d(valid));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.dropout({ rate: 0.25 }));
    m.add(L.flatten());
    m.add(L.dense({ units: 512, activation: relu }));
    m.add(L.dropout({ rate: 0.5 }));
    m.add(L.dense({ units: 10 }));
    return [m, [32, 32, 3], 32];
  }
  throw new Error(`tfjs peer: unknown workload ${name} (W1–W7, matmul)`);
}

/** W5, tasks/resnet_fashion.ts as a TF.js functional model (batch norm momentum 0.9). */
function resnetFashion(tf: typeof TF): TF.LayersModel {
  const L = tf.layers;
  type Sym = TF.SymbolicTensor;
  const relu = (x: Sym) => L.reLU().apply(x) as Sym;
  const convBn = (x: Sym, filters: number, strides = 1) =>
    L.batchNormalization({ momentum: 0.9 }).apply(
      L.conv2d({ filters, kernelSize: 3, strides, padding: "same", useBias: false }).apply(x),
    ) as Sym;
  const block = (x: Sym, filters: number) =>
    relu(L.add().apply([x, convBn(relu(convBn(x, filters)), filters)]) as Sym);
  const inp = tf.input({ shape: [28, 28, 1] });
  let x = L.maxPooling2d({ poolSize: 2 }).apply(relu(convBn(inp, 16))) as Sym;
  x = block(relu(convBn(block(x, 16), 32, 2)), 32);
  const logits = L.dense({ units: 10 }).apply(L.flatten().apply(x)) as Sym;
  return tf.model({ inputs: inp, outputs: logits });
}
