/**
 * Every public entry point (deno.json "exports") passes `deno doc --lint`: each exported symbol
 * and member has JSDoc, and no public signature names a type the entry point does not export.
 * CI runs the same check; this test shows a failure before landing, with deno doc's message.
 */
import * as assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

/** The entry points deno.json publishes: one string, or the values of an exports map. */
function entryPoints(): string[] {
  const cfg = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT)));
  const exp = cfg.exports;
  const list = typeof exp === "string" ? [exp] : Object.values(exp as Record<string, string>);
  assert.ok(list.length > 0, 'deno.json has no "exports"');
  return list;
}

Deno.test("deno doc --lint passes on every entry point in deno.json exports", async () => {
  const entries = entryPoints();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...entries],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(
    out.code,
    0,
    `deno doc --lint ${entries.join(" ")} failed: give each export JSDoc, and export (or inline) ` +
      `every type a public signature names:\n${text.slice(0, 20_000)}`,
  );
});
