/**
 * Stand-in data in CIFAR-10's shape for machines without the real set: seeded synthetic 32×32
 * RGB images of ten classes (named like CIFAR-10's) that a CNN can learn, but not from one cue.
 * Each class is a hue, a shape and a texture: the ten classes form five pairs that share a
 * shape and neighbouring hues and differ in stripe direction, so colour alone gets a net part of
 * the way, shape narrows a sample to a pair, and only texture separates the pair. Random
 * position, size, background, a distractor blob and pixel noise keep it from being trivial.
 * The numbers a task gets on it check that the pipeline runs and learns; they say nothing about
 * CIFAR-10.
 *
 * `cifar10OrStandIn` loads the real set when it is on disk (or downloadable) and falls back to
 * the stand-in only when it is absent; files that exist but fail to load still throw.
 * @module
 */
import { join } from "node:path";
import { fromHost } from "../kernels/engine.ts";
import { pcgHash, Rng } from "../kernels/random.ts";
import { defaultCacheDir, MANIFEST } from "./cache.ts";
import {
  cifar10,
  CIFAR10_CLASSES,
  CIFAR10_SUBDIR,
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILES,
  type Cifar10Options,
} from "./cifar10.ts";
import type { ImageDataset } from "./dataset.ts";
import { DatasetError } from "./errors.ts";
import { envDir } from "./mnist.ts";

const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** Options of {@link cifar10StandIn}. */
export interface StandInOptions {
  /** Training samples (default 50000, as CIFAR-10). */
  nTrain?: number;
  /** Test samples (default 10000, as CIFAR-10). */
  nTest?: number;
  /** Seed of the generator (default 0); same seed, same images. */
  seed?: number;
}

/** One split on the host: NHWC float32 images in [0, 1] and int32 labels. */
export interface StandInArrays {
  /** n × 32 × 32 × 3 values, NHWC. */
  x: Float32Array;
  /** n class ids 0–9. */
  y: Int32Array;
  n: number;
}

type Shape = (dx: number, dy: number, r: number) => boolean;

// Five shapes, each shared by a pair of classes.
const SHAPES: Shape[] = [
  (dx, dy, r) => dx * dx + dy * dy <= r * r,
  (dx, dy, r) => Math.max(Math.abs(dx), Math.abs(dy)) <= 0.85 * r,
  (dx, dy, r) => dy <= 0.8 * r && Math.abs(dx) <= 0.55 * (dy + r),
  (dx, dy, r) => {
    const d2 = dx * dx + dy * dy;
    return d2 <= r * r && d2 >= 0.3 * r * r;
  },
  (dx, dy, r) =>
    (Math.abs(dx) <= 0.3 * r && Math.abs(dy) <= r) ||
    (Math.abs(dy) <= 0.3 * r && Math.abs(dx) <= r),
];

/**
 * Class c's cues. The pairs mirror CIFAR-10's usual confusions (car/truck, cat/dog,
 * deer/horse, airplane/ship, bird/frog), so the stand-in's confusion matrix has CIFAR's look.
 */
const CLASS_CUES: { shape: number; hue: number; vertical: boolean }[] = (() => {
  const pairs = [[1, 9], [3, 5], [4, 7], [0, 8], [2, 6]];
  const cues = new Array(10);
  pairs.forEach(([a, b], p) => {
    cues[a] = { shape: p, hue: p / 5, vertical: false };
    cues[b] = { shape: p, hue: p / 5 + 0.07, vertical: true };
  });
  return cues;
})();

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const hh = ((h % 1) + 1) % 1 * 6;
  const i = Math.floor(hh);
  const f = hh - i;
  const p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  const rgb: [number, number, number][] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [
    v,
    p,
    q,
  ]];
  return rgb[i % 6];
}

/** Draws sample `index` of a split into `out` at `at`; returns its label. */
function drawSample(out: Float32Array, at: number, rng: Rng): number {
  const label = rng.int(10);
  const cue = CLASS_CUES[label];
  const bg = hsvToRgb(rng.uniform(), 0.1 + 0.3 * rng.uniform(), 0.25 + 0.6 * rng.uniform());
  const grad = [rng.normal() * 0.006, rng.normal() * 0.006];
  const fg = hsvToRgb(
    cue.hue + rng.normal() * 0.06,
    0.45 + 0.5 * rng.uniform(),
    0.45 + 0.55 * rng.uniform(),
  );
  const cx = 9 + 14 * rng.uniform(), cy = 9 + 14 * rng.uniform();
  const r = 6 + 5 * rng.uniform();
  const period = 3.5 + 1.5 * rng.uniform();
  const phase = rng.uniform() * 2 * Math.PI;
  const amp = 0.2 + 0.15 * rng.uniform();
  // A blob of any colour somewhere, so "the biggest coloured thing" is not a free answer.
  const blob = rng.uniform() < 0.6;
  const bx = 32 * rng.uniform(), by = 32 * rng.uniform(), br = 2 + 3 * rng.uniform();
  const bc = hsvToRgb(rng.uniform(), 0.7, 0.4 + 0.5 * rng.uniform());
  const shape = SHAPES[cue.shape];
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const dx = x - cx, dy = y - cy;
      let c: readonly number[];
      let shade = 1 + grad[0] * (x - 16) + grad[1] * (y - 16);
      if (shape(dx, dy, r)) {
        c = fg;
        shade *= 1 + amp * Math.sin((2 * Math.PI * (cue.vertical ? x : y)) / period + phase);
      } else if (blob && (x - bx) ** 2 + (y - by) ** 2 <= br * br) {
        c = bc;
      } else {
        c = bg;
      }
      const o = at + (y * SIDE + x) * 3;
      for (let k = 0; k < 3; k++) {
        const v = c[k] * shade + 0.06 * rng.normal();
        out[o + k] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return label;
}

/**
 * `n` stand-in samples of one split. Sample i depends only on (seed, split, i), so the first
 * 100 samples of a 50000-sample set equal a 100-sample set's (`--limit` keeps a prefix, as with
 * the real loader). Example: `standInArrays(10, { seed: 1, split: "test" }).y`.
 */
export function standInArrays(
  n: number,
  opts: { seed?: number; split: "train" | "test" },
): StandInArrays {
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new RangeError(`standInArrays: n must be a whole number ≥ 0, got ${n}`);
  }
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  const stream = pcgHash(((opts.seed ?? 0) * 2 + (opts.split === "test" ? 1 : 0)) >>> 0);
  for (let i = 0; i < n; i++) {
    y[i] = drawSample(x, i * PIXELS, new Rng((stream ^ pcgHash(i)) >>> 0));
  }
  return { x, y, n };
}

