/**
 * Corrupt and truncated data files and checkpoints: each case's exact error (what the file is,
 * what is wrong, what to do), and that a rejected checkpoint leaves the model as it was.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parseCifar10Batch } from "../../datasets/cifar10.ts";
import { DatasetError } from "../../datasets/errors.ts";
import { encodeIdx, parseIdx, readIdxFile } from "../../datasets/idx.ts";
import { setDevice } from "../../kernels/device.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { loadCheckpoint, saveCheckpoint } from "../../train/checkpoint.ts";
import { cifarBatchBytes, withTempDir } from "../datasets/cifar10_fixture.ts";

const idx = encodeIdx([4, 2], Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DatasetError, String(e));
    assert.equal(e.message, message);
    return true;
  });
}

Deno.test("IDX: short header, cut values, trailing bytes, bad magic and type: exact errors", () => {
  rejects(
    () => parseIdx(idx.subarray(0, 3), "f"),
    "f: truncated: 3 bytes, but an IDX header alone needs at least 4",
  );
  rejects(
    () => parseIdx(idx.subarray(0, 9), "f"),
    "f: truncated header: 9 bytes, but 2 dims need 12",
  );
  rejects(
    () => parseIdx(idx.subarray(0, 17), "f"),
    "f: truncated: expected 20 bytes for dims [4,2], got 17 (3 missing); download the file again",
  );
  const long = new Uint8Array(22);
  long.set(idx);
  rejects(
    () => parseIdx(long, "f"),
    "f: expected 20 bytes for dims [4,2], got 22 (2 unexpected trailing bytes)",
  );
  rejects(
    () => parseIdx(Uint8Array.of(0x1f, 0x8b, 8, 0), "f"),
    "f: wrong magic number 0x1f8b0800: an IDX file starts with two zero bytes (is it still " +
      "compressed, an HTML error page, or another format?)",
  );
  rejects(
    () => parseIdx(Uint8Array.of(0, 0, 0x0a, 1, 0, 0, 0, 0), "f"),
    "f: unknown IDX element type 0x0a (known: 08 u8, 09 i8, 0b i16, 0c i32, 0d f32, 0e f64)",
  );
  // Dims whose product overflows every size: still the truncation error, no allocation.
  const huge = Uint8Array.of(0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
  assert.throws(() => parseIdx(huge, "f"), /^DatasetError: f: truncated: expected 1844674406/);
});

Deno.test("gzip'd IDX: cut, flipped and bad-CRC streams are DatasetErrors saying download again", async () => {
  await withTempDir(async (dir) => {
    const gz = new Uint8Array(gzipSync(encodeIdx([300], new Uint8Array(300).map((_, i) => i))));
    const bad = gz.slice();
    bad[10] = 0xff; // the first deflate block header: a reserved block type
    const crc = gz.slice();
    crc[gz.length - 6] ^= 1;
    const cases: [string, Uint8Array, string][] = [
      ["cut.gz", gz.subarray(0, gz.length - 12), "does not have a matching checksum"],
      ["flipped.gz", bad, "corrupt deflate stream"],
      ["crc.gz", crc, "does not have a matching checksum"],
    ];
    for (const [name, bytes, why] of cases) {
      const p = join(dir, name);
      await Deno.writeFile(p, bytes);
      await assert.rejects(readIdxFile(p), (e: unknown) => {
        assert.ok(e instanceof DatasetError);
        assert.match(e.message, new RegExp(`^${p}: corrupt gzip data \\(.*${why}\\); download`));
        return true;
      });
    }
    await assert.rejects(
      readIdxFile(join(dir, "absent.gz")),
      new RegExp(`^DatasetError: ${dir}/absent.gz: cannot read \\(No such file`),
    );
  });
});

Deno.test("CIFAR-10: empty, cut and CIFAR-100 files: exact errors with the record or bytes", () => {
  const two = cifarBatchBytes(0, 2);
  rejects(() => parseCifar10Batch(new Uint8Array(0), "b"), "b: empty file; download it again");
  rejects(
    () => parseCifar10Batch(two.subarray(0, 5000), "b"),
    "b: 5000 bytes is not a whole number of 3073-byte records (1 label + 3072 pixels): the last " +
      "record is short of 1146 bytes; the file is truncated, download it again",
  );
  const hundred = two.slice();
  hundred[3073] = 42;
  rejects(
    () => parseCifar10Batch(hundred, "b"),
    "b: record 1 has label 42, but CIFAR-10 labels are 0–9 (CIFAR-100's binary files have 2 " +
      "label bytes and 100 classes: is it that set?)",
  );
});

function net(seed: number): Sequential {
  return new Sequential([layers.dense({ units: 2, inputShape: [3] })], { seed }).build();
}

/** A checkpoint file with `header` (object or raw text) and `data` after it. */
function ckpt(header: unknown, data = new Uint8Array(32)): Uint8Array {
  const h = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(12 + h.length + data.length);
  out.set(new TextEncoder().encode("DLTKCKP1"));
  new DataView(out.buffer).setUint32(8, h.length, true);
  out.set(h, 12);
  out.set(data, 12 + h.length);
  return out;
}

