/**
 * Fashion-MNIST (Zalando): MNIST's format and sizes with clothing classes; from a folder,
 * $FASHION_MNIST_DIR, or the Debian package dataset-fashion-mnist.
 * @module
 */
import { disposableSplits, type ImageDataset } from "./dataset.ts";
import { DatasetError } from "./errors.ts";
import { envDir, loadMnistDir, type MnistOptions, type RawMnist, toImageDataset } from "./mnist.ts";
import { hasMnistFiles } from "./mnist_format.ts";

/** The ten Fashion-MNIST classes, index = label. */
export const FASHION_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/** Where `apt-get install dataset-fashion-mnist` puts the four `.gz` IDX files. */
export const DEBIAN_FASHION_DIR = "/usr/share/datasets/fashion-mnist";

/**
 * Fashion-MNIST as raw bytes (as `loadMnistArrays` for MNIST). Sources in order:
 * `opts.dir`, $FASHION_MNIST_DIR (read only with env access), then the Debian package's folder.
 */
export async function loadFashionMnistArrays(opts: MnistOptions = {}): Promise<RawMnist> {
  if (opts.dir) return { ...(await loadMnistDir(opts.dir, opts)), source: opts.dir };
  const fromEnv = envDir("FASHION_MNIST_DIR");
  const dir = fromEnv ?? DEBIAN_FASHION_DIR;
  // Read access is checked first so that a missing --allow-read is not reported as missing data.
  if ((await Deno.permissions.request({ name: "read", path: dir })).state !== "granted") {
    throw new DatasetError(`${dir}: no read access; run deno with --allow-read (or -A)`);
  }
  if (!(await hasMnistFiles(dir))) {
    throw new DatasetError(
      `Fashion-MNIST not found in ${dir}${fromEnv ? " (from FASHION_MNIST_DIR)" : ""}: ` +
        `run "apt-get install dataset-fashion-mnist", or set FASHION_MNIST_DIR or pass { dir } ` +
        `to a folder with the four IDX files (train-images-idx3-ubyte ... t10k-labels-idx1-ubyte, ` +
        `raw or .gz)`,
    );
  }
  return { ...(await loadMnistDir(dir, opts)), source: dir };
}

/**
 * Fashion-MNIST as tensors: x [N, 28, 28, 1] float32 in [0, 1], y int32 class ids, with
 * {@link FASHION_CLASSES} as `classNames`.
 * Example: `const { train, test } = await fashionMnist(); train.classNames[train.y[0]]`.
 */
export async function fashionMnist(
  opts: MnistOptions = {},
): Promise<{ train: ImageDataset; test: ImageDataset; source: string }> {
  const raw = await loadFashionMnistArrays(opts);
  return disposableSplits({
    train: toImageDataset(raw.train, FASHION_CLASSES),
    test: toImageDataset(raw.test, FASHION_CLASSES),
    source: raw.source,
  });
}
