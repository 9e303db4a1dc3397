/**
 * A grid of trials run in shards: one JSON file per finished trial (`trial-NNN.json`, written
 * atomically), so a killed shard resumes where it stopped, and shards run on other machines
 * merge, with the trials that are missing or were found twice named.
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../train/atomic_write.ts";
import { toJson } from "./results.ts";
import { type Shard, shardIndices } from "./shards.ts";

/** What every trial file holds besides the trial's results. */
export interface TrialHead<P, S> {
  /** The trial's position in the grid. */
  index: number;
  /** The grid point. */
  params: P;
  /** What every trial of the run shares; a file made with other settings is stale. */
  settings: S;
}

/** The settings a file must have: fixed, or computed from the file's own (a field that may differ). */
export type SettingsMatch<S> = S | ((file: S) => S);

/** The values each parameter of a grid takes, by name. */
export type GridSpec = Record<string, readonly unknown[]>;

/** One point of a grid: a value for each of its parameters. */
export type GridPoint<S extends GridSpec> = { -readonly [K in keyof S]: S[K][number] };

/**
 * Every point of `spec` (the product of its value lists), index = position: the first parameter
 * varies slowest, the last fastest. Example: `gridProduct({ lr: [1, 2], h: [3, 4] })` →
 * `[{ lr: 1, h: 3 }, { lr: 1, h: 4 }, { lr: 2, h: 3 }, { lr: 2, h: 4 }]`.
 */
export function gridProduct<S extends GridSpec>(spec: S): GridPoint<S>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [k, values] of Object.entries(spec)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  }
  return points as GridPoint<S>[];
}

/**
 * The item with the highest `score` (the first on a tie), or undefined when there is none.
 * Example: `bestBy(trials, (t) => t.valAcc)`.
 */
export function bestBy<T>(items: readonly T[], score: (t: T) => number): T | undefined {
  let best: T | undefined;
  for (const t of items) if (best === undefined || score(t) > score(best)) best = t;
  return best;
}

/** `dir/trial-NNN.json`. */
export function trialPath(dir: string, index: number): string {
  return join(dir, `trial-${String(index).padStart(3, "0")}.json`);
}

/** True when two records hold the same fields with the same values (key order aside). */
export function sameFields(a: object, b: object): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());
}

/**
 * The trial file at `path` when it exists, parses, is trial `index` of `params`, was made with
 * `settings` and passes `complete`; otherwise undefined. Errors other than a missing file throw.
 * Example: `await readTrialFile(trialPath(dir, 3), 3, params, settings)`.
 */
