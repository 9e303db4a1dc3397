/**
 * W1–W4 as TensorFlow.js layers models, shared by the TF.js peers (bench/peers/tfjs_cpu.ts and
 * bench/peers/tfjs_webgpu.ts). Same layers as bench/workloads.ts; the caller passes its `tf`
 * module so each peer loads TF.js (and its backend) itself.
 */
// Pinned inline on purpose: TF.js is a benchmark peer, not a toolkit dependency, so it stays out
// of deno.json's import map and is fetched only when a peer script runs.
// deno-lint-ignore no-import-prefix
import type * as TF from "npm:@tensorflow/tfjs@4.22.0";

/** The model, its input shape without batch, and its batch size. */
export function tfjsWorkload(tf: typeof TF, name: string): [TF.Sequential, number[], number] {
  const m = tf.sequential();
  const L = tf.layers;
  const relu = "relu" as const, same = "same" as const;
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
  throw new Error(`tfjs peer: unknown workload ${name} (W1–W4, matmul)`);
}
