/**
 * "Opinion arcs": a seeded synthetic language for text classification where word order decides
 * the class, so a bag-of-words model cannot solve it. Each text is 24–48 words (ids) of filler
 * drawn from a Zipf law over 966 words; each third of the text holds one opinion word, positive
 * (one of 16 ids) or negative (16 other ids), which half the time directly follows the word
 * "not" (id 33) that flips its sign. The label is the arc, the three signs in reading order as 3
 * bits (positive → 0): 8 classes, e.g. "+ − +" is 0b010 = 2.
 *
 * Why it is a fair test of a sequence model: the bag of words gives only how many opinion words
 * are negative and how many "not"s there are; synonyms, fillers and length are drawn
 * independently of where the words stand, so every order of those opinion words and every choice
 * of which of them is negated is equally likely given the bag. The best any bag-of-words
 * classifier can then do is 24/64 = 0.375 test accuracy (enumerating the 64 sign and negation
 * patterns), against 0.125 for chance. A recurrent layer whose recurrence is broken (each step
 * sees only its own word) followed by global pooling is such a bag-of-words model.
 *
 * Texts are padded at the front with id 0 to 48 ids (Keras' `pad_sequences` default, "pre").
 * The generator uses only the toolkit's {@link Rng} and float64 sums and divisions, so
 * tasks/peers/text_classify_torch.py reproduces the same texts id for id.
 * @module
 */
import { Rng } from "../kernels/random.ts";
import { tensor } from "../kernels/tensor.ts";
import type { Dataset } from "./dataset.ts";

/** The vocabulary and lengths of the language. */
export const ARCS = {
  /** Ids 0 (padding) to 999. */
  vocabulary: 1000,
  /** Ids 1–16 are positive opinion words, 17–32 negative ones. */
  opinionWords: 16,
  /** "not": flips the sign of the opinion word right after it. */
  not: 33,
  /** Filler words are ids 34–999. */
  firstFiller: 34,
  minLength: 24,
  /** Every text is padded to this many ids. */
  maxLength: 48,
  /** 2³ arcs. */
  classes: 8,
} as const;

/** Class names: the arc's signs in reading order, e.g. "+-+". */
export const ARC_NAMES: string[] = Array.from(
  { length: ARCS.classes },
  (_, c) => [4, 2, 1].map((bit) => (c & bit ? "-" : "+")).join(""),
);

/** A split of {@link opinionArcs}: x [n, 48] int32 ids, y the arcs. */
export interface ArcSplit extends Dataset {
  y: Int32Array;
  classNames: string[];
}

/** Options of {@link opinionArcs}. */
export interface OpinionArcsOptions {
  /** Training texts (default 10 000). */
  train?: number;
  /** Test texts (default 4 000). */
  test?: number;
  /**
   * Seed of the language (default 1): the training texts come from `Rng(2·seed)`, the test texts
   * from `Rng(2·seed + 1)`, so a shorter training set is a prefix of a longer one and the test
   * set does not depend on it.
   */
  seed?: number;
}

/** Cumulative Zipf (1/rank) weights of the filler words, normalised so the last is 1. */
function fillerCdf(): Float64Array {
  const n = ARCS.vocabulary - ARCS.firstFiller;
  const cdf = new Float64Array(n);
  let s = 0;
  for (let r = 0; r < n; r++) cdf[r] = s += 1 / (r + 1);
  for (let r = 0; r < n; r++) cdf[r] /= s;
  return cdf;
}

/** The first index whose cumulative weight exceeds u (binary search). */
function drawFrom(cdf: Float64Array, u: number): number {
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * `n` texts drawn from `rng` as padded ids [n·48] and their arcs. The draw order (length, fillers,
 * then per third the opinion word's position, whether it is negated, its sign and the word) is
 * the contract the PyTorch twin follows.
 */
export function arcTexts(rng: Rng, n: number): { ids: Int32Array; labels: Int32Array } {
  const T = ARCS.maxLength, cdf = fillerCdf();
  const ids = new Int32Array(n * T), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const len = ARCS.minLength + rng.int(T - ARCS.minLength + 1);
    const text = new Int32Array(len);
    for (let j = 0; j < len; j++) text[j] = ARCS.firstFiller + drawFrom(cdf, rng.uniform());
    let label = 0;
    for (let k = 0; k < 3; k++) {
      const start = Math.floor((k * len) / 3), end = Math.floor(((k + 1) * len) / 3);
      // Not the third's first word: "not" goes right before it, in the same third.
      const pos = start + 1 + rng.int(end - start - 1);
      const negated = rng.int(2), negative = rng.int(2);
      if (negated) text[pos - 1] = ARCS.not;
      text[pos] = 1 + negative * ARCS.opinionWords + rng.int(ARCS.opinionWords);
      label = label * 2 + (negative ^ negated);
    }
    ids.set(text, i * T + T - len);
    labels[i] = label;
  }
  return { ids, labels };
}

/**
 * The opinion-arcs set: training then test texts from one seeded stream. Example:
 * `const { train, test } = opinionArcs({ train: 2000, test: 500 });` (train.x is [2000, 48]).
 */
export function opinionArcs(
  opts: OpinionArcsOptions = {},
): { train: ArcSplit; test: ArcSplit; source: string } {
  const nTrain = opts.train ?? 10000, nTest = opts.test ?? 4000, seed = opts.seed ?? 1;
  for (const [name, v] of [["train", nTrain], ["test", nTest], ["seed", seed]] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new Error(`opinionArcs: ${name} must be a whole number ≥ 0, got ${v}`);
    }
  }
  const split = (n: number, stream: number): ArcSplit => {
    const { ids, labels } = arcTexts(new Rng(stream), n);
    return { x: tensor(ids, [n, ARCS.maxLength]), y: labels, classNames: ARC_NAMES };
  };
  const train = split(nTrain, 2 * seed);
  const test = split(nTest, 2 * seed + 1);
  return {
    train,
    test,
    source: `opinion arcs (generated, seed ${seed}: ${nTrain} train, ${nTest} test texts)`,
  };
}
