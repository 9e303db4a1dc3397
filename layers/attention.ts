import {
  add,
  batchMatmul,
  cast,
  dropoutMask,
  expandDims,
  greater,
  matmul,
  mul,
  mulScalar,
  permute,
  softmax,
  where,
} from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import { type Tensor, variable } from "../kernels/tensor.ts";
import { initialize, type InitializerName } from "./initializers.ts";
import { type CallContext, Layer, type NamedTensor, type Shape } from "./module.ts";
import type { NodeOutputs } from "./layer.ts";
import type { CallOptions, ResolvedOptions } from "./symbolic.ts";
import { checkOptions } from "./validate.ts";
import { andMasks, keepValues, type Mask } from "./mask.ts";
import { causalKeep } from "./attention_constants.ts";
import { cachedScalar } from "../kernels/ops/cached_scalar.ts";

/** Options of {@link MultiHeadAttention}, named like Keras 3's MultiHeadAttention. */
export interface MultiHeadAttentionOptions {
  numHeads: number;
  /** Size of each head's query and key vectors. */
  keyDim: number;
  /** Size of each head's value vectors (default keyDim). */
  valueDim?: number;
  /** Dropout rate on the attention probabilities, in training (default 0). */
  dropout?: number;
  /** Biases in the four projections (default true). */
  useBias?: boolean;
  /** Last-axis size of the output (default: the query's last-axis size). */
  outputShape?: number;
  kernelInitializer?: InitializerName;
  biasInitializer?: InitializerName;
  /**
   * The default of the call option `useCausalMask` (default false), so that a Sequential's
   * self-attention can be causal; a call's own `useCausalMask` wins.
   */
  useCausalMask?: boolean;
  /** [time, features] of a first layer applied to one input (self-attention in a Sequential). */
  inputShape?: number[];
}

/** Call options of {@link MultiHeadAttention.applyAttention} (Keras 3's call arguments). */
export interface AttentionCallOptions {
  /** [batch, S, valueFeatures]; default: the query (self-attention). */
  value?: Tensor;
  /** [batch, S, keyFeatures]; default: the value. */
  key?: Tensor;
  /**
   * [batch, T, S]: 1 (or any value > 0.5, as Keras) where query position t may attend to key
   * position s, 0 where not.
   */
  attentionMask?: Tensor;
  /**
   * Query position t attends only to key positions s ≤ t (combined with attentionMask);
   * default: the layer's `useCausalMask` option.
   */
  useCausalMask?: boolean;
  /** [batch, T]: 0 at query steps to skip (Keras' query_mask; a model passes it by itself). */
  queryMask?: Tensor;
  /** [batch, S]: 0 at value (and key) steps no query attends to (Keras' value_mask). */
  valueMask?: Tensor;
  /** [batch, S]: 0 at key steps no query attends to (Keras' key_mask). */
  keyMask?: Tensor;
  training?: boolean;
}

/**
 * What a masked score becomes before the softmax: Keras 3's `_large_negative_number` for
 * float32 (layers/activations/softmax.py replaces masked logits by it). A row with every
 * position masked therefore gets equal weights on all keys, as in Keras.
 */
export const MASKED_SCORE = -1e9;

/** The four projections: Keras' query, key, value and attention_output EinsumDense weights. */
interface AttentionWeights {
  /** [queryFeatures, numHeads, keyDim] and bias [numHeads, keyDim]. */
  query: { kernel: Tensor; bias?: Tensor };
  key: { kernel: Tensor; bias?: Tensor };
  /** [valueFeatures, numHeads, valueDim]. */
  value: { kernel: Tensor; bias?: Tensor };
  /** [numHeads, valueDim, outputShape] and bias [outputShape]. */
  output: { kernel: Tensor; bias?: Tensor };
}

