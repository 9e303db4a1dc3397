import { noGrad, tidy } from "../kernels/engine.ts";
import { Rng } from "../kernels/random.ts";
import { type Tensor, variable, zeros } from "../kernels/tensor.ts";
import { initialize, type InitializerName } from "./initializers.ts";
import {
  batchShape,
  type CallContext,
  Layer,
  type NamedTensor,
  type Shape,
  withBuildRng,
} from "./layer.ts";
import { isContainer, totals } from "./model.ts";
import { SymbolicTensor } from "./symbolic.ts";

export {
  type CallContext,
  KernelAndBias,
  Layer,
  type NamedTensor,
  type Shape,
  withBuildRng,
} from "./layer.ts";

/** Options of {@link Module}. */
export interface ModuleOptions {
  /** Seed of the initialisers and dropout masks of the layers it builds (default 0). */
  seed?: number;
  /** Input shape without batch axis, so `build()` and `summary()` need no argument. */
  inputShape?: number[];
}

/** How {@link Module.param} makes a raw parameter: a tensor, or a shape and an initialiser. */
export type ParamInit = Tensor | { shape: number[]; initializer?: InitializerName };

/**
 * A model written as a class with a `forward` method, as in PyTorch. Its fields are walked for
 * parameters: layers, modules, models, arrays and Maps of them, and raw parameters made with
 * `this.param(name, init)`. Names follow the field path (`block1.conv.kernel`), like
 * `named_parameters()`. `train()`/`eval()` set `training` recursively; `apply(x)` calls
 * `forward`. The layers build on the first call (or `build(shape)`), in the order `forward`
 * first calls them, from a generator seeded by `seed`.
 * Example:
 * ```ts
 * class Net extends Module {
 *   fc = layers.dense({ units: 10 });
 *   forward(x: Tensor) { return this.fc.apply(x); }
 * }
 * ```
 */
export abstract class Module extends Layer {
  /** Seed of the generator the module's layers build from when it is the outermost model. */
  seed: number;
  #params = new Map<string, Tensor>();
  #rng?: Rng;
  #shape?: Shape;

  /**
   * `seed` seeds the layers and raw parameters; `inputShape` lets `build()` and `summary()` run
   * without an argument.
   */
  constructor(opts: ModuleOptions = {}) {
    super(snakeCase(new.target.name), opts.inputShape);
    this.seed = opts.seed ?? 0;
  }

  /** The forward pass: tensors in (one per input), a tensor out. */
  abstract forward(...xs: Tensor[]): Tensor;

