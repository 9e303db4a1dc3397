/**
 * CIFAR-10 from the official binary version (`cifar-10-binary.tar.gz`): from a folder,
 * $CIFAR10_DIR, the download cache, or a download checked against the official md5.
 * Each file holds records of 1 label byte + 3072 pixel bytes, channel-major (the 1024 red
 * values of the 32×32 image row by row, then green, then blue); the loader turns them into NHWC.
 * @module
 */
import { join } from "node:path";
import { fromHost } from "../kernels/engine.ts";
import { checkManifest, defaultCacheDir, type Manifest, readVerified } from "./cache.ts";
import { disposableSplits, type ImageDataset } from "./dataset.ts";
import { type FetchLike, installTarGz, type ProgressFn, ttyProgress } from "./download.ts";
import { DatasetError } from "./errors.ts";
import { envDir } from "./mnist.ts";

/** The ten CIFAR-10 classes, index = label. */
export const CIFAR10_CLASSES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

/** The official archive of the binary version. */
export const CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
/** md5 of {@link CIFAR10_URL} as published on the CIFAR page. */
export const CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
/** The five training files, in order. */
export const CIFAR10_TRAIN_FILES: string[] = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
/** The test file. */
export const CIFAR10_TEST_FILE = "test_batch.bin";
/** The folder the archive unpacks to; also accepted inside a data folder. */
export const CIFAR10_SUBDIR = "cifar-10-batches-bin";

const ALL_FILES = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXELS = 3 * PLANE;
/** Bytes per record: one label byte, then the three colour planes. */
export const CIFAR10_RECORD_BYTES: number = 1 + PIXELS;

/** One split as bytes: images NHWC [n, 32, 32, 3] u8, labels u8. */
export interface RawCifarSplit {
  /** n × 32 × 32 × 3 bytes, NHWC (pixel-major, R G B interleaved). */
  images: Uint8Array;
  /** n class ids 0–9. */
  labels: Uint8Array;
  /** Number of samples. */
  n: number;
}

/** Where to read CIFAR-10 from and how much of it. */
export interface Cifar10Options {
  /** A folder with the six `.bin` files, or with `cifar-10-batches-bin/` holding them. */
  dataDir?: string;
  /** The download cache (default `$XDG_CACHE_HOME/course-dl/cifar10`, else `~/.cache/...`). */
  cacheDir?: string;
  /** Download when neither a folder nor the cache has the data (default true). */
  download?: boolean;
  /** Where to download from (default {@link CIFAR10_URL}; a mirror must serve the same file). */
  url?: string;
  /** Expected md5 of the archive (default {@link CIFAR10_MD5}). */
  md5?: string;
  /** Keep only the first N training samples (default: all 50000); fewer files are read. */
  limit?: number;
  /** Keep only the first N test samples (default: all 10000). */
  limitTest?: number;
  /** Download progress; default a redrawn line on stderr when it is a terminal; false: none. */
  onProgress?: ProgressFn | false;
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: FetchLike;
}

/**
 * Parses the bytes of one CIFAR-10 binary file into NHWC. `name` (the path) starts every error;
 * `limit` keeps the first records only. Errors: a length that is not whole records (with how
 * many bytes the last one lacks), a label outside 0–9 (with the record index).
 * Example: `parseCifar10Batch(await Deno.readFile(p), p).n` → 10000.
 */
export function parseCifar10Batch(bytes: Uint8Array, name: string, limit?: number): RawCifarSplit {
  const rem = bytes.length % CIFAR10_RECORD_BYTES;
  if (rem !== 0 || bytes.length === 0) {
    throw new DatasetError(
      bytes.length === 0
        ? `${name}: empty file; download it again`
        : `${name}: ${bytes.length} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte ` +
          `records (1 label + 3072 pixels): the last record is short of ` +
          `${CIFAR10_RECORD_BYTES - rem} bytes; the file is truncated, download it again`,
    );
  }
  const total = bytes.length / CIFAR10_RECORD_BYTES;
  const n = Math.min(total, limit ?? total);
  const images = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const rec = r * CIFAR10_RECORD_BYTES;
    const label = bytes[rec];
    if (label > 9) {
      throw new DatasetError(
        `${name}: record ${r} has label ${label}, but CIFAR-10 labels are 0–9 ` +
          `(CIFAR-100's binary files have 2 label bytes and 100 classes: is it that set?)`,
      );
    }
    labels[r] = label;
    // Channel-major planes → interleaved NHWC: pixel p of plane c goes to (p, c).
    const out = r * PIXELS;
    for (let c = 0; c < 3; c++) {
      const plane = rec + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) images[out + p * 3 + c] = bytes[plane + p];
    }
  }
  return { images, labels, n };
}

