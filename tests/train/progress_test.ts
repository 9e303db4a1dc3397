import assert from "node:assert/strict";
import { createProgress, formatDuration, formatValue } from "../../train/progress.ts";

/** A writer that records output and a clock the test moves by hand. */
function harness() {
  const out: string[] = [];
  let t = 0;
  return {
    out,
    write: (s: string) => void out.push(s),
    now: () => t,
    advance: (ms: number) => void (t += ms),
  };
}

Deno.test("plain mode: at most ~10 lines plus the final line", () => {
  const h = harness();
  const p = createProgress({ total: 100, label: "epoch 1/3", tty: false, ...h });
  for (let i = 1; i <= 100; i++) {
    h.advance(10); // 100 steps/s
    p.update(i, { loss: 1 / i, acc: i / 100 });
  }
  p.done({ loss: 0.01, acc: 0.987654 });
  // First step (so a slow epoch shows up at once), tenths 0.1 … 0.9, then the final line.
  assert.equal(h.out.length, 11);
  assert.ok(h.out.every((s) => s.endsWith("\n") && !s.includes("\r") && !s.includes("\x1b")));
  assert.equal(h.out[0], "epoch 1/3 1/100 (1%) 100 it/s eta 1.0s loss 1.0000 acc 0.0100\n");
  assert.equal(h.out[1], "epoch 1/3 10/100 (10%) 100 it/s eta 0.9s loss 0.1000 acc 0.1000\n");
  assert.equal(h.out[9], "epoch 1/3 90/100 (90%) 100 it/s eta 0.1s loss 0.0111 acc 0.9000\n");
  assert.equal(h.out[10], "epoch 1/3 100/100 1.0s 100 it/s loss 0.0100 acc 0.9877\n");
});

Deno.test("plain mode: sparse updates print each new tenth once", () => {
  const h = harness();
  const p = createProgress({ total: 375, label: "e", tty: false, ...h });
  for (const done of [38, 76, 80, 375]) p.update(done, {});
  assert.deepEqual(h.out.map((s) => s.split(" ")[1]), ["38/375", "76/375"]);
  p.done({});
  p.done({}); // second call ignored
  p.update(10, {}); // after done: ignored
  assert.equal(h.out.length, 3);
});

Deno.test("tty mode: redraws one line, throttled to ~10 per second, final line ends it", () => {
  const h = harness();
  const p = createProgress({ total: 1000, label: "epoch 2/2", tty: true, ...h });
  for (let i = 1; i <= 1000; i++) {
    h.advance(1); // 1000 steps/s for one second → ~10 redraws
    p.update(i, { loss: 0.5 });
  }
  p.done({ loss: 0.25 });
  const draws = h.out.slice(0, -1);
  assert.ok(draws.length >= 9 && draws.length <= 12, `${draws.length} redraws`);
  assert.ok(draws.every((s) => s.startsWith("\r\x1b[2K") && !s.includes("\n")));
  assert.equal(
    draws[0],
    `\r\x1b[2Kepoch 2/2 [>${" ".repeat(19)}] 1/1000 1000 it/s eta 1.0s loss 0.5000`,
  );
  assert.match(draws.at(-1)!, /\[====================\] 1000\/1000/);
  assert.equal(h.out.at(-1), "\r\x1b[2Kepoch 2/2 1000/1000 1.0s 1000 it/s loss 0.2500\n");
});

Deno.test("tty mode: lines are cut to the terminal width", () => {
  const h = harness();
  const p = createProgress({ total: 10, label: "x".repeat(100), tty: true, columns: 40, ...h });
  p.update(1, { loss: 1 });
  assert.equal(h.out[0].length, "\r\x1b[2K".length + 39);
});

Deno.test("value and duration formatting", () => {
  assert.equal(formatValue(0.123456), "0.1235");
  assert.equal(formatValue(12), "12.0000");
  assert.equal(formatValue(0), "0.0000");
  assert.equal(formatValue(0.0000123), "1.230e-5");
  assert.equal(formatValue(NaN), "NaN");
  assert.equal(formatDuration(7.34), "7.3s");
  assert.equal(formatDuration(125), "2m05s");
  assert.equal(formatDuration(3720), "1h02m");
  assert.equal(formatDuration(NaN), "?");
  assert.throws(() => createProgress({ total: -1, label: "", write: () => {} }), /total/);
});