/**
 * Multi-head scaled dot-product attention on [batch, time, features] inputs, as Keras 3's
 * `MultiHeadAttention`: per head h, softmax(Q_h·K_hᵀ/√keyDim + mask)·V_h, the heads joined by
 * the output projection. Applied as `apply([query, value])`, `apply([query, value, key])`,
 * `apply(x)` (self-attention: query = value = key), or with masks through
 * `applyAttention(query, { value, key, attentionMask, useCausalMask })`. Masked scores become
 * {@link MASKED_SCORE}. Only rank-3 inputs (Keras' default attention axis, time) are supported.
 * Example: `layers.multiHeadAttention({ numHeads: 4, keyDim: 16 }).apply([x, x])`.
 */
export class MultiHeadAttention extends Layer {
  /** Created by `build`. */
  params?: AttentionWeights;
  #seed = 0;
  #calls = 0;
  /** Masks of the applyAttention call now running, read by `call`. */
  #masks: { attentionMask?: Tensor; useCausalMask?: boolean } = {};

  constructor(readonly opts: MultiHeadAttentionOptions) {
    super("multi_head_attention", opts.inputShape);
    checkOptions("multiHeadAttention", {
      numHeads: [opts.numHeads, "int≥1", "required"],
      keyDim: [opts.keyDim, "int≥1", "required"],
      valueDim: [opts.valueDim, "int≥1"],
      dropout: [opts.dropout, "[0,1)"],
      outputShape: [opts.outputShape, "int≥1"],
    });
    checkCausal("multiHeadAttention", opts.useCausalMask);
  }

  /**
   * Keras' call keywords in a graph: `apply([q, v], { useCausalMask: true })` and
   * `apply([q, v], { attentionMask: m })` with `m` a symbolic [T, S] tensor (a model input).
   */
  override get callOptionNames(): readonly string[] {
    return ["attentionMask", "useCausalMask"];
  }

  /** One output; checks the call options against the query and key lengths. */
  override nodeOutputShapes(s: Shape, options: CallOptions): number[][] {
    const [q, , k] = this.#shapes(s);
    checkCausal(this.name, options.useCausalMask);
    const m = options.attentionMask;
    if (m !== undefined) {
      const ok = typeof m === "object" && !Array.isArray(m) &&
        m.shape.join(",") === `${q[0]},${k[0]}`;
      if (!ok) {
        const got = typeof m === "object" && !Array.isArray(m)
          ? `[batch,${m.shape.join(",")}]`
          : JSON.stringify(m);
        throw new Error(
          `${this.name}: attentionMask must be one symbolic tensor of [batch, T, S] = ` +
            `[batch,${q[0]},${k[0]}], got ${got}`,
        );
      }
    }
    return [this.outputShape(s)];
  }

