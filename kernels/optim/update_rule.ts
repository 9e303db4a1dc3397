import type { TypedArray } from "../dtype.ts";
import type { CpuInput } from "../op.ts";
import { closureOf, emitExpr, type Expr, namesIn, parseExpr } from "./rule_expr.ts";

/**
 * Optimiser update rules, each written once: its state slots, its hyperparameters and its
 * per-element math, in statements of a small expression language (rule_expr.ts). From that one
 * definition come the fused kernels of the `optimizerStep` op: the CPU reference (closures
 * over the parsed statements), the fast CPU loop (the statements compiled to one
 * JavaScript loop) and the WGSL body. All three evaluate the same expression trees, so the two
 * CPU kernels agree bit for bit (float64 arithmetic, values rounded only when stored).
 */

/** What {@link defineUpdateRule} takes. */
export interface UpdateRuleSpec {
  /** The rule's name, the `rule` attribute of optimizerStep ("adam"). */
  name: string;
  /** Names of the per-parameter state tensors, in input order after θ and g ("m", "v"). */
  state: string[];
  /** Names of the hyperparameters ("learningRate", "beta1", …), set anew every step. */
  hyper: string[];
  /**
   * The update of one element, statements run in order: `let t = expr` declares a temporary,
   * `s = expr` updates state slot `s`, `p = expr` the parameter. They read `p` (θ), `g` (the
   * gradient), the state, the hyperparameters and temporaries. Example:
   * `["let gd = g + weightDecay * p", "v = momentum * v + gd", "p = p - learningRate * v"]`.
   */
  update: string[];
  /** Hyperparameter values the registry tests run the rule with (every `hyper` name). */
  example: Record<string, number>;
}

/** The kernels of one rule; see the module comment. */
export interface UpdateRule extends UpdateRuleSpec {
  /** Reference CPU kernel: inputs θ, g, state…; writes θ' to `out` and the state in place. */
  reference(inputs: CpuInput[], hyper: Record<string, number>, out: TypedArray): void;
  /** The same update compiled to one loop (the "cpu" backend's kernel). */
  fast(inputs: CpuInput[], hyper: Record<string, number>, out: TypedArray): void;
  /**
   * WGSL statements for element `i`: read `in0` (θ), `in1` (g), state `in2…` (read-write),
   * the hyperparameters as `pf(k)` in `hyper` order; write `out[i]` and the state.
   */
  wgsl: string;
  /**
   * The same statements on other arrays: `arrays` names θ, g and the state in that order,
   * `out` takes θ' (θ's own array for an in-place update) and `index` is the element.
   * Example: `rule.wgslAt(["in3", "in4", "in5"], "in3", "j")`.
   */
  wgslAt(arrays: string[], out: string, index: string): string;
}

interface Statement {
  target: string;
  declares: boolean;
  expr: Expr;
}

const rules = new Map<string, UpdateRule>();

/** Parses, checks and compiles a rule, and registers it by name (a second one throws). */
export function defineUpdateRule(spec: UpdateRuleSpec): UpdateRule {
  const where = `update rule "${spec.name}"`;
  if (rules.has(spec.name)) throw new Error(`${where} is defined twice`);
  const known = new Set(["p", "g", ...spec.state, ...spec.hyper]);
  if (known.size !== 2 + spec.state.length + spec.hyper.length) {
    throw new Error(`${where}: p, g, state and hyperparameter names must all differ`);
  }
  const statements = spec.update.map((line): Statement => {
    const m = line.match(/^\s*(let\s+)?([A-Za-z_]\w*)\s*=(.*)$/);
    if (!m) throw new Error(`${where}: "${line}" is not "let t = …" or "name = …"`);
    const [, isLet, target, source] = m;
    const expr = parseExpr(source, where);
    for (const n of namesIn(expr)) {
      if (!known.has(n)) throw new Error(`${where}: "${line}" reads unknown name "${n}"`);
    }
    if (isLet) {
      if (known.has(target)) throw new Error(`${where}: "let ${target}" shadows a name`);
      known.add(target);
    } else if (target !== "p" && !spec.state.includes(target)) {
      throw new Error(`${where}: "${line}" assigns "${target}", which is not p or a state slot`);
    }
    return { target, declares: Boolean(isLet), expr };
  });
  const missing = spec.hyper.filter((h) => typeof spec.example[h] !== "number");
  if (missing.length) throw new Error(`${where}: example lacks ${missing.join(", ")}`);
  const wgslAt = (arrays: string[], out: string, index: string) =>
    compileWgsl(spec, statements, arrays, out, index);
  const rule: UpdateRule = {
    ...spec,
    reference: referenceKernel(spec, statements),
    fast: compileJs(spec, statements),
    wgsl: wgslAt(["p", "g", ...spec.state].map((_, k) => `in${k}`), "out", "i"),
    wgslAt,
  };
  rules.set(spec.name, rule);
  return rule;
}

