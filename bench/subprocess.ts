/**
 * Runs a benchmark subprocess with a time limit and collects the JSON lines it prints on stdout
 * (its stderr passes through). Used for our own cases (one process each, so peak RSS is per case)
 * and for the peers.
 */

/** The JSON objects printed, or why there are none. */
export interface SubprocessResult {
  lines: Record<string, unknown>[];
  /** Set when the process timed out, failed to start, or exited non-zero. */
  error?: string;
  /** What the process wrote on stderr, for callers that parse it. */
  stderr?: string;
  seconds: number;
}

/** Spawns `cmd` (program, args…) and parses each stdout line that starts with "{". */
export async function runJsonLines(
  cmd: string[],
  { timeoutSeconds, env }: { timeoutSeconds: number; env?: Record<string, string> },
): Promise<SubprocessResult> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  let out;
  try {
    out = await new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      env,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    }).output();
  } catch (e) {
    return { lines: [], error: `could not start ${cmd[0]}: ${(e as Error).message}`, seconds: 0 };
  }
  const stderr = new TextDecoder().decode(out.stderr);
  const lines: Record<string, unknown>[] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      lines.push(JSON.parse(line));
    } catch {
      // A truncated line from a killed process; the error below says why.
    }
  }
  if (out.signal) {
    const why = seconds() >= timeoutSeconds - 0.5
      ? `timed out after ${timeoutSeconds} s`
      : `killed by ${out.signal}`;
    return { lines, error: why, stderr, seconds: seconds() };
  }
  if (out.code !== 0) {
    // With RUST_BACKTRACE set, Deno ends its errors with a useless "Stack backtrace:" block.
    const message = stderr.split(/\n\s*Stack backtrace:/)[0];
    // deno-lint-ignore no-control-regex
    const plain = message.replace(/\x1b\[[0-9;]*m/g, "").trim();
    const tail = plain.split("\n").slice(-3).join(" | ").slice(0, 400);
    return { lines, error: `exit code ${out.code}: ${tail}`, stderr, seconds: seconds() };
  }
  return { lines, stderr, seconds: seconds() };
}
