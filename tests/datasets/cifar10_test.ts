import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { MANIFEST } from "../../datasets/cache.ts";
import {
  cifar10,
  CIFAR10_CLASSES,
  CIFAR10_MD5,
  CIFAR10_URL,
  type Cifar10Options,
  loadCifar10Arrays,
  loadCifar10Dir,
  parseCifar10Batch,
} from "../../datasets/cifar10.ts";
import { type DownloadProgress, ttyProgress } from "../../datasets/download.ts";

const FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat("test_batch.bin");
const PER_FILE = 20;
const REC = 3073;

/** Pixel (y, x) of channel c in record i of file f: distinct per channel so a mix-up shows. */
const pixel = (f: number, i: number, c: number, y: number, x: number) =>
  c === 0 ? (y * 8 + x + i) % 256 : c === 1 ? (255 - y * 7 - f) & 255 : (x * 5 + 3 * i) % 256;
const label = (f: number, i: number) => (f * 3 + i) % 10;

/** A file in the official layout: per record a label byte, then the R, G and B planes. */
function batch(f: number, n = PER_FILE): Uint8Array {
  const out = new Uint8Array(n * REC);
  for (let i = 0; i < n; i++) {
    out[i * REC] = label(f, i);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          out[i * REC + 1 + c * 1024 + y * 32 + x] = pixel(f, i, c, y, x);
        }
      }
    }
  }
  return out;
}

async function writeAll(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const [f, name] of FILES.entries()) await Deno.writeFile(join(dir, name), batch(f));
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cifar10_test_" });
  const before = Deno.env.get("CIFAR10_DIR");
  Deno.env.delete("CIFAR10_DIR"); // a real data folder on this machine must not leak in
  try {
    await fn(dir);
  } finally {
    if (before !== undefined) Deno.env.set("CIFAR10_DIR", before);
    await Deno.remove(dir, { recursive: true });
  }
}

