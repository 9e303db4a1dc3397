import { add, matmul, reverse, slice, split, stack, where } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import { type Tensor, tensor, variable } from "../kernels/tensor.ts";
import { type ActivationName, checkActivationName } from "./activations.ts";
import { initialize, type InitializerName } from "./initializers.ts";
import { type CallContext, Layer, type NamedTensor } from "./module.ts";
import { type NodeOutputs, type Shape, singleShape } from "./layer.ts";
import type { CallOptions, ResolvedOptions } from "./symbolic.ts";
import {
  type CellStep,
  type CellWeights,
  gruStep,
  lstmFusedScan,
  lstmStep,
  simpleStep,
} from "./recurrent_cells.ts";
import { checkOptions } from "./validate.ts";
import { checkSequenceMask, type Mask, stepMasks } from "./mask.ts";
import { cachedScalar } from "../kernels/ops/cached_scalar.ts";

/**
 * Recurrent layers on [batch, time, features], as in Keras: `simpleRNN`, `lstm`, `gru`. Each is
 * a loop over time of ops (one input matmul for all steps, then per step a recurrent matmul and
 * the gates), so autograd gives the gradient and on WebGPU the loop is recorded on the device
 * with no readback. With a mask (layers/mask.ts) a skipped step keeps the states and repeats
 * the previous output (zeros before the first kept step), as Keras 3's backend `rnn` does.
 * @module
 */

/** Options shared by every recurrent layer (Keras names and defaults). */
export interface RecurrentOptions {
  units: number;
  /** Activation of the candidate and output (default "tanh"). */
  activation?: ActivationName;
  /** Output every step's h, [batch, time, units], instead of the last h [batch, units]. */
  returnSequences?: boolean;
  /**
   * Keras' flag for [output, ...states] outputs. On a symbolic input `apply` returns the output,
   * which destructures into the list (`const [seq, h, c] = lstm.apply(x)` in a functional
   * Model); on tensors call `applyWithState(x)`, which always returns the list.
   */
  returnState?: boolean;
  /** Read the sequence last step first; the returned sequence is in that reversed order. */
  goBackwards?: boolean;
  /**
   * With a mask, a skipped step outputs zeros instead of the previous output (Keras'
   * zero_output_for_mask; default false; `bidirectional` sets it to `returnSequences`).
   */
  zeroOutputForMask?: boolean;
  kernelInitializer?: InitializerName;
  /** Default "orthogonal", as Keras. */
  recurrentInitializer?: InitializerName;
  biasInitializer?: InitializerName;
  inputShape?: number[];
}

/** Options of {@link LSTM}. */
export interface LSTMOptions extends RecurrentOptions {
  /** Activation of the gates (default "sigmoid"). */
  recurrentActivation?: ActivationName;
  /** Add 1 to the forget gate's bias at initialisation (default true, as Keras). */
  unitForgetBias?: boolean;
}

/** Options of {@link GRU}. */
export interface GRUOptions extends RecurrentOptions {
  /** Activation of the gates (default "sigmoid"). */
  recurrentActivation?: ActivationName;
  /** Reset gate applied after the recurrent matmul (Keras 2/3 default); only true is supported. */
  resetAfter?: boolean;
}

/** Options of {@link RecurrentLayer.applyWithState}. */
export interface StateCallOptions {
  /** The states to start from ([h] or, for LSTM, [h, c]; each [batch, units]); zeros if absent. */
  initialState?: Tensor[];
  /** [batch, time]: 0 at steps to skip (layers/mask.ts). */
  mask?: Tensor;
  training?: boolean;
}

/** A recurrent layer's weights: Keras' kernel, recurrent_kernel and bias. */
export interface RecurrentWeights {
  /** [features, gates·units]. */
  kernel: Tensor;
  /** [units, gates·units]. */
  recurrentKernel: Tensor;
  /** [gates·units], or [2, 3·units] for a GRU (input bias row, recurrent bias row). */
  bias: Tensor;
}

