/**
 * The RDFIA homework's improvements to its CIFAR-10 net (course exercise D), each a switch,
 * and the cumulative ladder the report walks through: base, + normalisation, + augmentation,
 * + LR schedule, + dropout, + batch norm, each with the accuracy the report gives.
 * @module
 */

/** Which improvements a run uses; every one off is the base net. */
export interface Improvements {
  /** Inputs standardised per channel with the training split's mean and std. */
  normalize: boolean;
  /** Random crop (zero padding 4) and horizontal flip of every training batch. */
  augment: boolean;
  /** Exponential learning-rate decay, once per epoch. */
  schedule: boolean;
  /** Dropout 0.5 after FC 1000. */
  dropout: boolean;
  /** Batch normalisation after each convolution. */
  batchnorm: boolean;
  /** ZCA whitening of the inputs (the homework's bonus; not on the ladder). */
  zca: boolean;
}

/** The improvements in ladder order, with their command-line flag and short label. */
export const IMPROVEMENTS: readonly { key: keyof Improvements; label: string; help: string }[] = [
  { key: "normalize", label: "norm", help: "standardise inputs by train-split channel mean/std" },
  { key: "augment", label: "augment", help: "random crop (pad 4) + horizontal flip" },
  { key: "schedule", label: "schedule", help: "exponential LR decay (×0.95 per epoch)" },
  { key: "dropout", label: "dropout", help: "dropout 0.5 after FC 1000" },
  { key: "batchnorm", label: "batchnorm", help: "batch norm after each convolution" },
  { key: "zca", label: "zca", help: "ZCA whitening (5×5 patch filter; bonus, off the ladder)" },
];

/** No improvement: the base net. */
export const BASE: Improvements = {
  normalize: false,
  augment: false,
  schedule: false,
  dropout: false,
  batchnorm: false,
  zca: false,
};

/** One rung of the ladder. */
export interface Variant {
  /** File-system-safe name, e.g. "base", "plus_augment". */
  name: string;
  /** Label for tables and plots, e.g. "+augment". */
  label: string;
  improvements: Improvements;
  /** The report's test accuracy for this rung (none for combinations off the ladder). */
  reported?: number;
  /** How the report states it. */
  reportedText: string;
}

/**
 * The cumulative ladder in the report's order: each rung adds one improvement to the previous
 * rung. The schedule's "+1 %" is taken relative to the augmentation rung (0.80 + 0.01).
 */
export const LADDER: readonly Variant[] = (() => {
  const steps: [keyof Improvements | undefined, number, string][] = [
    [undefined, 0.70, "≈ 70 %"],
    ["normalize", 0.758, "≈ 75.8 %"],
    ["augment", 0.80, "≈ 80 %"],
    ["schedule", 0.81, "≈ +1 % (≈ 81 %)"],
    ["dropout", 0.82, "≈ 82 %"],
    ["batchnorm", 0.85, "≈ 85 %"],
  ];
  let imp = { ...BASE };
  return steps.map(([key, reported, reportedText]) => {
    if (key) imp = { ...imp, [key]: true };
    return {
      name: key ? `plus_${labelOf(key)}` : "base",
      label: key ? `+${labelOf(key)}` : "base",
      improvements: imp,
      reported,
      reportedText,
    };
  });
})();

function labelOf(key: keyof Improvements): string {
  return IMPROVEMENTS.find((i) => i.key === key)!.label;
}

/**
 * The variant a set of flags selects: a ladder rung when the flags equal one (so its reported
 * number applies), otherwise a custom combination named after its flags with no reported number.
 */
export function variantFor(imp: Improvements): Variant {
  const rung = LADDER.find((v) => IMPROVEMENTS.every((i) => v.improvements[i.key] === imp[i.key]));
  if (rung) return rung;
  const on = IMPROVEMENTS.filter((i) => imp[i.key]).map((i) => i.label);
  return {
    name: `base_${on.join("_")}`,
    label: `base + ${on.join(" + ")}`,
    improvements: imp,
    reportedText: "not reported",
  };
}
