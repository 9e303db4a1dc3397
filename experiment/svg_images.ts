/**
 * Image grids as standalone SVG (first-layer filters, misclassified digits), drawn without a
 * canvas or image library: each image is a small PNG embedded as a data URL, or plain `<rect>`s.
 * @module
 */
import { deflateSync } from "node:zlib";
import { escapeXml } from "./svg_plot.ts";

/** Options of {@link imageGridSvg}. */
export interface ImageGridOptions {
  /** `n` images in NHWC order (`n * height * width * channels` values). */
  images: Float32Array | Float64Array;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** One short caption per image, drawn under it (e.g. `"7→2"`). */
  captions?: string[];
  /** Images per row; default `ceil(sqrt(n))`. */
  cols?: number;
  /** Screen pixels per image pixel; default makes an image about 64 px tall. */
  scale?: number;
  /**
   * How values become grey levels: `"each"` stretches every image's own min..max to black..white
   * (filters, whose ranges differ), `"global"` one min..max for all, `"none"` clamps to [0, 1].
   * A constant image comes out mid-grey under `"each"`/`"global"`; NaN counts as black.
   * Default `"each"`.
   */
  normalize?: "each" | "global" | "none";
  /** `"png"` (default: compact) or `"rects"` (one rect per run of equal pixels in a row). */
  format?: "png" | "rects";
  /** Optional heading above the grid. */
  title?: string;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as PNG chunks use it. Example: `crc32(new TextEncoder().encode("IEND"))` → 0xae426082. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes 8-bit grey (`channels` 1) or RGB (`channels` 3) pixels, row-major, as a PNG file.
 * Example: `encodePng(new Uint8Array([0, 255]), 2, 1, 1)` → a 2×1 black-and-white PNG.
 */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3,
): Uint8Array {
  if (pixels.length !== width * height * channels) {
    throw new Error(`encodePng: ${pixels.length} bytes for ${width}×${height}×${channels}`);
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // greyscale or truecolour
  // Every row starts with filter type 0 (none); deflate still compresses the flat backgrounds.
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(deflateSync(raw))),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  let s = "";
  // Chunks keep String.fromCharCode's argument list well under the engine's limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** Maps float images to bytes 0..255 following {@link ImageGridOptions.normalize}. */
function toBytes(
  images: Float32Array | Float64Array,
  n: number,
  size: number,
  mode: "each" | "global" | "none",
): Uint8Array {
  const out = new Uint8Array(n * size);
  const range = (from: number, to: number) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = images[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  };
  const [glo, ghi] = mode === "global" ? range(0, n * size) : [0, 1];
  for (let k = 0; k < n; k++) {
    const [lo, hi] = mode === "each" ? range(k * size, (k + 1) * size) : [glo, ghi];
    const flat = !(hi > lo);
    for (let i = k * size; i < (k + 1) * size; i++) {
      const v = images[i];
      // NaN pixels (a diverged filter, say) show black rather than poisoning the stretch.
      const t = Number.isNaN(v) ? 0 : mode === "none" ? v : flat ? 0.5 : (v - lo) / (hi - lo);
      out[i] = Math.round(Math.min(1, Math.max(0, t)) * 255);
    }
  }
  return out;
}

/** Nearest-neighbour upscaling, so the PNG shows crisp pixels at its displayed size. */
function upscale(px: Uint8Array, h: number, w: number, c: number, s: number): Uint8Array {
  if (s === 1) return px;
  const out = new Uint8Array(h * s * w * s * c);
  const outStride = w * s * c;
  for (let y = 0; y < h; y++) {
    const row = out.subarray(y * s * outStride, (y * s + 1) * outStride);
    for (let x = 0; x < w; x++) {
      for (let r = 0; r < s; r++) {
        for (let ch = 0; ch < c; ch++) row[(x * s + r) * c + ch] = px[(y * w + x) * c + ch];
      }
    }
    for (let r = 1; r < s; r++) out.set(row, (y * s + r) * outStride);
  }
  return out;
}

function hex(px: Uint8Array, i: number, c: number): string {
  const h = (v: number) => v.toString(16).padStart(2, "0");
  return c === 1 ? `#${h(px[i]).repeat(3)}` : `#${h(px[i])}${h(px[i + 1])}${h(px[i + 2])}`;
}

/** `<rect>`s for one image, merging runs of equal colour along each row. */
function rects(px: Uint8Array, h: number, w: number, c: number, s: number): string {
  const out: string[] = [];
  for (let y = 0; y < h; y++) {
    let x = 0;
    while (x < w) {
      const color = hex(px, (y * w + x) * c, c);
      let end = x + 1;
      while (end < w && hex(px, (y * w + end) * c, c) === color) end++;
      out.push(
        `<rect x="${x * s}" y="${y * s}" width="${(end - x) * s}" height="${s}" fill="${color}"/>`,
      );
      x = end;
    }
  }
  return out.join("");
}

function positiveInt(what: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) {
    throw new Error(`imageGridSvg: ${what} must be a positive integer, got ${v}`);
  }
  return v;
}

