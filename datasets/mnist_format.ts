import { join } from "node:path";
import { tensor } from "../kernels/tensor.ts";
import type { Dataset } from "./dataset.ts";
import { DatasetError } from "./errors.ts";
import { readIdxFile } from "./idx.ts";

/** Loading any MNIST-format dataset (MNIST, Fashion-MNIST) from a directory of IDX files. */

/** One split as raw bytes. */
export interface RawSplit {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  rows: number;
  cols: number;
}

const SPELLINGS = (
  base: string,
) => [base, `${base}.gz`, base.replace("-idx", ".idx"), `${base.replace("-idx", ".idx")}.gz`];

async function findFile(dir: string, base: string): Promise<string | undefined> {
  for (const name of SPELLINGS(base)) {
    const p = join(dir, name);
    try {
      if ((await Deno.stat(p)).isFile) return p;
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

/** True when `dir` holds the four MNIST-format files (any accepted spelling). */
export async function hasMnistFiles(dir: string): Promise<boolean> {
  for (
    const b of [
      "train-images-idx3-ubyte",
      "train-labels-idx1-ubyte",
      "t10k-images-idx3-ubyte",
      "t10k-labels-idx1-ubyte",
    ]
  ) {
    if (!(await findFile(dir, b))) return false;
  }
  return true;
}

async function loadSplit(dir: string, prefix: "train" | "t10k", limit?: number): Promise<RawSplit> {
  const imgPath = await findFile(dir, `${prefix}-images-idx3-ubyte`);
  const lblPath = await findFile(dir, `${prefix}-labels-idx1-ubyte`);
  if (!imgPath || !lblPath) {
    throw new DatasetError(
      `${dir}: missing ${prefix}-images-idx3-ubyte or ${prefix}-labels-idx1-ubyte (raw or .gz)`,
    );
  }
  const img = await readIdxFile(imgPath);
  const lbl = await readIdxFile(lblPath);
  if (img.dims.length !== 3 || !(img.data instanceof Uint8Array)) {
    throw new DatasetError(
      `${imgPath}: expected u8 images [N, rows, cols], got dims [${img.dims}]`,
    );
  }
  if (lbl.dims.length !== 1 || !(lbl.data instanceof Uint8Array)) {
    throw new DatasetError(`${lblPath}: expected u8 labels [N], got dims [${lbl.dims}]`);
  }
  if (img.dims[0] !== lbl.dims[0]) {
    throw new DatasetError(
      `${imgPath} holds ${img.dims[0]} images but ${lblPath} holds ${lbl.dims[0]} labels`,
    );
  }
  const bad = lbl.data.findIndex((v) => v > 9);
  if (bad >= 0) {
    throw new DatasetError(
      `${lblPath}: label ${lbl.data[bad]} at index ${bad} is not a digit class 0–9`,
    );
  }
  const [total, rows, cols] = img.dims;
  const n = Math.min(total, limit ?? total);
  return {
    images: img.data.subarray(0, n * rows * cols),
    labels: lbl.data.subarray(0, n),
    n,
    rows,
    cols,
  };
}

/** Both splits from `dir`, each optionally capped to its first `limit` samples. */
export async function loadMnistFormat(
  dir: string,
  opts: { limitTrain?: number; limitTest?: number } = {},
): Promise<{ train: RawSplit; test: RawSplit }> {
  return {
    train: await loadSplit(dir, "train", opts.limitTrain),
    test: await loadSplit(dir, "t10k", opts.limitTest),
  };
}

/** A raw split as a dataset: x [N, rows, cols, 1] float32 in [0, 1], y int32. */
export function toDataset(s: RawSplit, classNames: string[]): Dataset {
  const x = new Float32Array(s.images.length);
  for (let i = 0; i < x.length; i++) x[i] = s.images[i] / 255;
  return { x: tensor(x, [s.n, s.rows, s.cols, 1]), y: Int32Array.from(s.labels), classNames };
}

/** Reads an environment variable without requiring --allow-env. */
export function envVar(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}
