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
 * before the rename and removed if anything fails.
 * Example: `await writeFileAtomic("results/mnist-cnn/metrics.json", json);`
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  // Same directory: rename is only atomic within one file system. Leading dot keeps it out of
  // casual listings while it exists.
  const tmp = join(dir, `.${basename(path)}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
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
