import assert from "node:assert/strict";
import { join } from "node:path";
import {
  decodeSafetensors,
  encodeSafetensors,
  halfToFloat,
  MAX_HEADER_BYTES,
  readSafetensors,
  writeSafetensors,
} from "../../io/safetensors.ts";

/** A file from a raw header object and data bytes, padded like the writer pads. */
function fileOf(header: unknown, data: Uint8Array = new Uint8Array(), pad = true): Uint8Array {
  let json = new TextEncoder().encode(JSON.stringify(header));
  if (pad && json.length % 8) {
    const p = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    p.set(json);
    json = p;
  }
  return withHeaderBytes(json, data);
}

function withHeaderBytes(json: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function refuses(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => decodeSafetensors(bytes, "bad.safetensors"), (e: Error) => {
    assert.match(e.message, /^safetensors: bad\.safetensors: /);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("safetensors: round trip of F32, F64, I32, U8 and I64 with metadata", () => {
  const tensors = {
    "0.weight": { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 4, 5, 6e-8]) },
    "b": { shape: [3], data: new Float64Array([Math.PI, -0, 1e300]) },
    "idx": { shape: [2, 2], data: new Int32Array([-1, 2 ** 31 - 1, -(2 ** 31), 0]) },
    "img": { shape: [5], data: new Uint8Array([0, 1, 127, 128, 255]) },
    "count": { shape: [], data: new BigInt64Array([123456789012n]) },
    "empty": { shape: [0, 4], data: new Float32Array(0) },
  };
  const bytes = encodeSafetensors(tensors, { format: "pt", note: "héllo" });
  const hlen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(hlen % 8, 0, "header padded to 8 bytes");
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.metadata, { format: "pt", note: "héllo" });
  assert.deepEqual([...back.tensors.keys()], Object.keys(tensors));
  for (const [name, t] of Object.entries(tensors)) {
    const got = back.tensors.get(name)!;
    assert.deepEqual(got.shape, t.shape, name);
    assert.equal(got.data.constructor, t.data.constructor, name);
    assert.deepEqual(got.data, t.data, name);
  }
  assert.equal(back.tensors.get("0.weight")!.dtype, "F32");
  assert.equal(back.tensors.get("count")!.dtype, "I64");
});

Deno.test("safetensors: the written header is exactly the specification's JSON", () => {
  const bytes = encodeSafetensors({ a: { shape: [2], data: new Float32Array([1, 2]) } });
  const hlen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + hlen));
  assert.equal(text.trimEnd(), '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}');
  assert.equal(bytes.length, 8 + hlen + 8);
  // Little-endian float32 data right after the header.
  assert.deepEqual([...bytes.subarray(8 + hlen)], [0, 0, 128, 63, 0, 0, 0, 64]);
});

Deno.test("safetensors: F16 and BF16 are read into float32", () => {
  const f16 = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0x3555]);
  const bf16 = new Uint16Array([0x3f80, 0xc040, 0x4049]);
  const data = new Uint8Array(f16.byteLength + bf16.byteLength);
  data.set(new Uint8Array(f16.buffer), 0);
  data.set(new Uint8Array(bf16.buffer), f16.byteLength);
  const file = fileOf({
    h: { dtype: "F16", shape: [6], data_offsets: [0, 12] },
    bf: { dtype: "BF16", shape: [3], data_offsets: [12, 18] },
  }, data);
  const { tensors } = decodeSafetensors(file);
  const h = tensors.get("h")!;
  assert.ok(h.data instanceof Float32Array);
  assert.deepEqual([...h.data], [
    1,
    -2,
    2 ** -24,
    65504,
    Infinity,
    Math.fround(halfToFloat(0x3555)),
  ]);
  assert.ok(Math.abs(halfToFloat(0x3555) - 1 / 3) < 1e-3);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  assert.deepEqual([...tensors.get("bf")!.data], [1, -3, 3.140625]);
});

Deno.test("safetensors: the header's tensor order may differ from the data order", () => {
  const data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
  const file = fileOf({
    second: { dtype: "F32", shape: [2], data_offsets: [4, 12] },
    first: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
  }, data);
  const { tensors } = decodeSafetensors(file);
  assert.deepEqual([...tensors.get("first")!.data], [1]);
  assert.deepEqual([...tensors.get("second")!.data], [2, 3]);
});

