import type { DType, TypedArray } from "./dtype.ts";
import type { Tensor } from "./tensor_core.ts";

/** Shape and dtype of an op input or output, as the shape rule sees them. */
export interface TensorInfo {
  /** Dimensions, outermost first. */
  shape: number[];
  /** Element type. */
  dtype: DType;
}

/** An input of a CPU kernel: its host data and shape. */
export interface CpuInput {
  /** The input's elements, row-major. */
  data: TypedArray;
  /** The input's shape. */
  shape: number[];
}

/** What a gradient function is given: the op's inputs, its output and its attributes. */
export interface GradContext<A> {
  /** The op's inputs, in call order. */
  inputs: Tensor[];
  /** The op's output (its forward result). */
  output: Tensor;
  /** The attributes the op was called with. */
  attrs: A;
}

/**
 * One input's gradient: a tensor, `null` when there is none, or a function that computes it,
 * which autograd calls only when that input requires a gradient (conv2d's input gradient is
 * as costly as its forward pass, and a network's first layer never needs it).
 */
export type GradResult = Tensor | null | (() => Tensor) | GradShare;

/**
 * Pieces of one input whose gradients are best combined in one op (split's pieces: one concat
 * of their gradients, instead of a full-size scatter per piece summed). `combine` gets every
 * piece's dy in piece order, `undefined` for a piece that got none (at least one is present).
 */
export interface GradGroup {
  /** How many pieces the group has. */
  count: number;
  /** The input's gradient from the pieces' gradients. */
  combine(dys: (Tensor | undefined)[]): Tensor;
}

/**
 * A piece's share of its input's gradient: autograd holds the shares of one {@link GradGroup}
 * until that input's gradient is due (all its consumers done), then calls `combine` once.
 * Example (a piece op's grad): `[new GradShare(attrs.group, attrs.index, dy)]`.
 */
export class GradShare {
  /** `dy` is the gradient of piece `index` of `group`. */
  constructor(readonly group: GradGroup, readonly index: number, readonly dy: Tensor) {}
}

/**
 * The in-place inputs of one call, from its attributes and input count. Declared as a method
 * (bivariant in `attrs`), so an `OpDef<Specific>` still passes where an `OpDef<unknown>` goes.
 */
export type MutatesFn<A> = { of(attrs: A, inputCount: number): number[] }["of"];

/** How the registry-driven tests build inputs for one case of an op. */
export interface OpTestCase<A = unknown> {
  /** Label shown in test output. */
  name: string;
  /**
   * Input shapes; an `int` entry makes an int32 input with values in [0, int), and `index`
   * marks such an input as indices the op must refuse outside that range (the out-of-range
   * tests plant some).
   */
  inputs: ({
    shape: number[];
    int?: number;
    index?: boolean;
    positive?: boolean;
    distinct?: boolean;
  })[];
  /** Attributes passed to the op in this case. */
  attrs: A;
}

/**
 * The one definition of an op: name, shape rule, CPU reference kernel, gradient and test cases.
 * Defining it with {@link defineOp} makes it known to autograd and the registry tests; backends
 * add their own kernels for it with `registerKernel` (kernels/kernel_registry.ts), and the CPU
 * runs `cpu` where no faster kernel is registered.
 */
export interface OpDef<A = unknown> {
  /** Unique op name; kernels are registered and looked up by it. */
  name: string;
  /** Output shape and dtype from the inputs; throws a clear error on bad shapes. */
  infer(inputs: TensorInfo[], attrs: A): TensorInfo;
  /** The plain, obviously-correct CPU kernel: fills `out` (zeroed) from `inputs`. */
  cpu(inputs: CpuInput[], attrs: A, out: TypedArray, outShape: number[]): void;
  /**
   * Gradients with respect to each input, written with other ops; `null` for inputs without
   * one (int indices, masks). Absent for ops that are not differentiable.
   */
  grad?(dy: Tensor, ctx: GradContext<A>): GradResult[];
  /**
   * For ops that only exist to compute another op's gradient (conv2d's backprop kernels): the
   * name of that op; its gradient check covers them.
   */
  gradOf?: string;
  /** Why an op has neither `grad` nor `gradOf` (argmax, oneHot: piecewise constant). */
  noGradReason?: string;
  /**
   * Inputs the kernel also updates in place (optimiser state owned by one caller). `runOp`
   * refuses a shared tensor here, and the parity tests compare these inputs after the op too.
   * A function when they depend on the call (optimizerStepGroup: every parameter and state of
   * the group); read it through {@link mutatedInputs}.
   */
  mutates?: number[] | MutatesFn<A>;
  /** Input indices that are differentiable (default: all float inputs). */
  diffInputs?: number[];
  /** Cases the registry tests run: gradient check and backend parity. */
  tests: OpTestCase<A>[];
}

const registry = new Map<string, OpDef<never>>();

/** Registers an op once; a second definition with the same name is a bug. */
export function defineOp<A>(def: OpDef<A>): OpDef<A> {
  if (registry.has(def.name)) throw new Error(`op "${def.name}" is registered twice`);
  if (!def.grad && !def.gradOf && !def.noGradReason) {
    throw new Error(`op "${def.name}" needs grad, gradOf or noGradReason`);
  }
  registry.set(def.name, def as unknown as OpDef<never>);
  return def;
}

/** The inputs `def` updates in place for this call. Example: `mutatedInputs(op, attrs, 4)`. */
export function mutatedInputs<A>(def: OpDef<A>, attrs: A, inputCount: number): number[] {
  const m = def.mutates;
  return typeof m === "function" ? m(attrs, inputCount) : m ?? [];
}

/** Every registered op, in registration order. */
export function registeredOps(): OpDef<unknown>[] {
  return [...registry.values()] as unknown as OpDef<unknown>[];
}

/** Looks an op up by name. */
export function getOp(name: string): OpDef<unknown> | undefined {
  return registry.get(name) as unknown as OpDef<unknown> | undefined;
}
