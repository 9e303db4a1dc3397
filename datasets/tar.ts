/**
 * A small streaming reader of tar archives (POSIX ustar and GNU tar, as produced by `tar czf`):
 * 512-byte headers, regular files and directories, GNU long names (`L` entries) and pax `path`
 * / `size` records. Enough to unpack a data set archive without a dependency; it never writes
 * anything itself, so callers decide which entries to keep and where.
 * @module
 */
import { DatasetError } from "./errors.ts";

const BLOCK = 512;

/** One member of a tar archive. */
export interface TarEntry {
  /** Path inside the archive, with GNU long names, pax paths and ustar prefixes resolved. */
  name: string;
  /** What the entry is; only `"file"` entries carry `data`. */
  kind: "file" | "directory" | "link" | "other";
  /** The raw type flag character (`"0"` file, `"5"` directory, `"2"` symlink, ...). */
  typeflag: string;
  /** Content length in bytes (0 for anything but files). */
  size: number;
  /** The file's bytes (a fresh copy; empty for non-files). */
  data: Uint8Array;
}

/** Pulls exact byte counts out of a stream of arbitrarily sized chunks. */
class ByteReader {
  #it: AsyncIterator<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #pos = 0;
  /** Bytes consumed so far: the archive offset used in error messages. */
  offset = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#it = source[Symbol.asyncIterator]();
  }

  /**
   * Up to `n` bytes (a fresh copy); fewer only when the stream ends. Collects what arrives before
   * allocating, so a corrupt size field cannot make it allocate more than the archive holds.
   */
  async read(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let filled = 0;
    while (filled < n) {
      if (this.#pos === this.#chunk.length && !(await this.#next())) break;
      const take = Math.min(n - filled, this.#chunk.length - this.#pos);
      parts.push(this.#chunk.subarray(this.#pos, this.#pos + take));
      this.#pos += take;
      filled += take;
    }
    this.offset += filled;
    const out = new Uint8Array(filled);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** Skips up to `n` bytes without copying; returns how many were skipped. */
  async skip(n: number): Promise<number> {
    let skipped = 0;
    while (skipped < n) {
      if (this.#pos === this.#chunk.length && !(await this.#next())) break;
      const take = Math.min(n - skipped, this.#chunk.length - this.#pos);
      this.#pos += take;
      skipped += take;
    }
    this.offset += skipped;
    return skipped;
  }

  /** Reads to the end, so that whatever feeds the stream (e.g. a hash) sees every byte. */
  async drain(): Promise<void> {
    this.#pos = this.#chunk.length;
    while (await this.#next()) this.#pos = this.#chunk.length;
  }

  /** Stops reading early (an error, or a consumer that breaks): cancels the source stream. */
  async close(): Promise<void> {
    await this.#it.return?.();
  }

  async #next(): Promise<boolean> {
    const r = await this.#it.next();
    if (r.done) return false;
    this.#chunk = r.value;
    this.#pos = 0;
    return true;
  }
}

const decoder = new TextDecoder();

/** A NUL-terminated text field. */
function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/**
 * A numeric header field: octal ASCII padded with NULs or spaces, or GNU base-256 (high bit of
 * the first byte set), which tar uses for sizes of 8 GiB and more.
 */
function number(field: Uint8Array, what: string, fail: (why: string) => never): number {
  if (field[0] & 0x80) {
    let v = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const s = decoder.decode(field).replace(/[\0 ]+$/, "").replace(/^[ ]+/, "");
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) fail(`${what} field "${s}" is not an octal number`);
  return parseInt(s, 8);
}

/** Whether the stored checksum matches: byte sum with the checksum field counted as spaces. */
function checksumOk(h: Uint8Array, stored: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b; // some old tars summed signed bytes
  }
  return stored === unsigned || stored === signed;
}

/** The key/value records of a pax extended header ("<len> <key>=<value>\n" each). */
function paxRecords(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const s = decoder.decode(data);
  for (const line of s.split("\n")) {
    const m = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

function kindOf(flag: string): TarEntry["kind"] {
  if (flag === "0" || flag === "\0" || flag === "7") return "file";
  if (flag === "5") return "directory";
  if (flag === "1" || flag === "2") return "link";
  return "other";
}

/**
 * Reads a tar archive (already decompressed) entry by entry. `source` is the bytes or a stream
 * of chunks (e.g. a `Response` body piped through `DecompressionStream("gzip")`); `label`, e.g.
 * the URL, starts every error. Each file's bytes are held in memory once, one entry at a time.
 * After the end-of-archive block the rest of the source is read and dropped, so a hash computed
 * upstream covers the whole download.
 * Errors (as {@link DatasetError}): a truncated header or body, a missing end-of-archive block,
 * a bad header checksum, a non-numeric size.
 * Example: `for await (const e of readTar(res.body!.pipeThrough(new DecompressionStream("gzip"))))`
 */
export async function* readTar(
  source: AsyncIterable<Uint8Array> | Uint8Array,
  label = "tar archive",
): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(
    source instanceof Uint8Array
      ? (async function* () {
        yield source;
      })()
      : source,
  );
  let longName: string | undefined;
  let paxPath: string | undefined;
  let paxSize: number | undefined;
  try {
    yield* entries();
  } finally {
    await reader.close();
  }

  async function* entries(): AsyncGenerator<TarEntry> {
    while (true) {
      const at = reader.offset;
      const h = await reader.read(BLOCK);
      const fail = (why: string): never => {
        throw new DatasetError(
          `${label}: ${why} (header at byte ${at}); download the archive again`,
        );
      };
      if (h.length === 0) {
        fail("ends without the end-of-archive block: the archive is truncated");
      }
      if (h.length < BLOCK) fail(`truncated in a header: ${h.length} of ${BLOCK} bytes`);
      if (h.every((b) => b === 0)) {
        // The end: tar writes two zero blocks and pads to a record size; none of it matters.
        await reader.drain();
        return;
      }
      const stored = number(h.subarray(148, 156), "checksum", fail);
      if (!checksumOk(h, stored)) fail("header checksum mismatch: not a tar archive, or corrupt");
      const typeflag = String.fromCharCode(h[156]);
      const size = paxSize ?? number(h.subarray(124, 136), "size", fail);
      const magic = decoder.decode(h.subarray(257, 263));
      let name = text(h.subarray(0, 100));
      // Only POSIX ustar stores a path prefix there; GNU tar ("ustar  ") keeps times in that spot.
      const prefix = magic === "ustar\0" ? text(h.subarray(345, 500)) : "";
      if (prefix) name = `${prefix}/${name}`;
      name = paxPath ?? longName ?? name;

      const kind = kindOf(typeflag);
      const hasBody = kind === "file" || !(kind === "directory" || kind === "link");
      const body = hasBody ? await reader.read(size) : new Uint8Array(0);
      if (body.length < (hasBody ? size : 0)) {
        fail(`truncated in "${name}": ${body.length} of its ${size} bytes present`);
      }
      const pad = hasBody ? (BLOCK - (size % BLOCK)) % BLOCK : 0;
      if (await reader.skip(pad) < pad) fail(`truncated in the padding after "${name}"`);

      if (typeflag === "L") {
        longName = text(body);
        continue;
      }
      if (typeflag === "x") {
        const rec = paxRecords(body);
        paxPath = rec.get("path") ?? paxPath;
        const s = rec.get("size");
        if (s !== undefined && !/^\d+$/.test(s)) fail(`pax size record "${s}" is not a number`);
        if (s !== undefined) paxSize = Number(s);
        continue;
      }
      if (typeflag === "K" || typeflag === "g") continue; // long link names, global pax: unused
      longName = paxPath = paxSize = undefined;
      yield {
        name,
        kind,
        typeflag,
        size: hasBody ? size : 0,
        data: kind === "file" ? body : new Uint8Array(0),
      };
    }
  }
}
