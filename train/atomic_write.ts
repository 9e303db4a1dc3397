/**
 * All-or-nothing file writes, so an interrupted run never leaves a truncated results or
 * checkpoint file behind.
 * @module
 */
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` to `path` through a temporary file in the same directory and a rename, so a
 * killed process never leaves a half-written file at `path` (the old content, if any, stays until
 * the new one is complete). Creates parent directories. The temporary file is flushed to disk
 * before the rename and removed if anything fails; temporary files of killed writers in the same
 * directory are removed first.
 * Example: `await writeFileAtomic("results/mnist-cnn/metrics.json", json);`
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  // What a killed writer left here goes now, so leftovers never pile up.
  await removeStaleTemps(dir);
  const tmp = tempPath(path);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    await writeNewFile(tmp, bytes);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/**
 * A fresh temporary name beside `path` (`.name.<pid>.<8 hex>.tmp`): same directory, since a
 * rename is atomic only within one file system; the leading dot keeps it out of casual listings;
 * the pid lets {@link removeStaleTemps} tell a killed writer's leftovers from a running one's.
 */
export function tempPath(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
}

/**
 * Writes all of `bytes` to a file that must not exist yet and flushes it to disk, so a rename
 * after it is safe. Example: `await writeNewFile(tmp, bytes); await Deno.rename(tmp, path);`
 */
export async function writeNewFile(path: string, bytes: Uint8Array): Promise<void> {
  const file = await Deno.open(path, { write: true, createNew: true });
  try {
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
    // Without the flush a crash of the machine (not just the process) could persist the rename
    // before the data.
    await file.sync();
  } finally {
    file.close();
  }
}

/** `.name.<pid>.<8 hex>.tmp`, the temporary names {@link writeFileAtomic} uses. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Whether process `pid` still runs (Linux: /proc; elsewhere assumed alive, so nothing is lost). */
function processAlive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  if (Deno.build.os !== "linux") return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the temporary files that writers killed mid-write left in `dir` (those of running
 * processes stay); returns their names. A missing `dir` has none.
 * Example: `await removeStaleTemps("results/mnist-cnn")`.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      const m = TEMP_NAME.exec(e.name);
      if (!e.isFile || !m || processAlive(Number(m[1]))) continue;
      await Deno.remove(join(dir, e.name)).catch(() => {});
      removed.push(e.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return removed;
}
