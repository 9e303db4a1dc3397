/**
 * A run's result files written as one set: every file is staged beside its target first, the
 * old manifest is removed, the staged files are renamed into place, and `manifest.json` (names,
 * sizes, SHA-256) is written last. A folder with a manifest therefore holds one run's files; a
 * write killed halfway leaves no manifest (and {@link readManifest} says the set is incomplete),
 * never a manifest over a mix of runs. Temporary files of killed writers are removed on the
 * next write.
 * @module
 */
import { dirname, isAbsolute, join, normalize } from "node:path";
import {
  removeStaleTemps,
  tempPath,
  writeFileAtomic,
  writeNewFile,
} from "../train/atomic_write.ts";

/** The name of the manifest in a results folder. */
export const MANIFEST = "manifest.json";

/** What manifest.json holds. */
export interface Manifest {
  /** A fresh id per write: files of one set share it. */
  run: string;
  /** ISO time the set was complete. */
  written: string;
  files: { name: string; bytes: number; sha256: string }[];
}

const encoder = new TextEncoder();

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `name` as a path inside the results folder, or an error (no `..`, no absolute paths). */
export function insideName(name: string): string {
  const rel = normalize(name);
  if (isAbsolute(rel) || rel.split(/[\\/]/)[0] === ".." || rel === "." || rel === MANIFEST) {
    throw new Error(`writeResults: file name "${name}" is not inside the results folder`);
  }
  return rel;
}

/**
 * Writes `files` (relative name → contents) into `dir` as one set and returns their paths
 * (the manifest's last). Example: `await writeResultSet("results/t", [["metrics.json", json]])`.
 */
export async function writeResultSet(
  dir: string,
  files: [string, string | Uint8Array][],
): Promise<string[]> {
  const set = files.map(([name, data]) => {
    const rel = insideName(name);
    return {
      rel,
      path: join(dir, rel),
      bytes: typeof data === "string" ? encoder.encode(data) : data,
    };
  });
  const folders = new Set([dir, ...set.map((f) => dirname(f.path))]);
  for (const d of folders) {
    await Deno.mkdir(d, { recursive: true });
    await removeStaleTemps(d);
  }
  const staged: string[] = [];
  try {
    for (const f of set) {
      const tmp = tempPath(f.path);
      staged.push(tmp);
      await writeNewFile(tmp, f.bytes);
    }
  } catch (e) {
    // Nothing was renamed yet: the previous set, manifest included, is untouched.
    for (const t of staged) await Deno.remove(t).catch(() => {});
    throw e;
  }
  // From here until the new manifest exists the folder is marked incomplete by having none.
  await Deno.remove(join(dir, MANIFEST)).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  let renamed = 0;
  try {
    for (; renamed < set.length; renamed++) await Deno.rename(staged[renamed], set[renamed].path);
  } catch (e) {
    // The folder stays without a manifest (incomplete); the unrenamed files are not left behind.
    for (const t of staged.slice(renamed)) await Deno.remove(t).catch(() => {});
    throw e;
  }
  const manifest: Manifest = {
    run: crypto.randomUUID(),
    written: new Date().toISOString(),
    files: await Promise.all(
      set.map(async (f) => ({ name: f.rel, bytes: f.bytes.length, sha256: await sha256(f.bytes) })),
    ),
  };
  await writeFileAtomic(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  return [...set.map((f) => f.path), join(dir, MANIFEST)];
}

/**
 * The manifest of `dir` after checking that every file it lists is there with its size and
 * hash; throws when the set is incomplete (no manifest: a write was interrupted) or a file was
 * changed since. Example: `(await readManifest("results/mnist-cnn")).files.map((f) => f.name)`.
 */
export async function readManifest(dir: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await Deno.readTextFile(join(dir, MANIFEST)));
  } catch (e) {
    throw new Error(
      `${dir}: no readable ${MANIFEST} (${(e as Error).message}): the results set is ` +
        `incomplete (a write was interrupted); run the task again`,
    );
  }
  for (const f of manifest.files) {
    const bytes = await Deno.readFile(join(dir, f.name)).catch(() => undefined);
    if (!bytes || bytes.length !== f.bytes || (await sha256(bytes)) !== f.sha256) {
      throw new Error(`${dir}: ${f.name} is missing or differs from ${MANIFEST}`);
    }
  }
  return manifest;
}