function checkLimit(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 0)) {
    throw new RangeError(`${name} must be a whole number ≥ 0, got ${v}`);
  }
}

function concat(parts: RawCifarSplit[]): RawCifarSplit {
  if (parts.length === 1) return parts[0];
  const n = parts.reduce((a, p) => a + p.n, 0);
  const out = { images: new Uint8Array(n * PIXELS), labels: new Uint8Array(n), n };
  let at = 0;
  for (const p of parts) {
    out.images.set(p.images, at * PIXELS);
    out.labels.set(p.labels, at);
    at += p.n;
  }
  return out;
}

/** Reads the training files in order until `limit` samples are in, then the test file. */
async function loadSplits(
  read: (name: string) => Promise<{ bytes: Uint8Array; path: string }>,
  limit: number | undefined,
  limitTest: number | undefined,
): Promise<{ train: RawCifarSplit; test: RawCifarSplit }> {
  const parts: RawCifarSplit[] = [];
  let have = 0;
  for (const f of CIFAR10_TRAIN_FILES) {
    if (limit !== undefined && have >= limit && parts.length > 0) break;
    const { bytes, path } = await read(f);
    const part = parseCifar10Batch(bytes, path, limit === undefined ? undefined : limit - have);
    parts.push(part);
    have += part.n;
  }
  const t = await read(CIFAR10_TEST_FILE);
  return { train: concat(parts), test: parseCifar10Batch(t.bytes, t.path, limitTest) };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await Deno.stat(p)).isFile;
  } catch {
    return false;
  }
}

async function requireRead(dir: string): Promise<void> {
  // Without this a missing --allow-read would look like missing files.
  if ((await Deno.permissions.request({ name: "read", path: dir })).state !== "granted") {
    throw new DatasetError(`${dir}: no read access; run deno with --allow-read (or -A)`);
  }
}

/**
 * Both splits from a folder holding the six `.bin` files (or holding `cifar-10-batches-bin/`
 * with them). A DatasetError lists the missing files. `source` is the folder actually read.
 * Example: `const { train } = await loadCifar10Dir("/data/cifar", { limit: 1000 });`
 */
export async function loadCifar10Dir(
  dir: string,
  opts: { limit?: number; limitTest?: number } = {},
): Promise<{ train: RawCifarSplit; test: RawCifarSplit; source: string }> {
  checkLimit("limit", opts.limit);
  checkLimit("limitTest", opts.limitTest);
  await requireRead(dir);
  const candidates = [dir, join(dir, CIFAR10_SUBDIR)];
  let best = { dir, missing: ALL_FILES };
  for (const d of candidates) {
    const missing: string[] = [];
    for (const f of ALL_FILES) if (!(await isFile(join(d, f)))) missing.push(f);
    if (missing.length < best.missing.length) best = { dir: d, missing };
    if (missing.length === 0) break;
  }
  if (best.missing.length) {
    throw new DatasetError(
      `${best.dir}: missing ${best.missing.join(", ")} (also looked in ` +
        `${best.dir === dir ? join(dir, CIFAR10_SUBDIR) : dir}); a CIFAR-10 folder holds ` +
        `${ALL_FILES.join(", ")} from the binary version, ${CIFAR10_URL}`,
    );
  }
  const source = best.dir;
  const read = async (name: string) => {
    const path = join(source, name);
    try {
      return { bytes: await Deno.readFile(path), path };
    } catch (e) {
      throw new DatasetError(`${path}: cannot read (${(e as Error).message})`);
    }
  };
  return { ...(await loadSplits(read, opts.limit, opts.limitTest)), source };
}

/** The instructions shown when CIFAR-10 is neither found nor downloadable. */
function whereToPutIt(cacheDir: string | undefined, why: string): DatasetError {
  const cache = cacheDir
    ? `put cifar-10-binary.tar.gz into ${cacheDir} (it is checked against md5 ${CIFAR10_MD5} ` +
      `and unpacked on first use)`
    : `pass { cacheDir } (no cache folder is known: $XDG_CACHE_HOME and $HOME are unset or ` +
      `unreadable; run deno with --allow-env)`;
  return new DatasetError(
    `CIFAR-10 not available: ${why}. Download ${CIFAR10_URL} on a machine with internet ` +
      `access, then either unpack it and set CIFAR10_DIR (or pass --data-dir / { dataDir }) to ` +
      `the folder holding ${CIFAR10_SUBDIR}/ or its six .bin files, or ${cache}`,
  );
}