/** The shared time loop of {@link SimpleRNN}, {@link LSTM} and {@link GRU}. */
export abstract class RecurrentLayer extends Layer {
  /** Created by `build`. */
  params?: RecurrentWeights;
  /** Keras' class name, which model files store. */
  abstract readonly className: string;
  protected abstract readonly gates: number;
  /** How many states the cell carries: 1 ([h]), 2 for an LSTM ([h, c]). */
  abstract readonly stateCount: number;
  protected abstract readonly step: CellStep;
  /** Skipped steps output zeros (the option; `bidirectional` sets it as Keras does). */
  zeroOutputForMask: boolean;

  constructor(
    kind: string,
    readonly opts: RecurrentOptions & { recurrentActivation?: string },
  ) {
    super(kind, opts.inputShape);
    checkOptions(kind, { units: [opts.units, "int≥1", "required"] });
    const z = opts.zeroOutputForMask;
    if (z !== undefined && typeof z !== "boolean") {
      throw new Error(`${kind}: zeroOutputForMask must be true or false, got ${JSON.stringify(z)}`);
    }
    this.zeroOutputForMask = z ?? false;
    for (const key of ["activation", "recurrentActivation"] as const) {
      checkActivationName(kind, key, opts[key]);
    }
  }

  outputShape(shape: number[] | number[][]): number[] {
    const s = singleShape(this.name, shape);
    if (s.length !== 2) {
      throw new Error(
        `${this.name}: expects [time, features] input (batch excluded), got ${fmtShape(s)}`,
      );
    }
    return this.opts.returnSequences ? [s[0], this.opts.units] : [this.opts.units];
  }

  /** A graph call takes Keras' `initialState`: [h] (LSTM: [h, c]), each [units]. */
  override get callOptionNames(): readonly string[] {
    return ["initialState"];
  }

  /** The output's shape, then with `returnState` one [units] per state. */
  override nodeOutputShapes(shape: Shape, options: CallOptions): number[][] {
    const out = this.outputShape(shape);
    const init = options.initialState;
    if (init !== undefined) {
      const list = Array.isArray(init) ? init : [init];
      const ok = list.length === this.stateCount &&
        list.every((t) =>
          typeof t === "object" && !Array.isArray(t) && fmtShape(t.shape) === `[${this.opts.units}]`
        );
      if (!ok) {
        const got = list.map((t) =>
          typeof t === "object" && !Array.isArray(t) ? `[batch,${t.shape.join(",")}]` : String(t)
        );
        throw new Error(
          `${this.name}: initialState must be ${this.stateCount} symbolic tensors of ` +
            `[batch,${this.opts.units}], got ${got.join(", ") || "none"}`,
        );
      }
    }
    if (!this.opts.returnState) return [out];
    return [out, ...Array.from({ length: this.stateCount }, () => [this.opts.units])];
  }

  /** A graph node: `[output, ...states]` with returnState, from its `initialState` if given. */
  protected override callNode(x: Tensor, ctx: CallContext, options: ResolvedOptions): NodeOutputs {
    const init = options.initialState as Tensor[] | undefined;
    const mask = ctx.mask === undefined ? undefined : checkSequenceMask(this.name, ctx.mask, x);
    const outs = this.runWith(x, this.params!, init, mask);
    const out = this.opts.returnState ? outs : outs.slice(0, 1);
    return { outputs: out, masks: out.map((_, i) => i ? undefined : this.computeMask(x, mask)) };
  }

  /** The initial bias values (LSTM sets the forget gate's to 1). */
  protected biasValues(rng: Rng): Tensor {
    return initialize(this.opts.biasInitializer ?? "zeros", [this.gates * this.opts.units], rng);
  }

  override build(shape: number[] | number[][], rng: Rng): void {
    const s = singleShape(this.name, shape);
    if (s.length !== 2) this.outputShape(s);
    const u = this.opts.units, g = this.gates * u;
    const kernel = initialize(this.opts.kernelInitializer ?? "glorotUniform", [s[1], g], rng);
    const rec = initialize(this.opts.recurrentInitializer ?? "orthogonal", [u, g], rng);
    this.params = {
      kernel: variable(kernel, `${this.name}/kernel`),
      recurrentKernel: variable(rec, `${this.name}/recurrent_kernel`),
      bias: variable(this.biasValues(rng), `${this.name}/bias`),
    };
    this.built = true;
  }

