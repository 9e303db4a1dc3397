/**
 * The contract between a task and `deno task reproduce` (each task module exports a
 * `reproduction` that runs its quick version and returns one row per checked number); the types
 * live in experiment/record.ts.
 * @module
 */
export type {
  Reproduction,
  ReproductionRow,
  ReproductionStatus,
  RunOptions,
} from "../experiment/record.ts";