Deno.test("safetensors: each fault of the specification is refused, naming it", () => {
  const four = new Uint8Array(4);
  const ok = { dtype: "F32", shape: [1], data_offsets: [0, 4] };
  refuses(new Uint8Array(5), /5 bytes, shorter than the 8-byte/);
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES) + 1n, true);
  refuses(huge, /over the 100000000-byte limit/);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
  refuses(huge, /over the 100000000-byte limit/);
  new DataView(huge.buffer).setBigUint64(0, 9n, true);
  refuses(huge, /runs past the end of the file/);
  refuses(withHeaderBytes(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), four), /not valid UTF-8/);
  refuses(withHeaderBytes(new TextEncoder().encode("{not json}"), four), /not JSON/);
  refuses(withHeaderBytes(new TextEncoder().encode("[1, 2]  "), four), /start with '\{'/);
  refuses(fileOf({ a: { ...ok, dtype: "F31" } }, four), /a: unknown dtype "F31"/);
  refuses(fileOf({ a: { ...ok, dtype: "I16" } }, four), /a: unsupported dtype "I16"/);
  refuses(fileOf({ a: { ...ok, shape: [1.5] } }, four), /shape must be an array/);
  refuses(fileOf({ a: { ...ok, shape: [-1] } }, four), /shape must be an array/);
  refuses(fileOf({ a: { ...ok, data_offsets: [0] } }, four), /data_offsets must be/);
  refuses(fileOf({ a: { ...ok, data_offsets: [4, 0] } }, four), /end before they begin/);
  refuses(fileOf({ a: { ...ok, data_offsets: [0, 8] } }, four), /past the end of the data/);
  refuses(fileOf({ a: { ...ok, shape: [2] } }, four), /needs 8 bytes but data_offsets span 4/);
  refuses(fileOf({ a: ok }, new Uint8Array(6)), /2 trailing bytes/);
  refuses(
    fileOf({ a: ok, b: { ...ok, data_offsets: [8, 12] } }, new Uint8Array(12)),
    /b starts at byte 8: a hole after byte 4/,
  );
  refuses(
    fileOf(
      { a: { ...ok, shape: [2], data_offsets: [0, 8] }, b: { ...ok, data_offsets: [4, 8] } },
      new Uint8Array(8),
    ),
    /overlapping the tensor that ends at 8/,
  );
  refuses(fileOf({ __metadata__: { a: 1 } }), /__metadata__ "a" is not a string/);
  refuses(fileOf({ a: 3 }), /entry a is not an object/);
});

