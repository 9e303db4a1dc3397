/** recordsCsv: named and renamed columns, and every field of the first record by default. */
import assert from "node:assert/strict";
import { recordsCsv } from "../../experiment/records_csv.ts";

const ROWS = [{ fn: "relu", err: 1e-17, pass: true }, { fn: "a,b", err: NaN, pass: false }];

Deno.test("recordsCsv: the chosen columns, renamed where asked, quoted where needed", () => {
  assert.equal(
    recordsCsv(ROWS, [["function", "fn"], "pass"]),
    'function,pass\nrelu,true\n"a,b",false\n',
  );
});

Deno.test("recordsCsv: without columns, every field of the first record in its order", () => {
  assert.equal(recordsCsv(ROWS), 'fn,err,pass\nrelu,1e-17,true\n"a,b",,false\n');
  assert.equal(recordsCsv([]), "\n");
});
