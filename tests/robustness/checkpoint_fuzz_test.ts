import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import type { Rng } from "../../kernels/random.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { loadCheckpointBytes, saveCheckpoint } from "../../train/checkpoint.ts";
import { fuzz } from "./fuzz.ts";

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

Deno.test("fuzz checkpoints: a mutated file loads finite weights or fails cleanly, model untouched", async () => {
  await setDevice("cpu");
  const dir = await Deno.makeTempDir();
  await saveCheckpoint(net(1), `${dir}/m.ckpt`, { epoch: 2 });
  const seed = await Deno.readFile(`${dir}/m.ckpt`);
  await Deno.remove(dir, { recursive: true });
  const hlen = new DataView(seed.buffer).getUint32(8, true);
  const target = net(2);
  const r = await fuzz(
    [seed],
    (b) => {
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
    (e) => e instanceof Error && /^loadCheckpoint: m\.ckpt: /.test(e.message),
    {
      hot: [[8, 12], [12, 12 + hlen]],
      fixup: mutateHeader,
      budget: { seed: 3, minCases: 300, maxCases: 20_000, maxMillis: 3000 },
    },
  );
  assert.ok(r.loaded > 0 && r.rejected > 0, JSON.stringify(r));
});
