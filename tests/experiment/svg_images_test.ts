import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { crc32, encodePng, imageGridSvg } from "../../experiment/svg_images.ts";

/** Decodes the PNGs this module writes (8-bit, filter 0), checking signature and every CRC. */
function decodePng(png: Uint8Array) {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  let off = 8, width = 0, height = 0, colorType = -1;
  const idat: Uint8Array[] = [];
  while (off < png.length) {
    const len = view.getUint32(off);
    const type = new TextDecoder().decode(png.subarray(off + 4, off + 8));
    const data = png.subarray(off + 8, off + 8 + len);
    assert.equal(view.getUint32(off + 8 + len), crc32(png.subarray(off + 4, off + 8 + len)), type);
    types.push(type);
    if (type === "IHDR") {
      width = view.getUint32(off + 8);
      height = view.getUint32(off + 12);
      assert.equal(data[8], 8);
      colorType = data[9];
    }
    if (type === "IDAT") idat.push(data);
    off += 12 + len;
  }
  assert.deepEqual(types, ["IHDR", "IDAT", "IEND"]);
  const channels = colorType === 0 ? 1 : 3;
  const raw = new Uint8Array(inflateSync(idat[0]));
  const stride = width * channels;
  assert.equal(raw.length, (stride + 1) * height);
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (stride + 1)], 0);
    pixels.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, channels, pixels };
}

function pngsIn(svg: string) {
  return [...svg.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) =>
    decodePng(Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0)))
  );
}

function balanced(svg: string) {
  assert.ok(svg.startsWith("<svg "));
  const open = (svg.match(/<[a-z]+[^>]*[^/]>|<[a-z]+>/g) ?? []).length;
  const close = (svg.match(/<\/[a-z]+>/g) ?? []).length;
  assert.equal(open, close, "open and close tags pair up");
  assert.ok(!/="[^"]*(NaN|undefined|Infinity)/.test(svg));
}

Deno.test("crc32 matches the PNG spec's IEND value", () => {
  assert.equal(crc32(new TextEncoder().encode("IEND")), 0xae426082);
});

Deno.test("encodePng round-trips grey and RGB pixels", () => {
  const grey = new Uint8Array([0, 64, 128, 255, 1, 2]);
  assert.deepEqual(decodePng(encodePng(grey, 3, 2, 1)), {
    width: 3,
    height: 2,
    channels: 1,
    pixels: grey,
  });
  const rgb = new Uint8Array([255, 0, 0, 0, 255, 0]);
  assert.deepEqual(decodePng(encodePng(rgb, 1, 2, 3)).pixels, rgb);
  assert.throws(() => encodePng(grey, 2, 2, 1), /6 bytes for 2×2×1/);
});

Deno.test("imageGridSvg (png): per-image normalisation, upscaling, escaped captions", () => {
  // Two 2×2 grey images: a ramp and one with a different range; "each" stretches both to 0..255.
  const images = new Float32Array([0, 1, 2, 3, -10, -10, 10, 10]);
  const svg = imageGridSvg({
    images,
    n: 2,
    height: 2,
    width: 2,
    channels: 1,
    scale: 2,
    captions: ["7→2", "a<b"],
    title: "Filters & more",
  });
  balanced(svg);
  assert.ok(svg.includes(">7→2</text>") && svg.includes(">a&lt;b</text>"));
  assert.ok(svg.includes("Filters &amp; more"));
  const [a, b] = pngsIn(svg);
  assert.equal(a.width, 4);
  assert.equal(a.height, 4);
  // Upscaled ×2 nearest-neighbour: row 0 = [0, 0, 85, 85], row 2 = [170, 170, 255, 255].
  assert.deepEqual([...a.pixels], [
    0,
    0,
    85,
    85,
    0,
    0,
    85,
    85,
    170,
    170,
    255,
    255,
    170,
    170,
    255,
    255,
  ]);
  assert.deepEqual([...b.pixels.subarray(0, 4)], [0, 0, 0, 0]);
  assert.deepEqual([...b.pixels.subarray(8, 12)], [255, 255, 255, 255]);
});

Deno.test("imageGridSvg: global and none normalisation, constant and NaN pixels", () => {
  const images = new Float32Array([0, 0.5, 1, 2, 7, 7, NaN, 0.25]);
  // n = 4 images of 1×2: [0, .5] [1, 2] [7, 7] [NaN, .25]
  const all = (normalize: "each" | "global" | "none") =>
    pngsIn(
      imageGridSvg({ images, n: 4, height: 1, width: 2, channels: 1, scale: 1, normalize }),
    ).flatMap((p) => [...p.pixels]);
  assert.deepEqual(all("none"), [0, 128, 255, 255, 255, 255, 0, 64]);
  // Constant images are mid-grey; NaN is black and ignored by the min..max.
  assert.deepEqual(all("each"), [0, 255, 0, 255, 128, 128, 0, 128]);
  // Global range 0..7.
  assert.deepEqual(all("global"), [0, 18, 36, 73, 255, 255, 0, 9]);
});

Deno.test("imageGridSvg (rects): RGB colours and merged runs", () => {
  // One 2×3 RGB image, normalize none: row 0 red red blue, row 1 white ×3.
  const images = new Float32Array([
    1,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
  ]);
  const svg = imageGridSvg({
    images,
    n: 1,
    height: 2,
    width: 3,
    channels: 3,
    scale: 3,
    normalize: "none",
    format: "rects",
  });
  balanced(svg);
  const rects = [
    ...svg.matchAll(
      /<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" fill="(#[0-9a-f]{6})"\/>/g,
    ),
  ]
    .map((m) => m.slice(1).join(" "));
  assert.deepEqual(rects, [
    "0 0 6 3 #ff0000",
    "6 0 3 3 #0000ff",
    "0 3 9 3 #ffffff",
  ]);
});

Deno.test("imageGridSvg: layout (cols, default scale) and input checks", () => {
  const n = 16, h = 5, w = 5;
  const svg = imageGridSvg({
    images: new Float32Array(n * h * w).map((_, i) => Math.sin(i)),
    n,
    height: h,
    width: w,
    channels: 1,
  });
  balanced(svg);
  const imgs = [...svg.matchAll(/<image x="(\d+)" y="(\d+)" width="(\d+)"/g)];
  assert.equal(imgs.length, 16);
  assert.equal(imgs[0][3], "65"); // scale round(64 / 5) = 13 → 65 px
  assert.equal(new Set(imgs.map((m) => m[1])).size, 4); // default 4 columns
  assert.equal(new Set(imgs.map((m) => m[2])).size, 4);
  const base = { images: new Float32Array(4), n: 1, height: 2, width: 2, channels: 1 as const };
  assert.throws(() => imageGridSvg({ ...base, n: 2 }), /4 values, expected .* = 8/);
  assert.throws(() => imageGridSvg({ ...base, captions: ["a", "b"] }), /2 captions for 1 images/);
  assert.throws(() => imageGridSvg({ ...base, channels: 2 as 1 }), /channels must be 1 or 3/);
  assert.throws(() => imageGridSvg({ ...base, scale: 0 }), /scale/);
});