/** The cache's trusted files, or a sentence saying why the cache is not used. */
async function loadFromCache(
  dir: string,
  opts: Cifar10Options,
): Promise<{ train: RawCifarSplit; test: RawCifarSplit } | string> {
  const m: Manifest | string = await checkManifest(dir, ALL_FILES);
  if (typeof m === "string") return m;
  const read = async (name: string) => ({
    bytes: await readVerified(dir, m, name),
    path: join(dir, name),
  });
  try {
    return await loadSplits(read, opts.limit, opts.limitTest);
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * CIFAR-10 as raw bytes: images NHWC [N, 32, 32, 3] u8, labels u8. Sources in order:
 * `opts.dataDir`, $CIFAR10_DIR (read only with env access), the cache directory if its manifest
 * validates, a `cifar-10-binary.tar.gz` placed in the cache directory, then a download of
 * `opts.url` (unless `download: false`). Archives are md5-checked and unpacked into the cache.
 * `source` is the folder the files were read from.
 * Example: `const { train } = await loadCifar10Arrays({ limit: 100 }); train.labels[0]`.
 */
export async function loadCifar10Arrays(
  opts: Cifar10Options = {},
): Promise<{ train: RawCifarSplit; test: RawCifarSplit; source: string }> {
  checkLimit("limit", opts.limit);
  checkLimit("limitTest", opts.limitTest);
  const dataDir = opts.dataDir ?? envDir("CIFAR10_DIR");
  if (dataDir) return await loadCifar10Dir(dataDir, opts);

  const cacheDir = opts.cacheDir ?? defaultCacheDir("cifar10");
  if (!cacheDir) throw whereToPutIt(undefined, "no folder given and no cache folder known");
  await requireRead(cacheDir);
  const cached = await loadFromCache(cacheDir, opts);
  if (typeof cached !== "string") return { ...cached, source: cacheDir };

  const archivePath = join(cacheDir, "cifar-10-binary.tar.gz");
  const haveArchive = await isFile(archivePath);
  if (!haveArchive && opts.download === false) {
    throw whereToPutIt(cacheDir, `downloads are off and the cache is not usable (${cached})`);
  }
  const url = opts.url ?? CIFAR10_URL;
  try {
    await installTarGz({
      url,
      archivePath: haveArchive ? archivePath : undefined,
      md5: opts.md5 ?? CIFAR10_MD5,
      dir: cacheDir,
      files: ALL_FILES,
      fetch: opts.fetch,
      onProgress: opts.onProgress === false
        ? undefined
        : (opts.onProgress ?? ttyProgress(`CIFAR-10 ${haveArchive ? "unpacking" : "download"}`)),
    });
  } catch (e) {
    const what = haveArchive ? `unpacking ${archivePath} failed` : `downloading ${url} failed`;
    throw whereToPutIt(cacheDir, `${what}: ${(e as Error).message}`);
  }
  const fresh = await loadFromCache(cacheDir, opts);
  if (typeof fresh === "string") throw new DatasetError(`${cacheDir}: ${fresh}`);
  return { ...fresh, source: cacheDir };
}

/** A raw split as tensors: x [N, 32, 32, 3] = pixel / 255, y int32 labels. */
export function toCifarImageDataset(s: RawCifarSplit): ImageDataset {
  const x = new Float32Array(s.images.length);
  for (let i = 0; i < x.length; i++) x[i] = s.images[i] / 255;
  return {
    // fromHost hands the fresh array over; tensor() would copy all 600 MB of the training set.
    x: fromHost(x, [s.n, SIDE, SIDE, 3], "float32"),
    y: Int32Array.from(s.labels),
    classNames: CIFAR10_CLASSES,
  };
}

/**
 * CIFAR-10 as tensors: x [N, 32, 32, 3] float32 in [0, 1] (NHWC), y int32 class ids, with
 * {@link CIFAR10_CLASSES} as `classNames`; sources as {@link loadCifar10Arrays}.
 * Example: `const { train, test } = await cifar10({ limit: 5000 });`
 */
export async function cifar10(
  opts: Cifar10Options = {},
): Promise<{ train: ImageDataset; test: ImageDataset; source: string }> {
  const raw = await loadCifar10Arrays(opts);
  return disposableSplits({
    train: toCifarImageDataset(raw.train),
    test: toCifarImageDataset(raw.test),
    source: raw.source,
  });
}
