/**
 * The download cache: where downloaded data sets live, how files get there atomically, and the
 * manifest that decides whether a cache directory is trusted. The manifest is written last and
 * lists every file's size and md5, so a download killed half-way (or a file damaged later) is
 * never mistaken for data.
 * @module
 */
import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { DatasetError } from "./errors.ts";
import { envDir } from "./mnist.ts";
import { writeFileAtomic, writeNewFile } from "../train/atomic_write.ts";

/** The manifest's file name inside a cache directory. */
export const MANIFEST = "manifest.json";

/** What a trusted cache directory holds: written after every listed file is complete. */
export interface Manifest {
  /** Format version of this manifest. */
  version: 1;
  /** Where the files came from (URL or archive path), for humans. */
  source: string;
  /** md5 of the archive the files were unpacked from. */
  archiveMd5: string;
  /** Each file's byte length and md5, by file name. */
  files: Record<string, { size: number; md5: string }>;
}

/**
 * `$XDG_CACHE_HOME/course-dl/<name>`, else `~/.cache/course-dl/<name>`; undefined when neither
 * variable is readable (no --allow-env) so that callers can say so instead of guessing.
 * Example: `defaultCacheDir("cifar10")` → `"/home/me/.cache/course-dl/cifar10"`.
 */
export function defaultCacheDir(name: string): string | undefined {
  const xdg = envDir("XDG_CACHE_HOME");
  if (xdg) return join(xdg, "course-dl", name);
  const home = envDir("HOME") ?? envDir("USERPROFILE");
  return home ? join(home, ".cache", "course-dl", name) : undefined;
}

/** md5 of some bytes as lowercase hex. Example: `md5Hex(new Uint8Array())` → `"d41d8c…"`. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/**
 * A fresh name for a temporary file next to `final`: same directory because a rename is only
 * atomic within one file system, and a leading dot and `.part` so it never looks like data.
 */
export function tempPathFor(final: string): string {
  return join(
    dirname(final),
    `.${basename(final)}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.part`,
  );
}

/**
 * Deletes temporary files (see {@link tempPathFor}) older than `maxAgeMs` that a killed process
 * left in `dir`. Younger ones may belong to a download still running elsewhere, so they stay.
 */
export async function removeStaleTemps(dir: string, maxAgeMs = 24 * 3600e3): Promise<void> {
  for await (const e of Deno.readDir(dir)) {
    if (!e.isFile || !/^\..*\.part$/.test(e.name)) continue;
    const p = join(dir, e.name);
    const mtime = (await Deno.stat(p).catch(() => undefined))?.mtime?.getTime();
    if (mtime !== undefined && Date.now() - mtime > maxAgeMs) await Deno.remove(p).catch(() => {});
  }
}

// One implementation of all-or-nothing writes for results, checkpoints and the data cache.
export { writeFileAtomic, writeNewFile };

/** Writes the manifest atomically; call it only after every file it lists is in place. */
export async function writeManifest(dir: string, m: Manifest): Promise<void> {
  await writeFileAtomic(join(dir, MANIFEST), new TextEncoder().encode(JSON.stringify(m, null, 1)));
}

/** Removes the manifest, so the directory is untrusted while its files are being replaced. */
export async function removeManifest(dir: string): Promise<void> {
  await Deno.remove(join(dir, MANIFEST)).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
}

/**
 * The manifest of `dir` if it is present, well-formed, lists every name in `required`, and each
 * listed file exists with the recorded size; otherwise a sentence saying why the cache is not
 * trusted. Contents are checked against the md5s by {@link readVerified}, as files are read.
 */
export async function checkManifest(dir: string, required: string[]): Promise<Manifest | string> {
  let m: Manifest;
  try {
    m = JSON.parse(await Deno.readTextFile(join(dir, MANIFEST)));
  } catch (e) {
    return e instanceof Deno.errors.NotFound
      ? `${dir} has no ${MANIFEST} (empty, or no download completed there)`
      : `${join(dir, MANIFEST)} is unreadable (${(e as Error).message})`;
  }
  if (m?.version !== 1 || typeof m.files !== "object" || m.files === null) {
    return `${join(dir, MANIFEST)} is not a version-1 manifest`;
  }
  for (const name of required) {
    const rec = m.files[name];
    if (!rec || typeof rec.size !== "number" || typeof rec.md5 !== "string") {
      return `${join(dir, MANIFEST)} does not list ${name}`;
    }
    try {
      const size = (await Deno.stat(join(dir, name))).size;
      if (size !== rec.size) {
        return `${join(dir, name)} has ${size} bytes, manifest says ${rec.size}`;
      }
    } catch {
      return `${join(dir, name)} is missing`;
    }
  }
  return m;
}

/** Reads a file listed in the manifest and checks its md5; a mismatch is a DatasetError. */
export async function readVerified(dir: string, m: Manifest, name: string): Promise<Uint8Array> {
  const path = join(dir, name);
  const bytes = await Deno.readFile(path);
  const want = m.files[name]?.md5;
  const got = md5Hex(bytes);
  if (got !== want) {
    throw new DatasetError(
      `${path}: md5 ${got} differs from ${want} recorded in ${MANIFEST}: the cached file was ` +
        `changed or damaged; delete ${dir} to download it again`,
    );
  }
  return bytes;
}
