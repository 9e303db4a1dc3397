import type { Dataset } from "./dataset.ts";
import { DatasetError } from "./errors.ts";
import { envVar, hasMnistFiles, loadMnistFormat, toDataset } from "./mnist_format.ts";

/** Fashion-MNIST: MNIST's format; from a directory or the Debian package dataset-fashion-mnist. */

/** The ten Fashion-MNIST classes. */
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

/** Where `apt-get install dataset-fashion-mnist` puts the files. */
export const DEBIAN_FASHION_DIR = "/usr/share/datasets/fashion-mnist";

/**
 * Fashion-MNIST as tensors (x [N,28,28,1] in [0,1], y int32). Sources: `dir`,
 * $FASHION_MNIST_DIR, then /usr/share/datasets/fashion-mnist.
 */
export async function fashionMnist(
  opts: { dir?: string; limitTrain?: number; limitTest?: number } = {},
): Promise<{ train: Dataset; test: Dataset; source: string }> {
  const dir = opts.dir ?? envVar("FASHION_MNIST_DIR") ?? DEBIAN_FASHION_DIR;
  if (!opts.dir && !(await hasMnistFiles(dir))) {
    throw new DatasetError(
      `Fashion-MNIST not found in ${dir}: run "apt-get install dataset-fashion-mnist" ` +
        `or set FASHION_MNIST_DIR to a folder with the four IDX files`,
    );
  }
  const raw = await loadMnistFormat(dir, opts);
  return {
    train: toDataset(raw.train, FASHION_CLASSES),
    test: toDataset(raw.test, FASHION_CLASSES),
    source: dir,
  };
}