/**
 * Stand-in CIFAR-10 as tensors: x [N, 32, 32, 3] float32 in [0, 1], y int32 labels, CIFAR-10's
 * class names. `source` says it is synthetic.
 * Example: `const { train, test } = cifar10StandIn({ nTrain: 1000, nTest: 200, seed: 1 });`
 */
export function cifar10StandIn(
  opts: StandInOptions = {},
): { train: ImageDataset; test: ImageDataset; source: string } {
  const seed = opts.seed ?? 0;
  const split = (n: number, which: "train" | "test"): ImageDataset => {
    const a = standInArrays(n, { seed, split: which });
    return {
      // fromHost hands the fresh array over instead of copying it.
      x: fromHost(a.x, [a.n, SIDE, SIDE, 3], "float32"),
      y: a.y,
      classNames: [...CIFAR10_CLASSES],
    };
  };
  return {
    train: split(opts.nTrain ?? 50000, "train"),
    test: split(opts.nTest ?? 10000, "test"),
    source: `synthetic CIFAR-10 stand-in (seed ${seed}; not CIFAR-10)`,
  };
}

/** What {@link cifar10OrStandIn} returns. */
export interface Cifar10OrStandIn {
  train: ImageDataset;
  test: ImageDataset;
  /** The folder read, or the stand-in's description. */
  source: string;
  /** True when the real set was absent and the images are synthetic. */
  standIn: boolean;
  /** With `standIn`: the loader's message saying where it looked. */
  reason?: string;
}

async function exists(p: string): Promise<boolean> {
  try {
    await Deno.stat(p);
    return true;
  } catch (e) {
    // Only "not there" counts as absent; an unreadable path is something the loader must report.
    return !(e instanceof Deno.errors.NotFound);
  }
}

/**
 * Paths where the loader would find CIFAR-10 files (none: the data is absent). Mirrors the
 * loader's order: a given folder (or $CIFAR10_DIR) is the only place it reads; otherwise the
 * cache folder with its manifest, `.bin` files or a placed archive.
 */
async function cifar10OnDisk(opts: Cifar10Options): Promise<string[]> {
  const names = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
  const dir = opts.dataDir ?? envDir("CIFAR10_DIR");
  const candidates = dir
    ? [dir, join(dir, CIFAR10_SUBDIR)].flatMap((d) => names.map((f) => join(d, f)))
    : (() => {
      const cache = opts.cacheDir ?? defaultCacheDir("cifar10");
      return cache ? [...names, MANIFEST, "cifar-10-binary.tar.gz"].map((f) => join(cache, f)) : [];
    })();
  const found: string[] = [];
  for (const p of candidates) if (await exists(p)) found.push(p);
  return found;
}

/**
 * CIFAR-10 from {@link cifar10} when it is there; stand-in data (`standIn: true`, with the
 * loader's message as `reason`) only when it is absent: no file of it where the loader looks and
 * no download possible. Files that exist but are truncated, corrupt or unreadable still throw,
 * and so does any error that is not the loader's. `limit`/`limitTest` size the stand-in too
 * (default 50000/10000); `standInSeed` seeds it.
 * Example: `const d = await cifar10OrStandIn({ limit: 1000 }); if (d.standIn) warn(d.reason);`
 */
export async function cifar10OrStandIn(
  opts: Cifar10Options & { standInSeed?: number } = {},
): Promise<Cifar10OrStandIn> {
  // A folder named on purpose that is not there is a typo, not "CIFAR-10 is absent".
  const given = opts.dataDir ?? envDir("CIFAR10_DIR");
  if (given !== undefined && !(await isDirectory(given))) {
    throw new DatasetError(
      `${given} (${opts.dataDir !== undefined ? "--data-dir" : "$CIFAR10_DIR"}) does not exist: ` +
        `give the folder holding CIFAR-10's six .bin files (or cifar-10-batches-bin/), or leave ` +
        `it out to use the download cache (and without CIFAR-10, the stand-in)`,
    );
  }
  try {
    return { ...(await cifar10(opts)), standIn: false };
  } catch (e) {
    if (!(e instanceof DatasetError) || (await cifar10OnDisk(opts)).length > 0) throw e;
    const s = cifar10StandIn({ nTrain: opts.limit, nTest: opts.limitTest, seed: opts.standInSeed });
    return { ...s, standIn: true, reason: e.message };
  }
}
