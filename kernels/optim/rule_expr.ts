/**
 * The small expression language optimiser update rules are written in (kernels/optim/
 * update_rule.ts): numbers, names, `+ - * /`, unary minus, parentheses and `sqrt(x)`. A parsed
 * expression is a tree, so the JavaScript and WGSL written from it evaluate in the same order as
 * the source text, and the reference kernel's closures (closureOf) follow the same tree.
 */

/** A parsed expression. */
export type Expr =
  | { kind: "num"; value: number; text: string }
  | { kind: "name"; name: string }
  | { kind: "neg"; arg: Expr }
  | { kind: "bin"; op: "+" | "-" | "*" | "/"; left: Expr; right: Expr }
  | { kind: "sqrt"; arg: Expr };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?(?:e[-+]?\d+)?)|([A-Za-z_]\w*)|(.))/gy;

/** Parses `source`; `where` names the rule and statement in errors. */
export function parseExpr(source: string, where: string): Expr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m; (m = TOKEN.exec(source)) && m[0].trim() !== "";) tokens.push(m[1] ?? m[2] ?? m[3]);
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what} in "${source}"`);
  };
  const peek = () => tokens[at];
  const primary = (): Expr => {
    const t = tokens[at++];
    if (t === undefined) return fail("the expression ends early");
    if (t === "(") {
      const e = sum();
      if (tokens[at++] !== ")") fail("a ')' is missing");
      return e;
    }
    if (t === "-") return { kind: "neg", arg: primary() };
    if (/^\d/.test(t)) return { kind: "num", value: Number(t), text: t };
    if (/^[A-Za-z_]/.test(t)) {
      if (t !== "sqrt") return { kind: "name", name: t };
      if (tokens[at++] !== "(") fail("sqrt needs parentheses");
      const arg = sum();
      if (tokens[at++] !== ")") fail("a ')' is missing after sqrt(");
      return { kind: "sqrt", arg };
    }
    return fail(`unexpected "${t}"`);
  };
  const product = (): Expr => {
    let e = primary();
    while (peek() === "*" || peek() === "/") {
      const op = tokens[at++] as "*" | "/";
      e = { kind: "bin", op, left: e, right: primary() };
    }
    return e;
  };
  const sum = (): Expr => {
    let e = product();
    while (peek() === "+" || peek() === "-") {
      const op = tokens[at++] as "+" | "-";
      e = { kind: "bin", op, left: e, right: product() };
    }
    return e;
  };
  const e = sum();
  if (at !== tokens.length) fail(`unexpected "${tokens[at]}"`);
  return e;
}

/** Every name an expression reads. */
export function namesIn(e: Expr, out = new Set<string>()): Set<string> {
  if (e.kind === "name") out.add(e.name);
  else if (e.kind === "neg" || e.kind === "sqrt") namesIn(e.arg, out);
  else if (e.kind === "bin") {
    namesIn(e.left, out);
    namesIn(e.right, out);
  }
  return out;
}

/** Fully parenthesised source for JavaScript (`js`) or WGSL, with names mapped by `name`. */
export function emitExpr(e: Expr, lang: "js" | "wgsl", name: (n: string) => string): string {
  switch (e.kind) {
    case "num":
      // WGSL literals of f32 values: `1` would be an integer.
      return lang === "wgsl" && !/[.e]/.test(e.text) ? `${e.text}.0` : e.text;
    case "name":
      return name(e.name);
    case "neg":
      return `(-${emitExpr(e.arg, lang, name)})`;
    case "sqrt":
      return `${lang === "js" ? "Math.sqrt" : "sqrt"}(${emitExpr(e.arg, lang, name)})`;
    case "bin":
      return `(${emitExpr(e.left, lang, name)} ${e.op} ${emitExpr(e.right, lang, name)})`;
  }
}

/**
 * The expression as a float64 closure over `env`, where name n is `env[slot(n)]`: the plain
 * evaluator of the reference kernel, independent of the generated source.
 */
export function closureOf(
  e: Expr,
  slot: (name: string) => number,
): (env: Float64Array) => number {
  switch (e.kind) {
    case "num": {
      const v = e.value;
      return () => v;
    }
    case "name": {
      const k = slot(e.name);
      return (env) => env[k];
    }
    case "neg": {
      const a = closureOf(e.arg, slot);
      return (env) => -a(env);
    }
    case "sqrt": {
      const a = closureOf(e.arg, slot);
      return (env) => Math.sqrt(a(env));
    }
    case "bin": {
      const a = closureOf(e.left, slot), b = closureOf(e.right, slot);
      switch (e.op) {
        case "+":
          return (env) => a(env) + b(env);
        case "-":
          return (env) => a(env) - b(env);
        case "*":
          return (env) => a(env) * b(env);
        case "/":
          return (env) => a(env) / b(env);
      }
    }
  }
}
