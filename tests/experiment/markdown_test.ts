import assert from "node:assert/strict";
import { markdownCell, markdownTable } from "../../experiment/markdown.ts";

Deno.test("markdownTable: header, rule with right-aligned columns, escaped cells", () => {
  assert.equal(
    markdownTable("a | n", [["x|y", "1"], ["two\nlines", "22"]], [1]),
    "| a | n |\n|---|---:|\n| x\\|y | 1 |\n| two lines | 22 |\n",
  );
  assert.equal(markdownTable(["a b"], []), "| a b |\n|---|\n");
  assert.equal(markdownCell("|"), "\\|");
});
