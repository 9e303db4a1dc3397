/**
 * `--peers`: runs the peer frameworks on the same cases as ours, one subprocess per peer and case
 * so a peer that cannot train a workload (or takes minutes per step) costs at most its time limit.
 * A peer that is missing or fails is recorded as `{peer, workload, error}`, never fatal.
 */
import { fileURLToPath } from "node:url";
import { runJsonLines } from "./subprocess.ts";

/** One line of a peer's result (rates in `unit`), or its error. */
export interface PeerRecord {
  peer: string;
  workload?: string;
  unit?: string;
  median?: number;
  min?: number;
  max?: number;
  error?: string;
  [extra: string]: unknown;
}

/** A peer: its name and the command that runs it on `cases` for `seconds` per repeat. */
interface PeerSpec {
  peer: string;
  command: (seconds: number, cases: string) => string[];
  env?: Record<string, string>;
}

const script = (name: string) => fileURLToPath(new URL(`./peers/${name}`, import.meta.url));

/** The peers for `device`: PyTorch and TF.js cpu/wasm always, TF.js webgpu on webgpu. */
export function peerSpecs(device: string, threads: number): PeerSpec[] {
  // --no-lock: the TF.js peers are pinned in their imports and stay out of deno.lock, so the
  // toolkit's own runs never fetch them.
  const deno = (file: string, ...pre: string[]) => (s: number, c: string) => [
    Deno.execPath(),
    "run",
    "-A",
    "--no-lock",
    script(file),
    ...pre,
    String(s),
    c,
  ];
  const n = String(threads);
  const specs: PeerSpec[] = [
    {
      peer: "torch",
      command: (s, c) => ["/usr/bin/python3", script("torch_peer.py"), String(s), c, n],
      // OpenBLAS and OpenMP start their own thread pools; pin them to the same count.
      env: { OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n },
    },
    { peer: "tfjs-cpu", command: deno("tfjs_cpu.ts", "cpu") },
    { peer: "tfjs-wasm", command: deno("tfjs_cpu.ts", "wasm") },
  ];
  if (device === "webgpu") specs.push({ peer: "tfjs-webgpu", command: deno("tfjs_webgpu.ts") });
  return specs;
}

/** Runs every peer on every case in `cases` (W1–W4, matmul); progress goes to stderr. */
export async function runPeers(
  device: string,
  cases: string[],
  { seconds, timeoutSeconds, threads }: {
    seconds: number;
    timeoutSeconds: number;
    threads: number;
  },
): Promise<PeerRecord[]> {
  const out: PeerRecord[] = [];
  for (const spec of peerSpecs(device, threads)) {
    for (const c of cases) {
      const r = await runJsonLines(spec.command(seconds, c), {
        timeoutSeconds,
        env: spec.env,
      });
      const workload = c === "matmul" ? "matmul1024" : c;
      const lines = r.lines.map((l) => ({ ...l, peer: spec.peer }) as PeerRecord);
      if (lines.length === 0) {
        lines.push({ peer: spec.peer, workload, error: r.error ?? "printed no result" });
      }
      for (const l of lines) {
        l.workload ??= workload;
        if (r.error && l.error === undefined && l.median === undefined) l.error = r.error;
        out.push(l);
        console.error(
          `  peer ${spec.peer} ${l.workload}: ` +
            (l.error ? `error: ${l.error}` : `${l.median?.toPrecision(3)} ${l.unit}`),
        );
      }
      // The backend did not load at all: the other cases would fail the same way.
      if (lines.some((l) => l.error && /did not initialise|could not start/.test(l.error))) {
        break;
      }
    }
  }
  return out;
}
