/**
 * The two datasets the `optimizers` task runs on, each with its model, its run lengths and the
 * RDFIA preprocessing (per-channel standardisation with training-set statistics).
 * @module
 */
import { fashionMnist } from "../../datasets/fashion_mnist.ts";
import type { ImageDataset } from "../../datasets/dataset.ts";
import type { Sequential } from "../../layers/sequential.ts";
import { type DataOrigin, loadCifar } from "../cifar10_common.ts";
import { rdfiaNet } from "../cifar10_models.ts";
import { standardizeChannels } from "../cifar10_preprocess.ts";
import { fashionCnn } from "./fashion_cnn.ts";

/** Values of `--dataset`. */
export const DATASETS = ["cifar10", "fashion-mnist"] as const;

/** One of {@link DATASETS}. */
export type DatasetName = typeof DATASETS[number];

/** Run lengths of one dataset: the full recipe and the quick (CI) run. */
export interface RunPreset {
  epochs: number;
  batchSize: number;
  /** Training samples (undefined: all). */
  limit?: number;
  /** Test samples (undefined: all). */
  testLimit?: number;
}

/** A dataset's model, presets and description. */
export interface DatasetSpec {
  name: DatasetName;
  /** The model every variant trains, from the same seed. */
  model: (seed: number) => Sequential;
  modelText: string;
  full: RunPreset;
  quick: RunPreset;
}

/** The specs by name; the reasons for these numbers are in the task's `choices`. */
export const DATASET_SPECS: Record<DatasetName, DatasetSpec> = {
  "cifar10": {
    name: "cifar10",
    model: (seed) => rdfiaNet(seed),
    modelText: "RDFIA net: 3 × (Conv 5×5 same 32/64/64 → ReLU → MaxPool 2) → FC 1000 ReLU → FC 10",
    full: { epochs: 20, batchSize: 32 },
    quick: { epochs: 1, batchSize: 16, limit: 128, testLimit: 100 },
  },
  "fashion-mnist": {
    name: "fashion-mnist",
    model: (seed) => fashionCnn(seed),
    modelText: "Conv 8 3×3 same ReLU → MaxPool 2 → Conv 16 3×3 same ReLU → MaxPool 2 → " +
      "FC 32 ReLU → FC 10",
    full: { epochs: 5, batchSize: 32 },
    quick: { epochs: 2, batchSize: 16, limit: 512, testLimit: 300 },
  },
};

/** Standardised splits, where they came from, and whether they are a stand-in. */
export interface ComparisonData extends DataOrigin {
  train: ImageDataset;
  test: ImageDataset;
  /** The per-channel statistics the inputs were standardised with (training split only). */
  preprocessing: { standardize: { mean: number[]; std: number[] } };
}

/** Loads `dataset` (first `limit` train and `testLimit` test samples) and standardises it. */
export async function loadComparisonData(
  dataset: DatasetName,
  o: { limit?: number; testLimit?: number; seed: number; dataDir?: string },
): Promise<ComparisonData> {
  const d = dataset === "cifar10"
    ? await loadCifar({ dataDir: o.dataDir, limit: o.limit, limitTest: o.testLimit, seed: o.seed })
    : {
      ...(await fashionMnist({ dir: o.dataDir, limitTrain: o.limit, limitTest: o.testLimit })),
      standIn: false,
      notice: undefined,
    };
  const standardize = await standardizeChannels(d);
  return {
    train: d.train,
    test: d.test,
    source: d.source,
    standIn: d.standIn,
    notice: d.notice,
    preprocessing: { standardize },
  };
}
