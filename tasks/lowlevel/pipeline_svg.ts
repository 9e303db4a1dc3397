/**
 * The picture `deno task lowlevel` draws: a digit pushed through the low-level functions
 * (convolution with a small edge-filter stack, ReLU, max pooling, normalisation), each stage's
 * feature maps as a row of small heat maps.
 * @module
 */
import { stackSvg } from "../../experiment/svg_stack.ts";
import { imageGridSvg } from "../../experiment/svg_images.ts";
import {
  convolve,
  type FilterStack,
  fullyConnected,
  type Maps,
  mapsShape,
  maxPool,
  normalizeMaps,
  relu,
  softmax,
} from "./functions.ts";

/** One stage of the demo pipeline and its output maps. */
export interface Stage {
  name: string;
  maps: Maps;
}

/** Hand-made 3×3 filters whose responses are easy to recognise: edges in three directions. */
export const EDGE_FILTERS: FilterStack = [
  [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], // vertical edges (Sobel x)
  [[-1, -2, -1], [0, 0, 0], [1, 2, 1]], // horizontal edges (Sobel y)
  [[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], // diagonal edges
].map((f) => f.map((row) => row.map((v) => [v])));

/**
 * Runs an image through convolve → relu → maxPool(F=2, S=2) → normalizeMaps, then a fully
 * connected layer with fixed pseudo-random weights and softmax (untrained: the point is the
 * shapes, not the prediction).
 */
export function demoPipeline(image: Maps): { stages: Stage[]; probabilities: number[] } {
  const conv = convolve(image, EDGE_FILTERS);
  const rectified = relu(conv);
  const pooled = maxPool(rectified, 2, 2);
  const normalised = normalizeMaps(pooled);
  const n = normalised.flat(2).length;
  // A fixed formula, not a generator, so the picture never depends on a seed.
  const weights = Array.from(
    { length: n },
    (_, i) => Array.from({ length: 10 }, (_, j) => 0.05 * Math.sin(1 + i * 7 + j * 13)),
  );
  const scores = fullyConnected(normalised, weights, new Array(10).fill(0));
  return {
    stages: [
      { name: "input", maps: image },
      { name: "convolve (3 edge filters, same padding)", maps: conv },
      { name: "relu", maps: rectified },
      { name: "maxPool F=2 S=2", maps: pooled },
      { name: "normalizeMaps (mean 0, std 1)", maps: normalised },
    ],
    probabilities: softmax(scores),
  };
}

/** Channel-major copy (one image per feature map) for the image grid. */
function perChannel(maps: Maps): { images: Float64Array; n: number; h: number; w: number } {
  const [h, w, c] = mapsShape(maps);
  const images = new Float64Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    for (let r = 0; r < h; r++) {
      for (let q = 0; q < w; q++) images[(ch * h + r) * w + q] = maps[r][q][ch];
    }
  }
  return { images, n: c, h, w };
}

/** One SVG with a labelled row of heat maps per stage, stacked top to bottom. */
export function pipelineSvg(stages: Stage[], title: string): string {
  return stackSvg(
    title,
    stages.map((s) => {
      const { images, n, h, w } = perChannel(s.maps);
      const svg = imageGridSvg({
        images,
        n,
        height: h,
        width: w,
        channels: 1,
        cols: n,
        scale: Math.max(1, Math.round(84 / Math.max(h, w))),
        captions: Array.from({ length: n }, (_, k) => `map ${k}`),
      });
      return { label: `${s.name}: ${h}×${w}×${n}`, svg };
    }),
  );
}
