/** Fuzz target of the tar reader (tar_fuzz_test.ts runs it). @module */
import assert from "node:assert/strict";
import { DatasetError } from "../../../datasets/errors.ts";
import { readTar } from "../../../datasets/tar.ts";
import { writeTar } from "../../datasets/tar_fixture.ts";
import type { FuzzTarget } from "../fuzz.ts";

const enc = new TextEncoder();
const seeds = () => [
  writeTar([
    { name: "d/", type: "5" },
    { name: "d/a.bin", data: Uint8Array.from({ length: 700 }, (_, i) => i % 251) },
    { name: "d/" + "n".repeat(120), data: enc.encode("long"), longName: true },
    { name: "p/" + "q".repeat(110), data: enc.encode("pax"), pax: true },
  ]),
  writeTar([{ name: "one.txt", data: enc.encode("x") }], 1),
];

/** Recomputes the checksum of every block that looks like a ustar header. */
function fixChecksums(b: Uint8Array): Uint8Array {
  for (let at = 0; at + 512 <= b.length; at += 512) {
    const h = b.subarray(at, at + 512);
    if (String.fromCharCode(...h.subarray(257, 262)) !== "ustar") continue;
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, v) => a + v, 0);
    h.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  }
  return b;
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

let alternate = 0;

/** Reads every entry (half the cases as a stream of 97-byte chunks); sizes must add up. */
async function readAll(b: Uint8Array): Promise<void> {
  const src = alternate++ % 2 ? chunks(b, 97) : b;
  let total = 0;
  for await (const e of readTar(src, "t.tar")) {
    assert.equal(e.data.length, e.kind === "file" ? e.size : 0);
    total += e.data.length;
  }
  assert.ok(total <= b.length);
}

/**
 * Archives read fully or fail with a DatasetError; half the cases get their header checksums
 * repaired, so mutations reach past the checksum test. Name, size, checksum and type flag of the
 * first header are hit most.
 */
export const tar: FuzzTarget = {
  seeds,
  parse: readAll,
  isClean: (e) => e instanceof DatasetError && /^t\.tar: /.test(e.message),
  opts: { hot: [[0, 8], [124, 136], [148, 157]], fixup: fixChecksums },
};