/**
 * A grid of small images as one standalone SVG, optionally captioned, e.g. the 16 first-layer
 * filters or the first misclassified test digits.
 * Example: `imageGridSvg({ images: w, n: 16, height: 5, width: 5, channels: 1, cols: 8 })`.
 */
export function imageGridSvg(o: ImageGridOptions): string {
  const n = positiveInt("n", o.n), h = positiveInt("height", o.height);
  const w = positiveInt("width", o.width), c = o.channels;
  if (c !== 1 && c !== 3) throw new Error(`imageGridSvg: channels must be 1 or 3, got ${c}`);
  const size = h * w * c;
  if (o.images.length !== n * size) {
    throw new Error(
      `imageGridSvg: ${o.images.length} values, expected n·height·width·channels = ${n * size}`,
    );
  }
  if (o.captions && o.captions.length !== n) {
    throw new Error(`imageGridSvg: ${o.captions.length} captions for ${n} images`);
  }
  const cols = positiveInt("cols", o.cols ?? Math.ceil(Math.sqrt(n)));
  const s = positiveInt("scale", o.scale ?? Math.max(1, Math.round(64 / Math.max(h, w))));
  const format = o.format ?? "png";
  const px = toBytes(o.images, n, size, o.normalize ?? "each");

  const gap = 6, capH = o.captions ? 14 : 0, titleH = o.title ? 22 : 0;
  const cw = w * s, ch = h * s;
  // Columns widen for long captions (about 6 px a character at font size 10).
  const capW = o.captions ? Math.max(...o.captions.map((t) => t.length * 6)) : 0;
  const pitchX = Math.max(cw, capW) + gap, pitchY = ch + capH + gap;
  const rows = Math.ceil(n / cols);
  const totalW = Math.min(n, cols) * pitchX + gap;
  const totalH = titleH + rows * pitchY + gap;

  const body: string[] = [];
  if (o.title) {
    body.push(
      `<text x="${totalW / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">` +
        `${escapeXml(o.title)}</text>`,
    );
  }
  for (let k = 0; k < n; k++) {
    const x = gap + (k % cols) * pitchX + Math.floor((pitchX - gap - cw) / 2);
    const y = titleH + gap + Math.floor(k / cols) * pitchY;
    const img = px.subarray(k * size, (k + 1) * size);
    if (format === "png") {
      const png = encodePng(upscale(img, h, w, c, s), w * s, h * s, c);
      body.push(
        `<image x="${x}" y="${y}" width="${cw}" height="${ch}" style="image-rendering:pixelated" ` +
          `href="data:image/png;base64,${base64(png)}"/>`,
      );
    } else {
      body.push(`<g transform="translate(${x},${y})">${rects(img, h, w, c, s)}</g>`);
    }
    if (o.captions) {
      body.push(
        `<text x="${x + cw / 2}" y="${y + ch + 11}" text-anchor="middle" font-size="10">` +
          `${escapeXml(o.captions[k])}</text>`,
      );
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${totalW}" height="${totalH}" ` +
    `viewBox="0 0 ${totalW} ${totalH}" font-family="sans-serif" shape-rendering="crispEdges">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${body.join("\n")}\n</svg>\n`;
}
