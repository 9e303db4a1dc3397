import assert from "node:assert/strict";
import { join } from "node:path";
import { readTar, type TarEntry } from "../../datasets/tar.ts";
import { type Member, writeTar } from "./tar_fixture.ts";

const enc = new TextEncoder();

async function collect(src: Uint8Array | AsyncIterable<Uint8Array>): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  for await (const e of readTar(src, "t.tar")) out.push(e);
  return out;
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

const bytesOf = (n: number, k = 1) => Uint8Array.from({ length: n }, (_, i) => (i * k + 3) % 251);
const longName = "cifar-10-batches-bin/" + "a-rather-long-folder-name/".repeat(5) + "data.bin";

const members: Member[] = [
  { name: "dir/", type: "5" },
  { name: "dir/empty.bin", data: new Uint8Array(0) },
  { name: "dir/block.bin", data: bytesOf(512) },
  { name: "dir/odd.bin", data: bytesOf(513, 7) },
  { name: longName, data: bytesOf(700, 3), longName: true },
  { name: "after-long.txt", data: enc.encode("short name again") },
  { name: "pax/" + "p".repeat(120) + ".bin", data: bytesOf(5), pax: true },
];

function checkEntries(got: TarEntry[]): void {
  assert.deepEqual(got.map((e) => e.name), members.map((m) => m.name));
  assert.deepEqual(got.map((e) => e.kind), [
    "directory",
    "file",
    "file",
    "file",
    "file",
    "file",
    "file",
  ]);
  for (const [i, m] of members.entries()) {
    assert.deepEqual(got[i].data, m.data ?? new Uint8Array(0), m.name);
    assert.equal(got[i].size, m.data?.length ?? 0);
  }
}

Deno.test("tar: files, directory, long names (GNU L and pax) from one buffer", async () => {
  checkEntries(await collect(writeTar(members)));
});

Deno.test("tar: the same archive in 1-, 7- and 1000-byte chunks", async () => {
  const tar = writeTar(members);
  for (const size of [1, 7, 1000]) checkEntries(await collect(chunks(tar, size)));
});

Deno.test("tar: ustar prefix field joins the path", async () => {
  const tar = writeTar([{ name: "file.bin", data: bytesOf(3) }]);
  // Put "deep/folder" into the prefix field and fix the checksum.
  tar.set(enc.encode("deep/folder"), 345);
  tar.fill(0x20, 148, 156);
  const sum = tar.subarray(0, 512).reduce((a, b) => a + b, 0);
  tar.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  const [e] = await collect(tar);
  assert.equal(e.name, "deep/folder/file.bin");
});

Deno.test("tar: truncation in a header, in a body, and before the end block are errors", async () => {
  const tar = writeTar([{ name: "a.bin", data: bytesOf(1000) }, {
    name: "b.bin",
    data: bytesOf(10),
  }]);
  // a.bin: header 512 + 1024 data; b.bin header at 1536.
  await assert.rejects(
    collect(tar.slice(0, 1000)),
    /t\.tar: truncated in "a\.bin": 488 of its 1000/,
  );
  await assert.rejects(
    collect(tar.slice(0, 1536 + 100)),
    /t\.tar: truncated in a header: 100 of 512/,
  );
  await assert.rejects(
    collect(tar.slice(0, 1536 + 1024)),
    /t\.tar: ends without the end-of-archive block: the archive is truncated/,
  );
  await assert.rejects(collect(new Uint8Array(0)), /ends without the end-of-archive block/);
});

Deno.test("tar: a damaged header fails its checksum; garbage is not a tar", async () => {
  const tar = writeTar([{ name: "a.bin", data: bytesOf(10) }]);
  tar[3] ^= 0x40;
  await assert.rejects(collect(tar), /t\.tar: header checksum mismatch.*\(header at byte 0\)/);
  const html = new Uint8Array(1024);
  html.set(enc.encode("<html><body>404 Not Found</body></html>"));
  await assert.rejects(collect(html), /t\.tar: (checksum field|header checksum)/);
});

Deno.test("tar: reads the source to its end after the end block, cancels it on early exit", async () => {
  const tar = writeTar([{ name: "a.bin", data: bytesOf(10) }], 20); // long zero padding
  let finished = false;
  async function* source() {
    yield* chunks(tar, 512);
    finished = true;
  }
  await collect(source());
  assert.ok(finished, "trailing padding was not consumed");

  let cleanedUp = false;
  async function* endless() {
    try {
      yield* chunks(writeTar([{ name: "a.bin" }, { name: "b.bin" }]), 512);
      while (true) yield new Uint8Array(512).fill(1);
    } finally {
      cleanedUp = true;
    }
  }
  for await (const e of readTar(endless())) {
    assert.equal(e.name, "a.bin");
    break;
  }
  assert.ok(cleanedUp, "breaking out of readTar did not close the source");
});

Deno.test({
  name: "tar: archives made by GNU tar (gnu, ustar and pax formats)",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "tar_test_" });
    try {
      const src = join(dir, "src");
      const deep = join(src, "cifar-10-batches-bin", "x".repeat(90));
      await Deno.mkdir(deep, { recursive: true });
      await Deno.writeFile(join(deep, "data_batch_1.bin"), bytesOf(3073 * 2, 5));
      await Deno.writeFile(join(src, "cifar-10-batches-bin", "test_batch.bin"), bytesOf(40));
      for (const format of ["gnu", "ustar", "pax"]) {
        const out = join(dir, `${format}.tar`);
        const r = await new Deno.Command("tar", {
          args: [`--format=${format}`, "-cf", out, "-C", src, "cifar-10-batches-bin"],
          stderr: "piped",
        }).output().catch(() => undefined);
        if (!r) return; // no tar binary here: the hand-written fixtures above still run
        assert.ok(r.success, new TextDecoder().decode(r.stderr));
        const files = (await collect(await Deno.readFile(out))).filter((e) => e.kind === "file");
        const byName = new Map(files.map((e) => [e.name, e.data]));
        const longPath = `cifar-10-batches-bin/${"x".repeat(90)}/data_batch_1.bin`;
        assert.deepEqual(byName.get(longPath), bytesOf(3073 * 2, 5), format);
        assert.deepEqual(byName.get("cifar-10-batches-bin/test_batch.bin"), bytesOf(40), format);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
