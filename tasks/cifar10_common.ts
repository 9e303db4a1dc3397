/**
 * What the CIFAR-10 tasks share: the `--data-dir` flag beside the common task flags, loading
 * CIFAR-10 or (only when it is absent) the stand-in with a loud notice, and marking results
 * files made from stand-in data.
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { defaultCacheDir } from "../datasets/cache.ts";
import { cifar10OrStandIn } from "../datasets/cifar10_standin.ts";
import type { ImageDataset } from "../datasets/dataset.ts";
import { envDir } from "../datasets/mnist.ts";
import { writeFileAtomic } from "../train/atomic_write.ts";
import { toJson } from "../train/results.ts";
import { parseTaskFlags, type TaskFlags } from "./common.ts";

/** The common task flags plus `--data-dir` and the task's own. */
export interface CifarFlags extends TaskFlags {
  /** A folder holding CIFAR-10's six `.bin` files (or `cifar-10-batches-bin/`). */
  dataDir?: string;
  /** The task's own flags by name, as parsed. */
  extra: Record<string, string | boolean | undefined>;
  /** The arguments parseTaskFlags accepts (for runClassificationTask). */
  common: string[];
}

const COMMON_OPTIONS = {
  device: { type: "string" },
  epochs: { type: "string" },
  "batch-size": { type: "string" },
  seed: { type: "string" },
  limit: { type: "string" },
  quick: { type: "boolean" },
  out: { type: "string" },
  help: { type: "boolean" },
} as const;

/** A task's own flag: boolean switch or string value, with its help line. */
export interface ExtraFlag {
  type: "boolean" | "string";
  help: string;
}

/**
 * Parses the common flags, `--data-dir DIR` and `extras`. parseTaskFlags is strict and knows
 * only the common flags, so the others are taken out here and the rest handed on unchanged.
 * `--help` prints every flag and exits.
 */
export function parseCifarFlags(
  args: string[],
  task: string,
  description: string,
  extras: Record<string, ExtraFlag> = {},
): CifarFlags {
  const options: Record<string, { type: "boolean" | "string" }> = {
    ...COMMON_OPTIONS,
    "data-dir": { type: "string" },
  };
  for (const [k, v] of Object.entries(extras)) options[k] = { type: v.type };
  const { values, tokens } = parseArgs({ args, options, strict: true, tokens: true });
  const common: string[] = [];
  for (const t of tokens ?? []) {
    if (t.kind !== "option" || !(t.name in COMMON_OPTIONS)) continue;
    common.push(`--${t.name}`);
    if (t.value !== undefined) common.push(t.value);
  }
  const help = [
    description,
    "",
    "  --data-dir DIR   CIFAR-10 binary folder (default $CIFAR10_DIR, then the download cache);",
    "                   without CIFAR-10 the task runs on synthetic stand-in data and says so",
    ...Object.entries(extras).map(([k, v]) =>
      `  --${k}${v.type === "string" ? " V" : ""}`.padEnd(19) + v.help
    ),
  ].join("\n");
  const flags = parseTaskFlags(common, task, help);
  const extra: CifarFlags["extra"] = {};
  for (const k of Object.keys(extras)) extra[k] = values[k] as string | boolean | undefined;
  return { ...flags, dataDir: values["data-dir"] as string | undefined, extra, common };
}

/** CIFAR-10 splits as a task uses them, and whether they are the real thing. */
export interface CifarData {
  train: ImageDataset;
  test: ImageDataset;
  source: string;
  standIn: boolean;
  /** With `standIn`: the sentence every output carries. */
  notice?: string;
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
  if (!d.standIn) return { ...d, standIn: false };
  const notice = standInNotice(whereLooked(o.dataDir));
  warnStandIn(notice);
  return { ...d, standIn: true, notice, reason: d.reason };
}

/**
 * Adds to `dir/metrics.json`, written by a runner that knows neither, the stand-in notice (at the
 * top, so nobody reads its numbers as CIFAR-10's), `config` entries (e.g. preprocessing) and the
 * full `command` (the runner only saw the flags it parses, not `--data-dir` or the task's own).
 */
export async function amendMetrics(
  dir: string,
  data: CifarData,
  amend: { config?: Record<string, unknown>; command?: string } = {},
): Promise<void> {
  const path = join(dir, "metrics.json");
  const metrics = JSON.parse(await Deno.readTextFile(path));
  metrics.config = { ...metrics.config, ...amend.config };
  if (amend.command) metrics.command = amend.command;
  const head = data.standIn ? { warning: data.notice, standIn: { reason: data.reason } } : {};
  await writeFileAtomic(path, toJson({ ...head, ...metrics }));
}