Deno.test("safetensors: a header claiming a huge tensor fails without allocating it", () => {
  // 2^50 × 2^50 float64 values: any attempt to allocate would throw a RangeError instead.
  const file = fileOf(
    { a: { dtype: "F64", shape: [2 ** 50, 2 ** 50], data_offsets: [0, 8] } },
    new Uint8Array(8),
  );
  refuses(file, /needs more than the file's bytes but data_offsets span 8/);
  const zero = fileOf({ a: { dtype: "F64", shape: [2 ** 52, 0], data_offsets: [0, 0] } });
  assert.equal(decodeSafetensors(zero).tensors.get("a")!.data.length, 0);
});

Deno.test("safetensors: files are written atomically and read back; read errors name the path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "w.safetensors");
    await writeSafetensors(path, { w: { shape: [2], data: new Float32Array([7, 8]) } }, { k: "v" });
    const back = await readSafetensors(path);
    assert.deepEqual([...back.tensors.get("w")!.data], [7, 8]);
    assert.deepEqual(back.metadata, { k: "v" });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["w.safetensors"]);

    const short = join(dir, "short.safetensors");
    await Deno.writeFile(short, new Uint8Array(3));
    await assert.rejects(readSafetensors(short), new RegExp(`${short}: file is 3 bytes`));
    const past = join(dir, "past.safetensors");
    const bytes = new Uint8Array(12);
    new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
    await Deno.writeFile(past, bytes);
    await assert.rejects(readSafetensors(past), /past\.safetensors: header length 1000 runs past/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("safetensors: the writer refuses data that does not fill its shape", () => {
  assert.throws(
    () => encodeSafetensors({ a: { shape: [3], data: new Float32Array(2) } }),
    /a has 2 values but shape \[3\]/,
  );
});

/** mulberry32: the fuzz test's own seeded generator, so its cases never change. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("safetensors: 20000 mutated files give a clean error or a consistent load", () => {
  const rand = generator(20261203);
  const int = (n: number) => Math.floor(rand() * n);
  const seeds = [
    encodeSafetensors({
      a: { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      b: { shape: [2], data: new Int32Array([7, 8]) },
      c: { shape: [3], data: new Uint8Array([1, 2, 3]) },
    }, { format: "pt" }),
    encodeSafetensors({ x: { shape: [1, 1, 2], data: new Float64Array([0.5, -1]) } }),
    fileOf({
      h: { dtype: "F16", shape: [2], data_offsets: [0, 4] },
      g: { dtype: "BF16", shape: [2], data_offsets: [4, 8] },
    }, new Uint8Array(8).fill(0x3c)),
  ];
  const digits = "0123456789";
  const tokens = [
    '"',
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "-",
    "1e9",
    "9007199254740993",
    "0",
    " ",
    "\\",
  ];
  let loaded = 0, refused = 0;
  for (let i = 0; i < 20000; i++) {
    const base = seeds[int(seeds.length)];
    let b: Uint8Array = base.slice();
    const rounds = 1 + int(3);
    for (let r = 0; r < rounds; r++) {
      const hlen = b.length < 8
        ? 0
        : Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true) & 0xffffn);
      switch (int(7)) {
        case 0: // flip a byte anywhere
          if (b.length) b[int(b.length)] ^= 1 << int(8);
          break;
        case 1: // truncate
          b = b.slice(0, int(b.length + 1));
          break;
        case 2: // append bytes
          b = Uint8Array.from([...b, ...Array.from({ length: 1 + int(9) }, () => int(256))]);
          break;
        case 3: { // change a digit of the header (shapes and offsets)
          const at = 8 + int(Math.max(1, Math.min(hlen, b.length - 8)));
          if (at < b.length && digits.includes(String.fromCharCode(b[at]))) {
            b[at] = digits.charCodeAt(int(10));
          } else if (at < b.length) b[at] = tokens[int(tokens.length)].charCodeAt(0);
          break;
        }
        case 4: // rewrite the header length
          if (b.length >= 8) {
            const v = [
              0n,
              1n,
              BigInt(b.length),
              BigInt(int(200)),
              2n ** 63n,
              BigInt(MAX_HEADER_BYTES),
            ];
            new DataView(b.buffer, b.byteOffset).setBigUint64(0, v[int(v.length)], true);
          }
          break;
        case 5: { // splice a JSON token into the header
          const at = 8 + int(Math.max(1, Math.min(hlen, b.length - 8)));
          const tok = new TextEncoder().encode(tokens[int(tokens.length)]);
          b = Uint8Array.from([...b.subarray(0, at), ...tok, ...b.subarray(at)]);
          break;
        }
        case 6: // change a value in the data area (must still load)
          if (8 + hlen < b.length) b[8 + hlen + int(b.length - 8 - hlen)] = int(256);
          break;
      }
    }
    let file;
    try {
      file = decodeSafetensors(b, "fuzz");
    } catch (e) {
      // Only our own errors: no RangeError from an allocation, no TypeError from a bad header.
      assert.ok(e instanceof Error && e.message.startsWith("safetensors: fuzz: "), String(e));
      refused++;
      continue;
    }
    loaded++;
    let total = 0;
    for (const [name, t] of file.tensors) {
      assert.equal(t.data.length, t.shape.reduce((x, d) => x * d, 1), name);
      total += t.data.byteLength / (t.dtype === "F16" || t.dtype === "BF16" ? 2 : 1);
    }
    assert.ok(total <= b.length, "never more tensor bytes than the file holds");
  }
  // Both outcomes must occur, or the mutations are not exercising the reader.
  assert.ok(loaded > 1000 && refused > 10000, `loaded ${loaded}, refused ${refused}`);
});