Deno.test("checkpoints with bad headers or data: exact errors, the model untouched", async () => {
  await setDevice("cpu");
  await withTempDir(async (dir) => {
    const model = net(1);
    const before = model.weights().map((w) => w.tensor.dataSync().slice());
    const kernel = { name: "dense_1/kernel", shape: [3, 2], dtype: "float32", offset: 0 };
    const bias = { name: "dense_1/bias", shape: [2], dtype: "float32", offset: 24 };
    const nan = new Uint8Array(32);
    new Float32Array(nan.buffer)[7] = NaN;
    const cases: [string, Uint8Array, string][] = [
      [
        "magic",
        new TextEncoder().encode("PK\x03\x04 a zip"),
        "not a checkpoint (wrong magic bytes)",
      ],
      [
        "short",
        ckpt({ tensors: [] }).subarray(0, 14),
        "truncated header (14 bytes announced, 2 present)",
      ],
      [
        "json",
        ckpt("{tensors:"),
        "unreadable header (Expected property name or '}' in JSON at position 1 (line 1 column 2))",
      ],
      ["list", ckpt({ tensors: null }), "corrupt header: no tensors list"],
      ["meta", ckpt({ tensors: [], meta: 3 }), "corrupt header: meta is not an object"],
      [
        "entry",
        ckpt({ tensors: [kernel, { ...bias, offset: -4 }] }),
        "corrupt header: tensor entry 1 is not {name, shape, dtype, offset}",
      ],
      [
        "dtype",
        ckpt({ tensors: [kernel, { ...bias, dtype: "uint8" }] }),
        "corrupt header: tensor entry 1 is not {name, shape, dtype, offset}",
      ],
      [
        "name",
        ckpt({ tensors: [kernel] }),
        "no tensor named dense_1/bias (the model's layers differ from the saved ones)",
      ],
      [
        "shape",
        ckpt({ tensors: [kernel, { ...bias, shape: [1] }] }),
        "dense_1/bias is float32[1] in the file but float32[2] in the model",
      ],
      [
        "cut",
        ckpt({ tensors: [kernel, bias] }, new Uint8Array(30)),
        "truncated data for dense_1/bias (file ends at 190, needs 192)",
      ],
      [
        "nan",
        ckpt({ tensors: [kernel, bias] }, nan),
        "dense_1/bias[1] is NaN: the data is corrupt",
      ],
      [
        "extra",
        ckpt({ tensors: [kernel, bias, { ...bias, name: "x" }] }),
        "the file holds 3 tensors, the model 2",
      ],
    ];
    for (const [name, bytes, why] of cases) {
      const p = join(dir, `${name}.ckpt`);
      await Deno.writeFile(p, bytes);
      await assert.rejects(loadCheckpoint(model, p), (e: unknown) => {
        assert.equal((e as Error).message, `loadCheckpoint: ${p}: ${why}`);
        return true;
      }, name);
      model.weights().forEach((w, i) => assert.deepEqual(w.tensor.dataSync(), before[i], name));
    }
    const absent = join(dir, "absent.ckpt");
    await assert.rejects(
      loadCheckpoint(model, absent),
      new RegExp(`^Error: loadCheckpoint: ${absent}: cannot read \\(No such file`),
    );
    // And a good file still loads.
    await saveCheckpoint(net(2), join(dir, "good.ckpt"), { epoch: 1 });
    assert.deepEqual(await loadCheckpoint(model, join(dir, "good.ckpt")), { epoch: 1 });
  });
});
