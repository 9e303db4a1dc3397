/**
 * Downloading and unpacking a `.tar.gz` data set into a cache directory in one streaming pass:
 * the bytes are hashed (md5) as they arrive, gunzipped with the built-in DecompressionStream,
 * split by the tar reader, and the wanted files written to temporary names. Only when the
 * archive's md5 matches are they renamed into place, and the manifest is written last, so a
 * killed or corrupt download never leaves anything that a later run trusts.
 * @module
 */
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import {
  type Manifest,
  md5Hex,
  removeManifest,
  removeStaleTemps,
  tempPathFor,
  writeManifest,
  writeNewFile,
} from "./cache.ts";
import { DatasetError } from "./errors.ts";
import { readTar } from "./tar.ts";

/** The subset of `fetch` used here; tests inject one that serves a generated archive. */
export type FetchLike = (url: string) => Promise<Response>;

/** How far a download is: bytes so far, the total when the server said, and whether it ended. */
export interface DownloadProgress {
  /** Compressed bytes received so far. */
  received: number;
  /** The Content-Length (or file size), when known. */
  total?: number;
  /** True once, after the last byte. */
  done: boolean;
}

/** Receives download progress, at every chunk. */
export type ProgressFn = (p: DownloadProgress) => void;

function isTerminal(f: { isTerminal(): boolean }): boolean {
  try {
    return f.isTerminal();
  } catch {
    return false;
  }
}

const mb = (n: number) => (n / 1e6).toFixed(1);

/**
 * A progress line redrawn on stderr (`label 45.2/162.6 MB 27% 5.1 MB/s`) at most ~10 times a
 * second, or undefined when stderr is not a terminal, so logs and CI output stay clean.
 * `opts` lets tests force a terminal and capture the output.
 * Example: `installTarGz({ ..., onProgress: ttyProgress("CIFAR-10") })`.
 */
export function ttyProgress(
  label: string,
  opts: { tty?: boolean; write?: (s: string) => void; now?: () => number } = {},
): ProgressFn | undefined {
  if (!(opts.tty ?? isTerminal(Deno.stderr))) return undefined;
  const enc = new TextEncoder();
  const write = opts.write ?? ((s: string) => Deno.stderr.writeSync(enc.encode(s)));
  const now = opts.now ?? (() => performance.now());
  const start = now();
  let last = -Infinity;
  return ({ received, total, done }) => {
    const t = now();
    if (!done && t - last < 100) return;
    last = t;
    const secs = (t - start) / 1000;
    const rate = secs > 0 ? `${mb(received / secs)} MB/s` : "";
    const amount = total
      ? `${mb(received)}/${mb(total)} MB ${Math.floor((100 * received) / total)}%`
      : `${mb(received)} MB`;
    write(`\r\x1b[2K${label} ${amount} ${rate}`.trimEnd() + (done ? "\n" : ""));
  };
}

/** Options of {@link installTarGz}. */
export interface InstallOptions {
  /** The archive's URL: fetched unless `archivePath` is given; recorded in the manifest. */
  url: string;
  /** A local copy of the archive to unpack instead of fetching `url`. */
  archivePath?: string;
  /** Expected md5 of the compressed archive, lowercase hex. */
  md5: string;
  /** The cache directory to fill (created if needed). */
  dir: string;
  /** Base names of the archive members to keep (their folder inside the archive is ignored). */
  files: string[];
  /** Replaces the global `fetch` (tests; proxies). */
  fetch?: FetchLike;
  /** Called as bytes arrive. */
  onProgress?: ProgressFn;
}

async function openArchive(
  opts: InstallOptions,
): Promise<{ stream: ReadableStream<Uint8Array<ArrayBuffer>>; total?: number; label: string }> {
  if (opts.archivePath) {
    const file = await Deno.open(opts.archivePath, { read: true });
    return {
      stream: file.readable,
      total: (await file.stat()).size,
      label: opts.archivePath,
    };
  }
  const res = await (opts.fetch ?? fetch)(opts.url);
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new DatasetError(`${opts.url}: HTTP ${res.status} ${res.statusText}`.trimEnd());
  }
  const length = Number(res.headers.get("content-length"));
  return { stream: res.body, total: length > 0 ? length : undefined, label: opts.url };
}

/**
 * Streams a `.tar.gz` (from `url`, or `archivePath`) into `dir`, keeping the members named in
 * `files`, checks the archive's md5, then moves the files into place and writes the manifest
 * (see cache.ts). On any failure the temporary files are removed and a DatasetError says why;
 * an earlier complete install in `dir` is left as it was.
 * Member names are reduced to their base name, so an archive cannot write outside `dir`.
 * Example: `await installTarGz({ url, md5, dir, files: ["test_batch.bin"] })`.
 */
export async function installTarGz(opts: InstallOptions): Promise<Manifest> {
  const wanted = new Set(opts.files);
  await Deno.mkdir(opts.dir, { recursive: true });
  await removeStaleTemps(opts.dir);
  const temps = new Map<string, { tmp: string; size: number; md5: string }>();
  const hash = createHash("md5");
  let label = opts.url;
  try {
    const src = await openArchive(opts);
    label = src.label;
    let received = 0;
    const hashing = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
      transform(chunk, out) {
        hash.update(chunk);
        received += chunk.length;
        opts.onProgress?.({ received, total: src.total, done: false });
        out.enqueue(chunk);
      },
      flush() {
        opts.onProgress?.({ received, total: src.total, done: true });
      },
    });
    const tar = src.stream.pipeThrough(hashing).pipeThrough(new DecompressionStream("gzip"));
    try {
      for await (const entry of readTar(tar, label)) {
        const name = basename(entry.name);
        if (entry.kind !== "file" || !wanted.has(name)) continue;
        const tmp = tempPathFor(join(opts.dir, name));
        await writeNewFile(tmp, entry.data);
        const previous = temps.get(name);
        if (previous) await Deno.remove(previous.tmp).catch(() => {});
        temps.set(name, { tmp, size: entry.data.length, md5: md5Hex(entry.data) });
      }
    } catch (e) {
      if (e instanceof DatasetError) throw e;
      throw new DatasetError(
        `${label}: reading the archive failed (${(e as Error).message}): the download was ` +
          `cut or the file is not a gzip-compressed tar`,
      );
    }
    const got = hash.digest("hex");
    if (got !== opts.md5.toLowerCase()) {
      throw new DatasetError(
        `${label}: md5 is ${got}, expected ${opts.md5}: the file is damaged or not the ` +
          `official archive; nothing was kept, ` +
          (opts.archivePath ? "replace or delete that file" : "try again"),
      );
    }
    const missing = opts.files.filter((f) => !temps.has(f));
    if (missing.length) {
      throw new DatasetError(`${label}: the archive holds no ${missing.join(", ")}`);
    }
    // Untrusted from here until the new manifest lands, in case a crash mixes old and new files.
    await removeManifest(opts.dir);
    const files: Manifest["files"] = {};
    for (const [name, t] of temps) {
      await Deno.rename(t.tmp, join(opts.dir, name));
      files[name] = { size: t.size, md5: t.md5 };
    }
    temps.clear();
    const manifest: Manifest = { version: 1, source: label, archiveMd5: got, files };
    await writeManifest(opts.dir, manifest);
    return manifest;
  } finally {
    for (const t of temps.values()) await Deno.remove(t.tmp).catch(() => {});
  }
}
