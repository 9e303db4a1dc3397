import assert from "node:assert/strict";
import { defineUpdateRule, getUpdateRule } from "../../../kernels/optim/update_rule.ts";
import { closureOf, emitExpr, parseExpr } from "../../../kernels/optim/rule_expr.ts";

/** The rule language: parsing, the code written from it, and clear errors for bad rules. */

Deno.test("rule expressions keep precedence and source order in JS, WGSL and the reference closures", () => {
  const e = parseExpr("p - lr * (m * c1) / (sqrt(v * c2) + eps)", "test");
  const id = (n: string) => n;
  assert.equal(emitExpr(e, "js", id), "(p - ((lr * (m * c1)) / (Math.sqrt((v * c2)) + eps)))");
  assert.equal(
    emitExpr(parseExpr("(1 - b) * -g", "test"), "wgsl", id),
    "((1.0 - b) * (-g))",
  );
  const names = ["p", "lr", "m", "c1", "v", "c2", "eps"];
  const env = Float64Array.of(1, 0.1, 0.5, 2, 4, 0.25, 1e-3);
  const f = closureOf(e, (n) => names.indexOf(n));
  assert.equal(f(env), 1 - 0.1 * (0.5 * 2) / (Math.sqrt(4 * 0.25) + 1e-3));
});

Deno.test("a rule compiles to a loop equal to its reference closures and updates state in place", () => {
  const rule = defineUpdateRule({
    name: "test-halving",
    state: ["s"],
    hyper: ["learningRate"],
    update: ["let h = g / 2", "s = s + h", "p = p - learningRate * s"],
    example: { learningRate: 0.5 },
  });
  for (const kernel of [rule.reference, rule.fast]) {
    const s = Float32Array.of(1, 2);
    const out = new Float32Array(2);
    kernel(
      [{ data: Float32Array.of(10, 20), shape: [2] }, {
        data: Float32Array.of(4, 8),
        shape: [2],
      }, { data: s, shape: [2] }],
      { learningRate: 0.5 },
      out,
    );
    assert.deepEqual(Array.from(s), [3, 6]);
    assert.deepEqual(Array.from(out), [8.5, 17]);
  }
  assert.match(rule.wgsl, /var v_s = in2\[i\];/);
  assert.match(rule.wgsl, /let v_learningRate = pf\(0u\);/);
  assert.match(rule.wgsl, /in2\[i\] = v_s;/);
});

Deno.test("bad rules are refused with the rule's name and the problem", () => {
  const base = { state: ["s"], hyper: ["lr"], example: { lr: 1 } };
  assert.throws(
    () => defineUpdateRule({ ...base, name: "bad-name", update: ["p = p - rate * g"] }),
    /update rule "bad-name": "p = p - rate \* g" reads unknown name "rate"/,
  );
  assert.throws(
    () => defineUpdateRule({ ...base, name: "bad-target", update: ["g = 2 * g"] }),
    /assigns "g", which is not p or a state slot/,
  );
  assert.throws(
    () => defineUpdateRule({ ...base, name: "bad-syntax", update: ["p = (p - g"] }),
    /a '\)' is missing/,
  );
  assert.throws(
    () => defineUpdateRule({ ...base, name: "bad-example", example: {}, update: ["p = p"] }),
    /example lacks lr/,
  );
  assert.throws(() => getUpdateRule("no-such-rule"), /unknown update rule "no-such-rule"/);
});
