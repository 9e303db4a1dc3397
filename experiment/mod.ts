/**
 * What tasks share: the typed flag schema, `startRun` (flags, results folder, device, seed,
 * clock, command line, `record`/`write`/`finish`), run records, reproduction checks, and the
 * results writers and plots. docs/ARCHITECTURE.md ("Add a task") shows them in use.
 * @module
 */
export {
  type FlagSchema,
  type FlagSpec,
  type FlagValues,
  HelpRequest,
  parseFlags,
  UsageError,
  usageText,
  validValues,
} from "./flags.ts";
export {
  COMMON_FLAGS,
  prepareOutDir,
  type Run,
  type RunFiles,
  type RunSpec,
  type StartedRun,
  startRun,
  type TaskFlags,
  taskFlags,
} from "./run.ts";
export { cliFlags, runMain, usageExit } from "./main.ts";
export { TaskError } from "./errors.ts";
export type {
  Reproduction,
  ReproductionRow,
  ReproductionStatus,
  RunBody,
  RunHeader,
  RunOptions,
  RunRecord,
} from "./record.ts";
export {
  atLeast,
  below,
  checkRow,
  dataAbsentRow,
  near,
  onStandIn,
  type RowContext,
  rowContext,
  taskCommand,
} from "./checks.ts";
export { type HistorySummary, historySummary } from "./summary.ts";
export {
  confusionCsv,
  csvTable,
  historyCsv,
  type Results,
  toJson,
  writeResults,
} from "./results.ts";
export { type RecordColumn, recordsCsv } from "./records_csv.ts";
export { markdownCell, markdownTable } from "./markdown.ts";
export { MANIFEST, type Manifest, readManifest, writeResultSet } from "./result_set.ts";
export {
  parseShard,
  resolveShard,
  type Shard,
  type ShardChoice,
  shardIndices,
  slurmShard,
} from "./shards.ts";
export {
  bestBy,
  type DuplicateTrial,
  findTrials,
  type GridPoint,
  gridProduct,
  type GridSpec,
  indexRanges,
  mergeProblems,
  readTrialFile,
  runTrials,
  sameFields,
  type SettingsMatch,
  type ShardReport,
  type TrialHead,
  trialPath,
  type TrialsFound,
} from "./trials.ts";
export { curvesSvg, epochSeries, lineChartSvg, type Series } from "./svg_plot.ts";
export {
  type BoundaryOptions,
  decisionBoundarySvg,
  gridPoints,
  type LabelledPoints,
} from "./svg_boundary.ts";
export { encodePng, imageGridSvg } from "./svg_images.ts";
export { sideBySideSvg, stackSvg, type SvgPanel } from "./svg_stack.ts";