  /**
   * Registers a raw trainable parameter `name` (a tensor, or drawn from the module's seeded
   * generator) and returns it. Example: `scale = this.param("scale", { shape: [4], initializer: "ones" });`
   */
  param(name: string, init: ParamInit): Tensor {
    if (this.#params.has(name)) throw new Error(`${this.name}: parameter "${name}" exists`);
    const t = "shape" in init && !("dtype" in init)
      ? initialize(init.initializer ?? "glorotUniform", init.shape, this.rng())
      : init as Tensor;
    const v = variable(t, name);
    this.#params.set(name, v);
    return v;
  }

  /** True when `forward` declares other than one parameter, so `apply` passes a list. */
  override get takesList(): boolean {
    return this.forward.length !== 1;
  }

  /** The seeded generator of this module's raw parameters and lazily built layers. */
  protected rng(): Rng {
    this.#rng ??= new Rng(this.seed);
    return this.#rng;
  }

  /** The module's own seeded generator, shared with its raw parameters. */
  protected override defaultRng(): Rng {
    return this.rng();
  }

  /** Every (path, layer) field, in declaration order; a layer held twice is listed once. */
  namedChildren(): [string, Layer][] {
    const out: [string, Layer][] = [];
    const seen = new Set<Layer>();
    const add = (path: string, v: unknown) => {
      if (v instanceof Layer) {
        if (!seen.has(v)) out.push([path, v]);
        seen.add(v);
      } else if (Array.isArray(v)) v.forEach((e, i) => add(`${path}.${i}`, e));
      else if (v instanceof Map) { for (const [k, e] of v) add(`${path}.${String(k)}`, e); }
    };
    for (const [k, v] of Object.entries(this)) add(k, v);
    return out;
  }

  /** The layer fields, as `namedChildren` finds them. */
  override children(): Layer[] {
    return this.namedChildren().map(([, l]) => l);
  }

  /** Raw parameters first, then each field's weights named by path (`block1.conv.kernel`). */
  override weights(): NamedTensor[] {
    const own: NamedTensor[] = [...this.#params].map(([name, tensor]) => ({
      name,
      tensor,
      trainable: true,
    }));
    const nested = this.namedChildren().flatMap(([path, l]) =>
      l.weights().map((w) => ({
        ...w,
        name: isContainer(l)
          ? `${path}.${w.name.replaceAll("/", ".")}`
          // Drop the layer's own name; deeper parts (attention's "query/kernel") stay apart.
          : `${path}.${w.name.slice(w.name.indexOf("/") + 1).replaceAll("/", ".")}`,
      }))
    );
    return [...own, ...nested];
  }

  /**
   * Builds every layer by one forward pass in evaluation mode on a zero batch of one sample,
   * without gradients (so parameters exist before training starts). Unnamed layers are named
   * by their field path first.
   */
  override build(inputShape?: Shape, rng?: Rng): this {
    if (this.built) return this;
    const shape = inputShape ?? this.inputShape;
    if (!shape) {
      throw new Error(
        `${this.name}: unknown input shape; call build(shape) or apply it to a batch`,
      );
    }
    if (rng) this.#rng = rng;
    this.#shape = shape;
    for (const [path, l] of this.namedChildren()) if (l.name === l.kind) l.name = path;
    const shapes = listOf(shape);
    const was = this.training;
    this.built = true;
    try {
      this.train(false);
      withBuildRng(
        this.rng(),
        () => tidy(() => noGrad(() => void this.forward(...shapes.map((s) => zeros([1, ...s]))))),
      );
    } catch (e) {
      this.built = false;
      throw e;
    } finally {
      this.train(was);
    }
    return this;
  }

  /** Runs `forward`, switching the mode of the whole tree first when `ctx` asks for another. */
  call(x: Tensor | Tensor[], ctx: CallContext): Tensor {
    if (ctx.training !== this.training) this.train(ctx.training);
    const xs = Array.isArray(x) ? x : [x];
    return withBuildRng(this.rng(), () => this.forward(...xs));
  }

  /**
   * The output shape, traced by running `forward` on symbolic inputs (so `forward` may only use
   * layers for this), or by a dry run once the module is built.
   */
  override outputShape(inputShape: Shape): number[] {
    const shapes = listOf(inputShape);
    let traced: unknown;
    try {
      traced = this.forward(...shapes.map((s) => new SymbolicTensor(s) as unknown as Tensor));
    } catch (e) {
      if (!this.built) {
        throw new Error(
          `${this.name}: cannot trace forward() on symbolic inputs (${
            (e as Error).message
          }); call build(shape) on the module before using it in a functional model`,
        );
      }
    }
    if (traced instanceof SymbolicTensor) return traced.shape;
    return tidy(() =>
      noGrad(() => this.forward(...shapes.map((s) => zeros([1, ...s])))).shape.slice(1)
    );
  }

  /** The fields as a table: path, type, output shape (when traceable) and parameters. */
  override summary(): string {
    const line = "─".repeat(80);
    const fmt = (a: string, b: string, c: string) => a.padEnd(44) + b.padEnd(24) + c.padStart(12);
    const out = [line, fmt("Field (type)", "Output shape", "Params"), line];
    const walk = (prefix: string, m: Module) => {
      const shapes = m.#traceShapes();
      for (const [path, l] of m.namedChildren()) {
        const s = shapes.get(l);
        out.push(
          fmt(
            `${prefix}${path} (${l.constructor.name})`,
            s ? batchShape(s) : "",
            l.countParams().toLocaleString("en-US"),
          ),
        );
        if (l instanceof Module) walk(`${prefix}${path}.`, l);
      }
    };
    if (this.#params.size) {
      const n = [...this.#params.values()].reduce((k, t) => k + t.size, 0);
      out.push(
        fmt(`${[...this.#params.keys()].join(", ")} (parameters)`, "", n.toLocaleString("en-US")),
      );
    }
    walk("", this);
    out.push(line, ...totals(this));
    if (this.#shape) out.push(`Input: ${batchShape(this.#shape)}`);
    out.push(line);
    return out.join("\n");
  }

  /** Output shape of each layer `forward` calls, by a symbolic trace (empty if not traceable). */
  #traceShapes(): Map<Layer, number[]> {
    const shapes = new Map<Layer, number[]>();
    if (!this.#shape) return shapes;
    try {
      const probes = listOf(this.#shape).map((s) => new SymbolicTensor(s) as unknown as Tensor);
      const out = this.forward(...probes) as unknown;
      const visit = (t: SymbolicTensor) => {
        if (!t.node) return;
        if (!shapes.has(t.node.layer)) shapes.set(t.node.layer, t.node.output.shape);
        t.node.inputs.forEach(visit);
      };
      if (out instanceof SymbolicTensor) visit(out);
    } catch {
      // forward uses raw ops: the table shows no shapes
    }
    return shapes;
  }
}

function listOf(s: Shape): number[][] {
  return s.length && Array.isArray(s[0]) ? s as number[][] : [s as number[]];
}

function snakeCase(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase() || "module";
}
