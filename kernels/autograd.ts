import "./toolkit.ts";
import { backend, keep, noGrad, tidy } from "./engine.ts";
import { withGraphCreation } from "./context.ts";
import { inBackward } from "./check_numerics.ts";
import { fmtShape } from "./shape.ts";
import { ones, type Tensor } from "./tensor_core.ts";
import { add, mulScalar } from "./ops/elementwise.ts";
import { type GradGroup, GradShare } from "./op.ts";

/**
 * Reverse-mode differentiation over the graph recorded on tensors (`tensor.node`). The graph
 * hangs off the output tensor, so nothing global grows across steps: once a step's tensors are
 * disposed (by `tidy`) or unreachable, its graph is gone.
 */

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative DFS: deep nets would overflow the stack with recursion.
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length) {
    const [t, done] = stack.pop()!;
    if (done) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const x of t.node?.inputs ?? []) {
      if (x.requiresGrad && !seen.has(x)) stack.push([x, false]);
    }
  }
  return order;
}

/** One cached scalar 1 per backend and dtype: the seed of every scalar loss's backward pass. */
const scalarOnes = new WeakMap<object, Map<string, Tensor>>();

/**
 * The default seed dy = 1 for `y`. For a scalar loss it is a cached kept tensor, so a training
 * step uploads nothing (the WebGPU steady-state rule); other shapes get fresh ones.
 */
function onesSeed(y: Tensor): Tensor {
  if (y.size !== 1) return ones(y.shape, y.dtype);
  const b = backend();
  let byDtype = scalarOnes.get(b);
  if (!byDtype) scalarOnes.set(b, byDtype = new Map());
  let one = byDtype.get(y.dtype);
  if (!one || one.isDisposed) byDtype.set(y.dtype, one = keep(ones([], y.dtype)));
  return y.rank === 0 ? one : one.reshape(y.shape);
}

/** Options of {@link gradients}. */
export interface GradientsOptions {
  /**
   * Record the backward pass itself (PyTorch's `create_graph=True`), so the gradients can be
   * differentiated again: gradient penalties, Hessian-vector products. An op met on the way
   * whose gradient op has no gradient of its own throws, naming it.
   */
  createGraph?: boolean;
}

/**
 * Gradients of `y` with respect to each of `xs` (zeros-free: a tensor `y` does not depend on
 * gives `undefined`). `dy` defaults to ones (so a scalar loss gives dloss/dx).
 * Example: `const [dw] = gradients(loss, [w]);`; a second derivative:
 * `const [g] = gradients(loss, [x], undefined, { createGraph: true }); gradients(sum(g), [x])`.
 */
export function gradients(
  y: Tensor,
  xs: Tensor[],
  dy?: Tensor,
  opts: GradientsOptions = {},
): (Tensor | undefined)[] {
  if (!y.requiresGrad) {
    throw new Error(
      "gradients(): the output does not depend on any tensor that requires a gradient " +
        "(use variable() or grad(fn), and do not compute it inside noGrad())",
    );
  }
  const seed = dy ?? onesSeed(y);
  if (seed.size !== y.size) {
    throw new Error(
      `gradients(): dy ${fmtShape(seed.shape)} does not match y ${fmtShape(y.shape)}`,
    );
  }
  const grads = new Map<Tensor, Tensor>([[y, seed]]);
  // Pieces' shares of an input's gradient, combined once that input is reached (GradShare).
  const shares = new Map<Tensor, Map<GradGroup, (Tensor | undefined)[]>>();
  const accumulate = (x: Tensor, gx: Tensor, what: string) => {
    if (gx.size !== x.size) {
      throw new Error(
        `autograd: gradient of ${what} has shape ${fmtShape(gx.shape)}, ` +
          `expected ${fmtShape(x.shape)} (bug in the op's grad)`,
      );
    }
    const prev = grads.get(x);
    grads.set(x, prev ? add(prev, gx) : gx);
  };
  const order = topoOrder(y);
  (opts.createGraph ? withGraphCreation : noGrad)(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      // Every consumer of t comes later in `order`, so all shares of t are in.
      for (const [group, dys] of shares.get(t) ?? []) {
        accumulate(t, group.combine(dys), "a group of pieces");
      }
      shares.delete(t);
      const g = grads.get(t);
      const node = t.node;
      if (!g || !node) continue;
      const gs = inBackward(
        node.def.name,
        t,
        () => node.def.grad!(g, { inputs: node.inputs, output: t, attrs: node.attrs as never }),
      );
      node.inputs.forEach((x, j) => {
        if (!gs[j] || !x.requiresGrad) return;
        const r = gs[j]!;
        if (r instanceof GradShare) {
          let byGroup = shares.get(x);
          if (!byGroup) shares.set(x, byGroup = new Map());
          let dys = byGroup.get(r.group);
          if (!dys) byGroup.set(r.group, dys = new Array(r.group.count).fill(undefined));
          dys[r.index] = dys[r.index] ? add(dys[r.index]!, r.dy) : r.dy;
          return;
        }
        const gx = typeof r === "function" ? inBackward(node.def.name, t, r) : r;
        accumulate(x, gx, `${node.def.name} input ${j}`);
      });
    }
  });
  return xs.map((x) => {
    const g = grads.get(x);
    if (!g) return undefined;
    // A gradient may be a broadcast-free view of another shape with the same size.
    return g.shape.length === x.shape.length && g.shape.every((d, i) => d === x.shape[i])
      ? g
      : g.reshape(x.shape);
  });
}

/**
 * Accumulates d(loss)/d(leaf) into `leaf.grad` for every leaf that requires a gradient, like
 * PyTorch's `loss.backward()`. Clear with `zeroGrad(params)`.
 */
export function backward(loss: Tensor): void {
  const leaves = topoOrder(loss).filter((t) => !t.node);
  tidy(() => {
    const gs = gradients(loss, leaves);
    leaves.forEach((leaf, i) => {
      const g = gs[i];
      if (!g) return;
      const next = leaf.grad ? noGrad(() => add(leaf.grad!, g)) : g;
      leaf.grad?.dispose();
      leaf.grad = keep(next);
    });
  });
}

/** Disposes and clears `.grad` of each tensor. */
export function zeroGrad(params: Tensor[]): void {
  for (const p of params) {
    p.grad?.dispose();
    p.grad = undefined;
  }
}

/**
 * Turns `f(...xs) → scalar` into a function returning the gradient for each argument, like
 * `jax.grad`. Example: `const [dx] = grad((x) => x.mul(x).sum())(tensor([3]));` → 6.
 */
export function grad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor[] {
  return (...xs) => valueAndGrad(f)(...xs).grads;
}

/** Like {@link grad} but also returns the value of `f`. */
export function valueAndGrad(
  f: (...xs: Tensor[]) => Tensor,
): (...xs: Tensor[]) => { value: Tensor; grads: Tensor[] } {
  return (...xs) =>
    tidy(() => {
      const prev = xs.map((x) => x.requiresGrad);
      for (const x of xs) x.requiresGrad = true;
      try {
        const value = f(...xs);
        const gs = gradients(value, xs);
        return {
          value,
          grads: gs.map((g, i) => g ?? noGrad(() => mulScalar(xs[i], 0))),
        };
      } finally {
        xs.forEach((x, i) => (x.requiresGrad = prev[i]));
      }
    });
}