export async function readTrialFile<T extends TrialHead<P, S>, P extends object, S extends object>(
  path: string,
  index: number,
  params: P,
  settings: SettingsMatch<S>,
  complete: (rec: T) => boolean = () => true,
): Promise<T | undefined> {
  let rec: T;
  try {
    rec = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const want = typeof settings === "function" ? settings(rec.settings) : settings;
  const ok = rec.index === index && sameFields(rec.params, params) &&
    sameFields(rec.settings, want) && complete(rec);
  return ok ? rec : undefined;
}

/** What {@link runTrials} did. */
export interface ShardReport {
  /** Trials run now. */
  ran: number[];
  /** Trials already on disk with the same settings. */
  skipped: number[];
}

/**
 * Runs this shard's trials that are not already on disk, writing each one's file as soon as it
 * finishes. Example: `await runTrials({ dir, trials, shard: parseShard("0/4"), settings, run })`.
 */
export async function runTrials<P extends object, S extends object, R extends object>(o: {
  dir: string;
  trials: P[];
  shard: Shard;
  settings: S;
  run: (p: P) => Promise<R>;
  complete?: (rec: TrialHead<P, S> & R) => boolean;
  log?: (s: string) => void;
}): Promise<ShardReport> {
  const report: ShardReport = { ran: [], skipped: [] };
  const mine = shardIndices(o.trials.length, o.shard);
  for (const index of mine) {
    const params = o.trials[index];
    if (await readTrialFile(trialPath(o.dir, index), index, params, o.settings, o.complete)) {
      report.skipped.push(index);
      continue;
    }
    o.log?.(
      `trial ${index} (${report.ran.length + report.skipped.length + 1}/${mine.length} ` +
        `of shard ${o.shard.index}/${o.shard.count}): ${JSON.stringify(params)}`,
    );
    const rec = { index, params, settings: o.settings, ...(await o.run(params)) };
    await writeFileAtomic(trialPath(o.dir, index), toJson(rec));
    report.ran.push(index);
  }
  return report;
}

/** A trial found in more than one file (shards that overlapped, or results copied twice). */
export interface DuplicateTrial {
  /** The trial's index. */
  index: number;
  /** The files that hold it, in sorted order. */
  files: string[];
}

/** What {@link findTrials} found. */
export interface TrialsFound<T> {
  /** Finished trials found exactly once, by index. */
  trials: T[];
  /** Indices with no usable file. */
  missing: number[];
  /** Indices with more than one usable file: a merge refuses to choose between them. */
  duplicates: DuplicateTrial[];
  /** Trials in the grid. */
  total: number;
  /** No trial missing and none duplicated: the only state a merge accepts. */
  complete: boolean;
}

/**
 * Every trial of `trials` under `dir` and its subfolders (one per shard when each machine's
 * folder was copied in as its own), read as {@link readTrialFile} with `settings`; a file that
 * does not parse or is not a trial of this grid is not counted.
 */
export async function findTrials<T extends TrialHead<P, S>, P extends object, S extends object>(
  dir: string,
  trials: P[],
  settings: SettingsMatch<S>,
  complete?: (rec: T) => boolean,
): Promise<TrialsFound<T>> {
  const files = await trialFiles(dir);
  const found: T[] = [], missing: number[] = [], duplicates: DuplicateTrial[] = [];
  for (let i = 0; i < trials.length; i++) {
    const usable: [string, T][] = [];
    for (const path of files.get(i) ?? []) {
      const rec = await readTrialFile(path, i, trials[i], settings, complete)
        .catch(() => undefined);
      if (rec) usable.push([path, rec]);
    }
    if (usable.length === 0) missing.push(i);
    else if (usable.length > 1) duplicates.push({ index: i, files: usable.map(([p]) => p) });
    else found.push(usable[0][1]);
  }
  const complete_ = missing.length === 0 && duplicates.length === 0;
  return { trials: found, missing, duplicates, total: trials.length, complete: complete_ };
}

/** Why a merge is refused (missing and duplicated trials, named), or undefined when complete. */
export function mergeProblems(
  m: Pick<TrialsFound<unknown>, "missing" | "duplicates" | "total">,
): string | undefined {
  const parts: string[] = [];
  if (m.missing.length) {
    parts.push(`${m.missing.length} of ${m.total} trials missing: ${indexRanges(m.missing)}`);
  }
  for (const d of m.duplicates) {
    parts.push(`trial ${d.index} is in ${d.files.length} files: ${d.files.join(", ")}`);
  }
  return parts.length ? parts.join("; ") : undefined;
}

/** `[1, 2, 3, 7]` → `"1–3, 7"`. */
export function indexRanges(indices: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < indices.length; i++) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    out.push(j > i ? `${indices[i]}–${indices[j]}` : `${indices[i]}`);
    i = j;
  }
  return out.join(", ");
}

/** Every `trial-NNN.json` under `dir` (any depth), by trial index; empty when `dir` is absent. */
async function trialFiles(dir: string): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  const walk = async (d: string) => {
    const entries: Deno.DirEntry[] = [];
    try {
      for await (const e of Deno.readDir(d)) entries.push(e);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    // Sorted, so duplicates are named in the same order on every machine.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(d, e.name);
      const m = /^trial-(\d+)\.json$/.exec(e.name);
      if (e.isDirectory) await walk(path);
      else if (m && e.isFile) {
        const i = Number(m[1]);
        if (!out.has(i)) out.set(i, []);
        out.get(i)!.push(path);
      }
    }
  };
  await walk(dir);
  return out;
}
