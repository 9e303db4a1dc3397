import { dirname } from "node:path";

/**
 * Writes `data` to `path` through a temporary file in the same directory and a rename, so a
 * killed process never leaves a half-written file where a good one was. Creates parent folders.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${Deno.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