// A minimal tar writer (ustar headers) for the archive fixture.
function tar(members: { name: string; data: Uint8Array }[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const m of members) {
    const h = new Uint8Array(512);
    h.set(enc.encode(m.name), 0);
    h.set(enc.encode("0000644\0"), 100);
    h.set(enc.encode(m.data.length.toString(8).padStart(11, "0") + "\0"), 124);
    h[156] = 0x30;
    h.set(enc.encode("ustar\x0000"), 257);
    h.fill(0x20, 148, 156);
    h.set(enc.encode(h.reduce((a, b) => a + b, 0).toString(8).padStart(6, "0") + "\0 "), 148);
    parts.push(h, m.data, new Uint8Array((512 - (m.data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** The fixture as the official archive would hold it, gzipped. */
const archive = gzipSync(
  tar([
    { name: "cifar-10-batches-bin/batches.meta.txt", data: new TextEncoder().encode("airplane\n") },
    ...FILES.map((name, f) => ({ name: `cifar-10-batches-bin/${name}`, data: batch(f) })),
  ]),
);
const archiveMd5 = createHash("md5").update(archive).digest("hex");

/** A fetch that serves `bytes` and counts its calls. */
function serve(bytes: Uint8Array, status = 200) {
  const calls: string[] = [];
  const fetch = (url: string) => {
    calls.push(url);
    return Promise.resolve(
      new Response(status === 200 ? bytes.slice() : "not found", {
        status,
        headers: { "content-length": String(bytes.length) },
      }),
    );
  };
  return { fetch, calls };
}

const noFetch = () => Promise.reject(new Error("the test expected no download"));

async function listDir(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}

function checkSplit(
  images: Uint8Array,
  labels: Uint8Array,
  first: [number, number][], // [file, record] of each sample
): void {
  assert.equal(labels.length, first.length);
  for (const [s, [f, i]] of first.entries()) {
    assert.equal(labels[s], label(f, i), `label of sample ${s}`);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        for (let c = 0; c < 3; c++) {
          const got = images[((s * 32 + y) * 32 + x) * 3 + c];
          if (got !== pixel(f, i, c, y, x)) {
            assert.fail(`sample ${s} (${y},${x}) channel ${c}: ${got} ≠ ${pixel(f, i, c, y, x)}`);
          }
        }
      }
    }
  }
}

const seq = (f: number, from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => [f, from + k] as [number, number]);

Deno.test("parseCifar10Batch: channel-major planes become NHWC, labels kept", () => {
  const rec = new Uint8Array(REC);
  rec[0] = 7;
  rec[1 + 0 * 1024 + 2 * 32 + 5] = 11; // R at row 2, column 5
  rec[1 + 1 * 1024 + 2 * 32 + 5] = 22; // G there
  rec[1 + 2 * 1024 + 31 * 32 + 0] = 33; // B at row 31, column 0
  const p = parseCifar10Batch(rec, "one.bin");
  assert.equal(p.n, 1);
  assert.deepEqual([...p.labels], [7]);
  assert.deepEqual([...p.images.subarray((2 * 32 + 5) * 3, (2 * 32 + 5) * 3 + 3)], [11, 22, 0]);
  assert.deepEqual([...p.images.subarray((31 * 32) * 3, (31 * 32) * 3 + 3)], [0, 0, 33]);
  assert.equal(p.images.reduce((a, b) => a + b, 0), 66);
});

Deno.test("folder of .bin files: every pixel, label and the file order", async () => {
  await withTempDir(async (dir) => {
    await writeAll(dir);
    const d = await loadCifar10Dir(dir);
    assert.equal(d.source, dir);
    assert.equal(d.train.n, 5 * PER_FILE);
    checkSplit(d.train.images, d.train.labels, [0, 1, 2, 3, 4].flatMap((f) => seq(f, 0, PER_FILE)));
    checkSplit(d.test.images, d.test.labels, seq(5, 0, PER_FILE));
  });
});

Deno.test("cifar10(): tensors [N,32,32,3] = byte/255, int32 labels, class names", async () => {
  await withTempDir(async (dir) => {
    await writeAll(join(dir, "cifar-10-batches-bin")); // the unpacked archive's folder
    const { train, test, source } = await cifar10({ dataDir: dir, limitTest: 3 });
    assert.equal(source, join(dir, "cifar-10-batches-bin"));
    assert.deepEqual(train.x.shape, [100, 32, 32, 3]);
    assert.deepEqual(test.x.shape, [3, 32, 32, 3]);
    assert.ok(train.y instanceof Int32Array);
    assert.deepEqual([...test.y], [0, 1, 2].map((i) => label(5, i)));
    assert.deepEqual(train.classNames, CIFAR10_CLASSES);
    assert.equal(train.classNames[0], "airplane");
    assert.equal(train.classNames[9], "truck");
    const x = train.x.dataSync();
    // Sample 21 = file 1, record 1; pixel (3, 4), channels R, G, B.
    const at = ((21 * 32 + 3) * 32 + 4) * 3;
    assert.deepEqual([...x.subarray(at, at + 3)], [
      Math.fround(pixel(1, 1, 0, 3, 4) / 255),
      Math.fround(pixel(1, 1, 1, 3, 4) / 255),
      Math.fround(pixel(1, 1, 2, 3, 4) / 255),
    ]);
    assert.ok(x.every((v) => v >= 0 && v <= 1));
    train.x.dispose();
    test.x.dispose();
  });
});

Deno.test("limit: first N training samples across files, later files not read", async () => {
  await withTempDir(async (dir) => {
    await writeAll(dir);
    // Broken, but beyond the limit: never parsed.
    await Deno.writeFile(join(dir, "data_batch_3.bin"), new Uint8Array(5));
    const d = await loadCifar10Dir(dir, { limit: 30, limitTest: 4 });
    assert.equal(d.train.n, 30);
    checkSplit(d.train.images, d.train.labels, [...seq(0, 0, 20), ...seq(1, 0, 10)]);
    checkSplit(d.test.images, d.test.labels, seq(5, 0, 4));
    await assert.rejects(loadCifar10Dir(dir, { limit: 41 }), /data_batch_3\.bin: 5 bytes/);
    await assert.rejects(loadCifar10Dir(dir, { limit: 1.5 }), RangeError);
  });
});

Deno.test("truncated file: error names the file, its length and the missing bytes", async () => {
  await withTempDir(async (dir) => {
    await writeAll(dir);
    const p = join(dir, "data_batch_2.bin");
    await Deno.writeFile(p, batch(1).subarray(0, 2 * REC + 100));
    await assert.rejects(loadCifar10Dir(dir), (e: Error) => {
      assert.equal(e.name, "DatasetError");
      assert.ok(e.message.startsWith(`${p}: ${2 * REC + 100} bytes`), e.message);
      assert.match(e.message, /short of 2973 bytes/);
      return true;
    });
  });
});

Deno.test("a label above 9: error names the file and the record index", async () => {
  await withTempDir(async (dir) => {
    await writeAll(dir);
    const bytes = batch(5);
    bytes[13 * REC] = 10;
    const p = join(dir, "test_batch.bin");
    await Deno.writeFile(p, bytes);
    await assert.rejects(loadCifar10Dir(dir), new RegExp(`${p}: record 13 has label 10`));
  });
});

Deno.test("missing files: the error lists exactly those", async () => {
  await withTempDir(async (dir) => {
    await writeAll(dir);
    await Deno.remove(join(dir, "data_batch_4.bin"));
    await Deno.remove(join(dir, "test_batch.bin"));
    await assert.rejects(loadCifar10Dir(dir), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(`^${dir}: missing data_batch_4\\.bin, test_batch\\.bin \\(`),
      );
      return true;
    });
  });
});

Deno.test("CIFAR10_DIR is used when no folder is passed", async () => {
  await withTempDir(async (dir) => {
    await writeAll(dir);
    Deno.env.set("CIFAR10_DIR", dir);
    try {
      const d = await loadCifar10Arrays({ limit: 2, limitTest: 1, fetch: noFetch });
      assert.equal(d.source, dir);
      assert.deepEqual([...d.train.labels], [label(0, 0), label(0, 1)]);
    } finally {
      Deno.env.delete("CIFAR10_DIR");
    }
  });
});

Deno.test("download: generated archive via injected fetch → cache with manifest → reused", async () => {
  await withTempDir(async (dir) => {
    const cacheDir = join(dir, "cache");
    const { fetch, calls } = serve(archive);
    const progress: DownloadProgress[] = [];
    const opts: Cifar10Options = {
      cacheDir,
      fetch,
      md5: archiveMd5,
      url: "https://mirror.example/cifar.tgz",
      onProgress: (p) => progress.push(p),
    };
    const d = await loadCifar10Arrays(opts);
    assert.deepEqual(calls, ["https://mirror.example/cifar.tgz"]);
    assert.equal(d.source, cacheDir);
    checkSplit(d.train.images, d.train.labels, [0, 1, 2, 3, 4].flatMap((f) => seq(f, 0, 20)));
    checkSplit(d.test.images, d.test.labels, seq(5, 0, 20));
    // Only the six data files and the manifest: no leftovers, no unrequested members.
    assert.deepEqual(await listDir(cacheDir), [...FILES, MANIFEST].sort());
    const m = JSON.parse(await Deno.readTextFile(join(cacheDir, MANIFEST)));
    assert.equal(m.archiveMd5, archiveMd5);
    assert.equal(m.files["test_batch.bin"].size, PER_FILE * REC);
    assert.equal(progress.at(-1)?.done, true);
    assert.equal(progress.at(-1)?.received, archive.length);
    assert.equal(progress.at(-1)?.total, archive.length);

    const again = await loadCifar10Arrays({ ...opts, fetch: noFetch, limit: 3 });
    assert.equal(again.train.n, 3);
    assert.equal(calls.length, 1);
  });
});

Deno.test("wrong md5: an error that says where to put the files, nothing kept", async () => {
  await withTempDir(async (dir) => {
    const cacheDir = join(dir, "cache");
    const { fetch } = serve(archive);
    // The generated archive cannot match the official md5 (the default).
    await assert.rejects(loadCifar10Arrays({ cacheDir, fetch, onProgress: false }), (e: Error) => {
      assert.equal(e.name, "DatasetError");
      assert.match(e.message, new RegExp(`md5 is ${archiveMd5}, expected ${CIFAR10_MD5}`));
      for (const s of ["CIFAR10_DIR", "--data-dir", cacheDir, CIFAR10_URL]) {
        assert.ok(e.message.includes(s), `message lacks ${s}: ${e.message}`);
      }
      return true;
    });
    assert.deepEqual(await listDir(cacheDir), []);
    // And nothing was trusted: without a download there is still no data.
    await assert.rejects(
      loadCifar10Arrays({ cacheDir, download: false }),
      /downloads are off.*has no manifest\.json/,
    );
  });
});

Deno.test("half-written cache without a valid manifest is not trusted", async () => {
  await withTempDir(async (dir) => {
    const cacheDir = join(dir, "cache");
    await writeAll(cacheDir);
    // As if killed mid-write: the last file is short, and there is no manifest; plus the
    // temporary files of two killed downloads, one old enough to be cleaned up.
    await Deno.writeFile(join(cacheDir, "test_batch.bin"), batch(5).subarray(0, 3 * REC));
    const oldPart = join(cacheDir, ".test_batch.bin.1.aaaa.part");
    const newPart = join(cacheDir, ".test_batch.bin.2.bbbb.part");
    await Deno.writeFile(oldPart, batch(5).subarray(0, REC));
    await Deno.writeFile(newPart, batch(5).subarray(0, REC));
    await Deno.utime(
      oldPart,
      new Date(Date.now() - 2 * 86400e3),
      new Date(Date.now() - 2 * 86400e3),
    );
    await assert.rejects(
      loadCifar10Arrays({ cacheDir, download: false }),
      /not available: downloads are off .*has no manifest\.json/,
    );
    // A complete download, then a file damaged in place (same size): md5 catches it, and the
    // loader downloads again rather than returning the damaged bytes.
    const { fetch, calls } = serve(archive);
    await loadCifar10Arrays({ cacheDir, fetch, md5: archiveMd5, onProgress: false });
    assert.deepEqual(
      await listDir(cacheDir),
      [".test_batch.bin.2.bbbb.part", ...FILES, MANIFEST].sort(),
    );
    const p = join(cacheDir, "data_batch_1.bin");
    const bytes = await Deno.readFile(p);
    bytes[1] ^= 0xff;
    await Deno.writeFile(p, bytes);
    const d = await loadCifar10Arrays({ cacheDir, fetch, md5: archiveMd5, onProgress: false });
    assert.equal(calls.length, 2);
    assert.equal(d.train.images[0], pixel(0, 0, 0, 0, 0));
    // A truncated file with the manifest still there: the size check rejects it.
    await Deno.writeFile(p, bytes.subarray(0, REC));
    await assert.rejects(
      loadCifar10Arrays({ cacheDir, download: false }),
      /data_batch_1\.bin has 3073 bytes, manifest says 61460/,
    );
  });
});

Deno.test("an archive placed in the cache folder is checked and unpacked without network", async () => {
  await withTempDir(async (dir) => {
    const cacheDir = join(dir, "cache");
    await Deno.mkdir(cacheDir);
    await Deno.writeFile(join(cacheDir, "cifar-10-binary.tar.gz"), archive);
    const d = await loadCifar10Arrays({ cacheDir, fetch: noFetch, md5: archiveMd5, limit: 1 });
    assert.equal(d.train.n, 1);
    assert.ok((await listDir(cacheDir)).includes(MANIFEST));
  });
});

Deno.test("offline, HTTP errors and cut downloads: errors with the fix, cache untrusted", async () => {
  await withTempDir(async (dir) => {
    const cacheDir = join(dir, "cache");
    const offline = () => Promise.reject(new TypeError("error sending request: dns error"));
    await assert.rejects(loadCifar10Arrays({ cacheDir, fetch: offline }), (e: Error) => {
      assert.match(e.message, /downloading .*cifar-10-binary\.tar\.gz failed: .*dns error/);
      for (const s of ["CIFAR10_DIR", "--data-dir", cacheDir, CIFAR10_URL]) {
        assert.ok(e.message.includes(s), `message lacks ${s}`);
      }
      return true;
    });
    await assert.rejects(
      loadCifar10Arrays({ cacheDir, fetch: serve(archive, 404).fetch }),
      /HTTP 404/,
    );
    const cut = serve(archive.subarray(0, archive.length >> 1)).fetch;
    await assert.rejects(
      loadCifar10Arrays({ cacheDir, fetch: cut, md5: archiveMd5, onProgress: false }),
      /reading the archive failed|truncated/,
    );
    assert.deepEqual(await listDir(cacheDir), []);
  });
});

Deno.test("ttyProgress: redrawn line with MB, percent and a final newline; none off a TTY", () => {
  let out = "";
  let t = 0;
  const p = ttyProgress("CIFAR-10", { tty: true, write: (s) => (out += s), now: () => t })!;
  t = 1000;
  p({ received: 50e6, total: 200e6, done: false });
  t = 1050; // within 100 ms of the last draw: skipped
  p({ received: 60e6, total: 200e6, done: false });
  t = 4000;
  p({ received: 200e6, total: 200e6, done: true });
  assert.equal(
    out,
    "\r\x1b[2KCIFAR-10 50.0/200.0 MB 25% 50.0 MB/s" +
      "\r\x1b[2KCIFAR-10 200.0/200.0 MB 100% 50.0 MB/s\n",
  );
  assert.equal(ttyProgress("x", { tty: false }), undefined);
});