  /** A graph node: the call with its attentionMask and useCausalMask. */
  protected override callNode(
    x: Tensor | Tensor[],
    ctx: CallContext,
    options: ResolvedOptions,
  ): NodeOutputs {
    this.#masks = {
      attentionMask: options.attentionMask as Tensor | undefined,
      useCausalMask: options.useCausalMask as boolean | undefined,
    };
    try {
      return super.callNode(x, ctx, options);
    } finally {
      this.#masks = {};
    }
  }

  override get takesList(): boolean {
    return true;
  }

  /** [query, value, key] shapes from what apply was given (one shape: self-attention). */
  #shapes(s: Shape): [number[], number[], number[]] {
    const list = s.length > 0 && Array.isArray(s[0]) ? s as number[][] : [s as number[]];
    if (list.length > 3) {
      throw new Error(
        `${this.name}: takes [query, value] or [query, value, key], got ${list.length} inputs`,
      );
    }
    const [q, v = q, k = v] = list;
    for (const [what, t] of [["query", q], ["value", v], ["key", k]] as const) {
      if (t.length !== 2) {
        throw new Error(
          `${this.name}: ${what} must be [batch, time, features], got [batch,${t.join(",")}]`,
        );
      }
    }
    if (k[0] !== v[0]) {
      throw new Error(
        `${this.name}: key and value need the same length, got ${k[0]} and ${v[0]} steps`,
      );
    }
    return [q, v, k];
  }

  outputShape(s: Shape): number[] {
    const [q] = this.#shapes(s);
    return [q[0], this.opts.outputShape ?? q[1]];
  }

  override build(s: Shape, rng: Rng): void {
    const [q, v, k] = this.#shapes(s);
    const { numHeads: h, keyDim } = this.opts;
    const valueDim = this.opts.valueDim ?? keyDim, out = this.opts.outputShape ?? q[1];
    const useBias = this.opts.useBias ?? true;
    const kInit = this.opts.kernelInitializer ?? "glorotUniform";
    const bInit = this.opts.biasInitializer ?? "zeros";
    // Keras' creation order: query, key, value, output; each kernel then its bias.
    const dense = (part: string, kernel: number[], bias: number[]) => ({
      kernel: variable(initialize(kInit, kernel, rng), `${this.name}/${part}/kernel`),
      bias: useBias
        ? variable(initialize(bInit, bias, rng), `${this.name}/${part}/bias`)
        : undefined,
    });
    this.params = {
      query: dense("query", [q[1], h, keyDim], [h, keyDim]),
      key: dense("key", [k[1], h, keyDim], [h, keyDim]),
      value: dense("value", [v[1], h, valueDim], [h, valueDim]),
      output: dense("attention_output", [h, valueDim, out], [out]),
    };
    this.#seed = Math.floor(rng.uniform() * 2 ** 31);
    this.built = true;
  }

  /**
   * Keras' call with keyword arguments: `applyAttention(query, { value, key, attentionMask,
   * useCausalMask, training })`. Example: causal self-attention
   * `mha.applyAttention(x, { useCausalMask: true })`.
   */
  applyAttention(query: Tensor, opts: AttentionCallOptions = {}): Tensor {
    const value = opts.value ?? query;
    const inputs = opts.key ? [query, value, opts.key] : [query, value];
    this.#masks = { attentionMask: opts.attentionMask, useCausalMask: opts.useCausalMask };
    const mask = [opts.queryMask, opts.valueMask, opts.keyMask].slice(0, inputs.length);
    if (opts.keyMask && !opts.key) {
      throw new Error(`${this.name}: keyMask needs a key; without one, give valueMask`);
    }
    try {
      return this.apply(inputs, { training: opts.training, mask });
    } finally {
      this.#masks = {};
    }
  }

  /**
   * Takes the inputs' masks (Keras 3): [query mask, value mask, key mask] for a list input, one
   * mask for self-attention on one input.
   */
  override get supportsMasking(): boolean {
    return true;
  }

  /** The query's mask: each output step is a query step. */
  override computeMask(_x: Tensor | Tensor[], mask?: Mask): Tensor | undefined {
    return Array.isArray(mask) ? mask[0] : mask;
  }

  call(x: Tensor | Tensor[], ctx: CallContext): Tensor {
    const [query, value = query, key = value] = Array.isArray(x) ? x : [x];
    this.#shapes([query, value, key].map((t) => t.shape.slice(1)));
    const ms = Array.isArray(ctx.mask) ? ctx.mask : [ctx.mask, ctx.mask];
    const { numHeads: h, keyDim } = this.opts;
    const p = this.params!;
    const [b, t] = query.shape, s = value.shape[1];
    // [batch, time, features] → [batch, heads, time, dim], the layout batchMatmul takes.
    const heads = (x: Tensor, w: { kernel: Tensor; bias?: Tensor }) => {
      const [, hh, d] = w.kernel.shape;
      let y = matmul(x.reshape([-1, x.shape[2]]), w.kernel.reshape([x.shape[2], hh * d]));
      if (w.bias) y = add(y, w.bias.reshape([hh * d]));
      return permute(y.reshape([x.shape[0], x.shape[1], hh, d]), [0, 2, 1, 3]);
    };
    // Keras scales the query, not the scores: the same numbers up to rounding.
    const q = mulScalar(heads(query, p.query), 1 / Math.sqrt(keyDim));
    const k = heads(key, p.key), v = heads(value, p.value);
    let scores = batchMatmul(q, k, { transposeB: true }); // [batch, heads, T, S]
    const keep = this.#keepMask(b, t, s, ms);
    if (keep) scores = where(keep, scores, cachedScalar(MASKED_SCORE, scores.dtype));
    let probs = softmax(scores);
    const rate = this.opts.dropout ?? 0;
    if (ctx.training && rate > 0) {
      const seed = (this.#seed + Math.imul(++this.#calls, 0x9e3779b1)) >>> 0;
      probs = mul(probs, dropoutMask(probs.shape, rate, seed, probs.dtype));
    }
    const o = permute(batchMatmul(probs, v), [0, 2, 1, 3]); // [batch, T, heads, valueDim]
    const [, vd, out] = p.output.kernel.shape;
    let y = matmul(o.reshape([b * t, h * vd]), p.output.kernel.reshape([h * vd, out]));
    if (p.output.bias) y = add(y, p.output.bias);
    return y.reshape([b, t, out]);
  }

  /**
   * 1 where a score is kept, [batch, 1, T, S] (broadcast over heads); undefined: no mask. The
   * query, value and key masks ([batch, T], [batch, S], [batch, S]) join attentionMask and the
   * causal mask by AND, as Keras 3's _compute_attention_mask.
   */
  #keepMask(b: number, t: number, s: number, ms: (Tensor | undefined)[]): Tensor | undefined {
    const { attentionMask: m } = this.#masks;
    const useCausalMask = this.#masks.useCausalMask ?? this.opts.useCausalMask;
    const steps = ms.map((mk, i) => {
      if (!mk) return undefined;
      const [what, n] = i === 0 ? ["query", t] : [i === 1 ? "value" : "key", s];
      if (mk.rank !== 2 || mk.shape[0] !== b || mk.shape[1] !== n) {
        throw new Error(
          `${this.name}: the ${what} mask must be [batch, ${i ? "S" : "T"}] = [${b},${n}], got ` +
            `${fmtShape(mk.shape)}`,
        );
      }
      const k = keepValues(mk, "float32");
      return k.reshape(i === 0 ? [b, 1, t, 1] : [b, 1, 1, s]);
    });
    let keep = andMasks(steps);
    if (m) {
      if (m.rank !== 3 || m.shape[0] !== b || m.shape[1] !== t || m.shape[2] !== s) {
        throw new Error(
          `${this.name}: attentionMask must be [batch, T, S] = [${b},${t},${s}], got ` +
            `${fmtShape(m.shape)}`,
        );
      }
      const am = cast(expandDims(greater(m, cachedScalar(0.5, m.dtype)), 1), "float32");
      keep = keep ? mul(keep, am) : am;
    }
    if (useCausalMask) {
      const causal = causalKeep(t, s);
      keep = keep ? mul(keep, causal) : causal;
    }
    return keep;
  }

  override weights(): NamedTensor[] {
    if (!this.params) return [];
    const { query, key, value, output } = this.params;
    return [query, key, value, output].flatMap((w) =>
      [w.kernel, w.bias].filter((t) => t !== undefined).map((t) => ({
        name: t.name!,
        tensor: t,
        trainable: true,
      }))
    );
  }

  /** The options that rebuild this layer (model files). */
  getConfig(): MultiHeadAttentionOptions {
    return structuredClone(this.opts);
  }
}

/** Throws unless a useCausalMask option is absent, true or false. */
function checkCausal(where: string, v: unknown): void {
  if (v !== undefined && typeof v !== "boolean") {
    throw new Error(`${where}: useCausalMask must be true or false, got ${JSON.stringify(v)}`);
  }
}