  /** Takes a [batch, time] mask: skipped steps keep the state. */
  override get supportsMasking(): boolean {
    return true;
  }

  /** The input's mask with `returnSequences` (as Keras, even with goBackwards), else none. */
  override computeMask(_x: Tensor | Tensor[], mask?: Mask): Tensor | undefined {
    return this.opts.returnSequences && !Array.isArray(mask) ? mask : undefined;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    this.outputShape(x.shape.slice(1));
    if (this.opts.returnState) {
      throw new Error(
        `${this.name}: returnState gives [output, ...states], and apply() on tensors returns ` +
          `one tensor; call applyWithState(x) for the list, or apply it to a symbolic input`,
      );
    }
    const mask = ctx.mask === undefined ? undefined : checkSequenceMask(this.name, ctx.mask, x);
    return this.runWith(x, this.params!, undefined, mask)[0];
  }

  /**
   * Runs the layer and returns `[output, ...finalStates]` (Keras' `returnState` list: LSTM
   * gives [output, h, c]), optionally from `initialState` and with a `mask`. Example:
   * `const [seq, h, c] = lstm.applyWithState(x, { initialState: [h0, c0] });`
   */
  applyWithState(x: Tensor, opts: StateCallOptions = {}): Tensor[] {
    this.ensureBuilt(x.shape.slice(1));
    const mask = opts.mask === undefined ? undefined : checkSequenceMask(this.name, opts.mask, x);
    return this.runWith(x, this.params!, opts.initialState, mask);
  }

  /**
   * The recurrence with explicit weights (what `apply` runs with the layer's own): returns
   * `[output, ...finalStates]`. Used to check the gradient with float64 weights.
   */
  runWith(x: Tensor, w: RecurrentWeights, initialState?: Tensor[], mask?: Tensor): Tensor[] {
    if (x.rank !== 3) {
      throw new Error(`${this.name}: expects [batch, time, features], got ${fmtShape(x.shape)}`);
    }
    const [b, t, f] = x.shape;
    const u = this.opts.units, g = this.gates * u;
    if (t === 0) throw new Error(`${this.name}: the sequence has no time steps`);
    if (initialState) this.#checkState(initialState, b);
    const { inputBias, recurrentBias } = this.splitBias(w.bias);
    const seq = this.opts.goBackwards ? reverse(x, 1) : x;
    const xw = add(matmul(seq.reshape([b * t, f]), w.kernel), inputBias).reshape([b, t, g]);
    const cell = {
      recurrentKernel: w.recurrentKernel,
      recurrentBias,
      activation: this.opts.activation ?? "tanh",
      recurrentActivation: (this.opts.recurrentActivation ?? "sigmoid") as ActivationName,
    };
    const keep = mask && stepMasks(checkSequenceMask(this.name, mask, x), !!this.opts.goBackwards);
    const steps = split(xw, t, 1).map((xt) => xt.reshape([b, g]));
    const { hs, last, state } = this.scan(steps, initialState, cell, keep);
    const out = this.opts.returnSequences ? stack(hs, 1) : last;
    return [out, ...state];
  }

  /**
   * Runs the cell over the steps' projected inputs (skipping the steps `keep` masks out):
   * every step's output (when returnSequences), the last output and the final states.
   */
  protected scan(
    steps: Tensor[],
    initialState: Tensor[] | undefined,
    cell: CellWeights,
    keep: Tensor[] | undefined,
  ): { hs: Tensor[]; last: Tensor; state: Tensor[] } {
    let state = initialState;
    let last: Tensor | undefined; // the output of the step before (masked runs only)
    const hs: Tensor[] = [];
    steps.forEach((xt, i) => {
      const next = this.step(xt, state, cell);
      if (keep) {
        // A skipped step keeps every state; zeros stand for a zero initial state.
        const prev = state;
        // Kept zeros: a new scalar per step would be an upload per step on WebGPU.
        const zero = cachedScalar(0, next[0].dtype);
        state = next.map((s, k) => where(keep[i], s, prev ? prev[k] : zero));
        last = where(keep[i], next[0], this.zeroOutputForMask ? zero : last ?? zero);
      } else {
        state = next;
        last = next[0];
      }
      if (this.opts.returnSequences) hs.push(last);
    });
    return { hs, last: last!, state: state! };
  }

