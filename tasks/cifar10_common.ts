/**
 * What the CIFAR-10 tasks share: the `--data-dir` flag beside the common task flags, loading
 * CIFAR-10 or (only when it is absent) the stand-in with a loud notice, and marking results
 * files made from stand-in data.
 * @module
 */
import { defaultCacheDir } from "../datasets/cache.ts";
import { cifar10OrStandIn } from "../datasets/cifar10_standin.ts";
import type { ImageDataset } from "../datasets/dataset.ts";
import { DatasetError } from "../datasets/errors.ts";
import { envDir } from "../datasets/mnist.ts";
import type { FlagSchema } from "../experiment/flags.ts";

/** `--data-dir`, the flag every CIFAR-10 task adds to the common ones. */
export const CIFAR_FLAGS = {
  "data-dir": {
    type: "string",
    help: "CIFAR-10 binary folder (else $CIFAR10_DIR, then the download cache); without " +
      "CIFAR-10 the task runs on synthetic stand-in data and says so",
  },
} as const satisfies FlagSchema;

/** Where a task's data came from, and whether it is the stand-in. */
export interface DataOrigin {
  source: string;
  standIn: boolean;
  /** With `standIn`: the sentence every output carries. */
  notice?: string;
}

/** CIFAR-10 splits as a task uses them, and whether they are the real thing. */
export interface CifarData extends DataOrigin {
  train: ImageDataset;
  test: ImageDataset;
  /** With `standIn`: the loader's full message. */
  reason?: string;
}

/** Where the loader looked, for the notice: the folder given, $CIFAR10_DIR, or the cache. */
function whereLooked(dataDir?: string): string {
  return dataDir ?? envDir("CIFAR10_DIR") ?? defaultCacheDir("cifar10") ?? "(no folder known)";
}

/** The notice for stand-in results; `where` is the folder the loader looked in. */
export function standInNotice(where: string): string {
  return `stand-in data: CIFAR-10 not found at ${where}; numbers are plumbing checks, ` +
    `not a reproduction`;
}

/** Prints the notice so it stands out between progress lines. */
export function warnStandIn(notice: string): void {
  const bar = "!".repeat(Math.min(100, notice.length + 4));
  console.warn(`${bar}\n! ${notice}\n${bar}`);
}

/** Prints the notice again at the end of a run on stand-in data, so it is the last word. */
export function warnAgainIfStandIn(d: DataOrigin): void {
  if (d.standIn) warnStandIn(d.notice!);
}

/** What a chart title adds on stand-in data, so a picture cannot pass for CIFAR-10's. */
export function standInTag(d: DataOrigin): string {
  return d.standIn ? " (STAND-IN DATA)" : "";
}

/** The `warning` a metrics.json made from stand-in data starts with (nothing on real data). */
export function standInWarning(d: DataOrigin): { warning?: string } {
  return d.standIn ? { warning: d.notice } : {};
}

/**
 * A split with fewer records than asked (without a limit: than CIFAR-10 has) is a truncated or
 * partial copy, not something to train on quietly.
 */
function checkComplete(
  n: number,
  limit: number | undefined,
  full: number,
  split: string,
  source: string,
): void {
  const want = Math.min(limit ?? full, full);
  if (n >= want) return;
  throw new DatasetError(
    `${source}: CIFAR-10's ${split} files hold ${n} records, fewer than the ${want} ` +
      (limit === undefined ? "of the full set (10 000 per file)" : "asked for") +
      `: the copy is incomplete; download it again, or pass --limit ${n} or less to use what ` +
      `is there`,
  );
}

/**
 * Loads CIFAR-10 (first `limit` training and `limitTest` test samples) or, when it is absent,
 * stand-in data of the same sizes (default 50000/10000), seeded by `seed`; warns loudly then.
 */
export async function loadCifar(
  o: { dataDir?: string; limit?: number; limitTest?: number; seed: number },
): Promise<CifarData> {
  const d = await cifar10OrStandIn({
    dataDir: o.dataDir,
    limit: o.limit,
    limitTest: o.limitTest,
    standInSeed: o.seed,
  });
  if (!d.standIn) {
    checkComplete(d.train.x.shape[0], o.limit, 50000, "training", d.source);
    checkComplete(d.test.x.shape[0], o.limitTest, 10000, "test", d.source);
    return { ...d, standIn: false };
  }
  const notice = standInNotice(whereLooked(o.dataDir));
  warnStandIn(notice);
  return { ...d, standIn: true, notice, reason: d.reason };
}

/** The stand-in notice at the top of a metrics.json, so nobody reads it as CIFAR-10's. */
export function standInHead(data: CifarData): { warning?: string; standIn?: { reason?: string } } {
  return data.standIn ? { ...standInWarning(data), standIn: { reason: data.reason } } : {};
}
