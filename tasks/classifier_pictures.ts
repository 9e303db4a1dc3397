/**
 * The pictures the MATLAB assignment asks of its starters: the first convolution's filters and a
 * few misclassified test images captioned "true → predicted", as standalone SVG grids.
 * @module
 */
import type { Layer } from "../layers/layer.ts";
import { Conv2D } from "../layers/conv2d.ts";
import { imageGridSvg } from "../experiment/svg_images.ts";
import type { ExtrasContext } from "./common.ts";

/** How many misclassified test images to draw (the first ones in test order). */
const MISTAKES = 16;

/** `filters.svg` (first conv layer) and `misclassified.svg`, for a ClassificationTask's `extras`. */
export async function filterAndMistakePictures(
  model: Layer,
  { test, predictions }: ExtrasContext,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const conv = model.children().find((l): l is Conv2D => l instanceof Conv2D);
  if (conv?.params) {
    const [kh, kw, cin, cout] = conv.params.kernel.shape;
    const w = await conv.params.kernel.data();
    // [KH,KW,Cin,Cout] → one KH×KW×Cin image per output channel.
    const images = new Float32Array(cout * kh * kw * cin);
    for (let o = 0; o < cout; o++) {
      for (let p = 0; p < kh * kw * cin; p++) images[o * kh * kw * cin + p] = w[p * cout + o];
    }
    if (cin === 1 || cin === 3) {
      files["filters.svg"] = imageGridSvg({
        images,
        n: cout,
        height: kh,
        width: kw,
        channels: cin,
        cols: Math.min(cout, 8),
        scale: 12,
        title: `first-layer filters (${kh}×${kw}, each stretched to its own range)`,
      });
    }
  }
  const labels = test.y instanceof Int32Array ? test.y : Int32Array.from(await test.y.data());
  const wrong: number[] = [];
  for (let i = 0; i < predictions.length && wrong.length < MISTAKES; i++) {
    if (predictions[i] !== labels[i]) wrong.push(i);
  }
  const [, h, w, c] = test.x.shape;
  if (wrong.length > 0 && (c === 1 || c === 3)) {
    const x = await test.x.data();
    const size = h * w * c;
    const images = new Float32Array(wrong.length * size);
    wrong.forEach((i, k) => images.set(x.subarray(i * size, (i + 1) * size), k * size));
    const name = (k: number) => test.classNames?.[k] ?? String(k);
    files["misclassified.svg"] = imageGridSvg({
      images,
      n: wrong.length,
      height: h,
      width: w,
      channels: c,
      cols: 8,
      captions: wrong.map((i) => `${name(labels[i])}→${name(predictions[i])}`),
      normalize: "each",
      title: `first ${wrong.length} misclassified test images (true → predicted)`,
    });
  }
  return files;
}