/** The rule called `name`; throws a clear error for an unknown one. */
export function getUpdateRule(name: string): UpdateRule {
  const r = rules.get(name);
  if (!r) {
    throw new Error(
      `optimizerStep: unknown update rule "${name}" (defined: ${[...rules.keys()].join(", ")}); ` +
        "define it with defineUpdateRule (kernels/optim/update_rule.ts)",
    );
  }
  return r;
}

/** Every defined rule, in definition order. */
export function updateRules(): UpdateRule[] {
  return [...rules.values()];
}

function referenceKernel(spec: UpdateRuleSpec, statements: Statement[]): UpdateRule["reference"] {
  // Every name gets a slot of one float64 environment: p, g, state, hyperparameters, temporaries.
  const names = ["p", "g", ...spec.state, ...spec.hyper];
  for (const st of statements) if (st.declares) names.push(st.target);
  const slot = (n: string) => names.indexOf(n);
  const steps = statements.map((st) => ({ to: slot(st.target), f: closureOf(st.expr, slot) }));
  const first = 2 + spec.state.length;
  return (inputs, hyper, out) => {
    const arrays = inputs.map((x) => x.data);
    const env = new Float64Array(names.length);
    spec.hyper.forEach((h, k) => (env[first + k] = hyper[h]));
    for (let i = 0; i < out.length; i++) {
      for (let k = 0; k < first; k++) env[k] = arrays[k][i];
      for (const s of steps) env[s.to] = s.f(env);
      for (let k = 2; k < first; k++) arrays[k][i] = env[k];
      out[i] = env[0];
    }
  };
}

/** Names in generated code get a prefix, so no rule name can clash with a keyword. */
const local = (n: string) => `v_${n}`;

function compileJs(spec: UpdateRuleSpec, statements: Statement[]): UpdateRule["fast"] {
  const arrays = ["p", "g", ...spec.state];
  const body = [
    ...arrays.map((a, k) => `const A_${a} = inputs[${k}].data;`),
    ...spec.hyper.map((h) => `const ${local(h)} = hyper[${JSON.stringify(h)}];`),
    "for (let i = 0; i < out.length; i++) {",
    ...arrays.map((a) => `  let ${local(a)} = A_${a}[i];`),
    ...statements.map((st) =>
      `  ${st.declares ? "const " : ""}${local(st.target)} = ${emitExpr(st.expr, "js", local)};`
    ),
    ...spec.state.map((s) => `  A_${s}[i] = ${local(s)};`),
    `  out[i] = ${local("p")};`,
    "}",
  ];
  // Generated from the parsed, checked statements above: names and numbers only.
  return new Function("inputs", "hyper", "out", body.join("\n")) as UpdateRule["fast"];
}

function compileWgsl(
  spec: UpdateRuleSpec,
  statements: Statement[],
  arrays: string[],
  out: string,
  i: string,
): string {
  return [
    `var ${local("p")} = ${arrays[0]}[${i}];`,
    `let ${local("g")} = ${arrays[1]}[${i}];`,
    ...spec.state.map((s, k) => `var ${local(s)} = ${arrays[k + 2]}[${i}];`),
    ...spec.hyper.map((h, k) => `let ${local(h)} = pf(${k}u);`),
    ...statements.map((st) =>
      `${st.declares ? "let " : ""}${local(st.target)} = ${emitExpr(st.expr, "wgsl", local)};`
    ),
    ...spec.state.map((s, k) => `${arrays[k + 2]}[${i}] = ${local(s)};`),
    `${out}[${i}] = ${local("p")};`,
  ].join("\n  ");
}
