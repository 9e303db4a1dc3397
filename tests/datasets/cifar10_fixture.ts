/**
 * Small CIFAR-10 folders in the official binary format for tests: per record one label byte,
 * then the R, G and B planes of 32×32 bytes. Images carry their class as a colour (class c's
 * red level is 25·c) over seeded noise, so a net can learn them in a few steps.
 * @module
 */
import { join } from "node:path";
import { Rng } from "../../kernels/random.ts";

/** The six file names of the binary version, training files first. */
export const CIFAR_FILES: string[] = [1, 2, 3, 4, 5]
  .map((i) => `data_batch_${i}.bin`)
  .concat("test_batch.bin");

const REC = 3073;

/** `n` records of file number `file` (0–5); labels cycle through 0–9. */
export function cifarBatchBytes(file: number, n: number): Uint8Array {
  const out = new Uint8Array(n * REC);
  const rng = new Rng(1000 + file);
  for (let i = 0; i < n; i++) {
    const label = (i + file) % 10;
    out[i * REC] = label;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) {
        const level = c === 0 ? 25 * label : 128;
        out[i * REC + 1 + c * 1024 + p] = Math.max(0, Math.min(255, level + rng.int(41) - 20));
      }
    }
  }
  return out;
}

/**
 * Writes the six files into `dir` (created if missing): `perFile` records in each training file
 * and `testRecords` (default `perFile`) in the test file.
 */
export async function writeCifarFolder(
  dir: string,
  perFile: number,
  testRecords = perFile,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const [f, name] of CIFAR_FILES.entries()) {
    await Deno.writeFile(join(dir, name), cifarBatchBytes(f, f === 5 ? testRecords : perFile));
  }
}

/** Runs `fn` with a fresh temporary folder and $CIFAR10_DIR unset; removes both afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cifar10_fixture_" });
  const before = Deno.env.get("CIFAR10_DIR");
  // A real data folder on this machine must not leak into a test.
  Deno.env.delete("CIFAR10_DIR");
  try {
    await fn(dir);
  } finally {
    if (before !== undefined) Deno.env.set("CIFAR10_DIR", before);
    await Deno.remove(dir, { recursive: true });
  }
}