  /** The bias added to x·W, and the one added to h·U (GRU only). */
  protected splitBias(bias: Tensor): { inputBias: Tensor; recurrentBias?: Tensor } {
    return { inputBias: bias };
  }

  #checkState(s: Tensor[], batch: number): void {
    const want = `${this.stateCount} tensors of [${batch}, ${this.opts.units}]`;
    if (
      s.length !== this.stateCount ||
      s.some((t) => fmtShape(t.shape) !== `[${batch},${this.opts.units}]`)
    ) {
      throw new Error(
        `${this.name}: initialState must be ${want}, got ${
          s.map((t) => fmtShape(t.shape)).join(", ") || "none"
        }`,
      );
    }
  }

  override weights(): NamedTensor[] {
    if (!this.params) return [];
    return [this.params.kernel, this.params.recurrentKernel, this.params.bias].map((t) => ({
      name: t.name!,
      tensor: t,
      trainable: true,
    }));
  }

  /** The options that rebuild this layer (model files). */
  getConfig(): RecurrentOptions {
    return structuredClone(this.opts);
  }
}

/** Fully connected recurrence h = act(x·W + h·U + b). Example: `layers.simpleRNN({ units: 32 })`. */
export class SimpleRNN extends RecurrentLayer {
  readonly className = "SimpleRNN";
  protected readonly gates = 1;
  readonly stateCount = 1;
  protected readonly step = simpleStep;
  constructor(opts: RecurrentOptions) {
    super("simple_rnn", opts);
  }
}

/** Long short-term memory (Keras `LSTM`). Example: `layers.lstm({ units: 128 })`. */
export class LSTM extends RecurrentLayer {
  readonly className = "LSTM";
  protected readonly gates = 4;
  readonly stateCount = 2;
  protected readonly step = lstmStep;
  constructor(override readonly opts: LSTMOptions) {
    super("lstm", opts);
  }
  /** With Keras' default activations and no mask, each step is one fused lstmCell kernel. */
  protected override scan(
    steps: Tensor[],
    initialState: Tensor[] | undefined,
    cell: CellWeights,
    keep: Tensor[] | undefined,
  ): { hs: Tensor[]; last: Tensor; state: Tensor[] } {
    if (keep || cell.activation !== "tanh" || cell.recurrentActivation !== "sigmoid") {
      return super.scan(steps, initialState, cell, keep);
    }
    const { hs, state } = lstmFusedScan(
      steps,
      initialState,
      cell.recurrentKernel,
      !!this.opts.returnSequences,
    );
    return { hs, last: state[0], state };
  }
  protected override biasValues(rng: Rng): Tensor {
    const b = super.biasValues(rng);
    if (!(this.opts.unitForgetBias ?? true)) return b;
    // An op, not a host edit: the bias may live on the GPU.
    const u = this.opts.units;
    const forget = tensor(
      Float32Array.from({ length: 4 * u }, (_, j) => (j >= u && j < 2 * u ? 1 : 0)),
    );
    const out = add(b, forget);
    b.dispose();
    forget.dispose();
    return out;
  }
}

/** Gated recurrent unit (Keras `GRU`, `resetAfter: true`). Example: `layers.gru({ units: 64 })`. */
export class GRU extends RecurrentLayer {
  readonly className = "GRU";
  protected readonly gates = 3;
  readonly stateCount = 1;
  protected readonly step = gruStep;
  constructor(override readonly opts: GRUOptions) {
    super("gru", opts);
    if (opts.resetAfter === false) {
      throw new Error(
        "gru: resetAfter: false (the Keras 1 form) is not supported; use resetAfter: true",
      );
    }
  }
  protected override biasValues(rng: Rng): Tensor {
    return initialize(this.opts.biasInitializer ?? "zeros", [2, 3 * this.opts.units], rng);
  }
  protected override splitBias(bias: Tensor): { inputBias: Tensor; recurrentBias: Tensor } {
    const n = 3 * this.opts.units;
    return {
      inputBias: slice(bias, [0, 0], [1, n]).reshape([n]),
      recurrentBias: slice(bias, [1, 0], [1, n]).reshape([n]),
    };
  }
}
