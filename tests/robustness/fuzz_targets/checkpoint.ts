/** Fuzz target of the DLTKCKP1 checkpoint loader (checkpoint_fuzz_test.ts runs it). @module */
import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import type { Rng } from "../../../kernels/random.ts";
import * as layers from "../../../layers/mod.ts";
import { Sequential } from "../../../layers/sequential.ts";
import { loadCheckpointBytes, saveCheckpoint } from "../../../train/checkpoint.ts";
import type { FuzzTarget } from "../fuzz.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

function net(seed: number): Sequential {
  return new Sequential([
    layers.dense({ units: 4, activation: "relu", inputShape: [3] }),
    layers.batchNorm(),
    layers.dense({ units: 2 }),
  ], { seed }).build();
}

const WEIRD: unknown[] = [
  null,
  -1,
  0,
  1.5,
  2 ** 53,
  1e308,
  "x",
  "float64",
  "int32",
  [],
  {},
  [
    -1,
  ],
  [1e9, 1e9],
  true,
];

/** Replaces one random leaf or list of the JSON header with a weird value; the length stays right. */
function mutateHeader(b: Uint8Array, rng: Rng): Uint8Array {
  if (b.length < 12) return b;
  const hlen = new DataView(b.buffer, b.byteOffset).getUint32(8, true);
  let header: unknown;
  try {
    header = JSON.parse(dec.decode(b.subarray(12, 12 + hlen)));
  } catch {
    return b;
  }
  const spots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    for (const [k, c] of Object.entries(v)) {
      spots.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
      walk(c);
    }
  };
  walk(header);
  if (spots.length) {
    const [obj, key] = spots[rng.int(spots.length)];
    (obj as Record<string, unknown>)[key as string] = WEIRD[rng.int(WEIRD.length)];
  }
  const h = enc.encode(JSON.stringify(header));
  const rest = b.subarray(Math.min(b.length, 12 + hlen));
  const out = new Uint8Array(12 + h.length + rest.length);
  out.set(b.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, h.length, true);
  out.set(h, 12);
  out.set(rest, 12 + h.length);
  return out;
}

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
