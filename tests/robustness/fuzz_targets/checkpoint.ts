/** Fuzz target of the DLTKCKP1 checkpoint loader (checkpoint_fuzz_test.ts runs it). @module */
import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import type { Rng } from "../../../kernels/random.ts";
import * as layers from "../../../layers/mod.ts";
import { Sequential } from "../../../layers/sequential.ts";
import { loadCheckpointBytes, saveCheckpoint } from "../../../train/checkpoint.ts";
import { type FuzzTarget, mutateJsonHeader } from "../fuzz.ts";

function net(seed: number): Sequential {
  return new Sequential([
    layers.dense({ units: 4, activation: "relu", inputShape: [3] }),
    layers.batchNorm(),
    layers.dense({ units: 2 }),
  ], { seed }).build();
}

/** Rewrites the JSON header (u32 length at byte 8) with one weird value; the length stays right. */
const mutateHeader = (b: Uint8Array, rng: Rng) =>
  mutateJsonHeader(b, rng, { lengthAt: 8, bytes: 4 });

/** A checkpoint of a small model as saved, and its header length. */
async function savedCheckpoint(): Promise<Uint8Array> {
  await setDevice("cpu");
  const dir = await Deno.makeTempDir();
  try {
    await saveCheckpoint(net(1), `${dir}/m.ckpt`, { epoch: 2 });
    return await Deno.readFile(`${dir}/m.ckpt`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const seed = await savedCheckpoint();
const hlen = new DataView(seed.buffer).getUint32(8, true);
const target = net(2);

/**
 * A mutated file loads finite weights or fails with loadCheckpoint's error and leaves the model
 * untouched; half the cases get a well-formed header with one weird value (mutateHeader).
 */
export const checkpoint: FuzzTarget = {
  seeds: () => [seed],
  parse: (b) => {
    const before = target.weights().map((w) => w.tensor.dataSync().slice());
    try {
      loadCheckpointBytes(target, b, "m.ckpt");
    } catch (e) {
      // A rejected file leaves every weight as it was.
      target.weights().forEach((w, i) => assert.deepEqual(w.tensor.dataSync(), before[i]));
      throw e;
    }
    for (const w of target.weights()) {
      assert.ok(w.tensor.dataSync().every(Number.isFinite), `${w.name} finite`);
    }
  },
  isClean: (e) => e instanceof Error && /^loadCheckpoint: m\.ckpt: /.test(e.message),
  opts: {
    hot: [[8, 12], [12, 12 + hlen]],
    fixup: mutateHeader,
    budget: { seed: 3, minCases: 300, maxCases: 20_000, maxMillis: 3000 },
  },
};
