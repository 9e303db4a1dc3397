/**
 * `--peers`: runs the peer frameworks on the same cases as ours, one subprocess per peer and case
 * so a peer that cannot train a workload (or takes minutes per step) costs at most its time limit.
 * A peer that is missing or fails is recorded as `{peer, workload, error}`, never fatal; a TF.js
 * peer whose npm packages are not in Deno's cache is recorded once as `{peer, error, skipped}`
 * (the bench never goes to the network unless `--fetch-peers` says so).
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
  /** True when the peer did not run at all (its npm packages are absent); `error` says why. */
  skipped?: boolean;
  [extra: string]: unknown;
}

/** A peer: its name and the command that runs it on `cases` for `seconds` per repeat. */
export interface PeerSpec {
  peer: string;
  command: (seconds: number, cases: string) => string[];
  env?: Record<string, string>;
  /** A Deno peer with npm: imports: absent packages mean "skipped", not an error. */
  npm?: boolean;
}

/** Where PyTorch runs: `auto` is CUDA when ours runs on WebGPU and torch.cuda is available. */
export type PeerDevice = "cpu" | "cuda" | "auto";

/** Checks `--peer-device`. Example: `parsePeerDevice("cuda")`. */
export function parsePeerDevice(s: string): PeerDevice {
  if (s === "cpu" || s === "cuda" || s === "auto") return s;
  throw new Error(`bench: --peer-device ${s} must be cpu, cuda or auto`);
}

/** What the bench passes the PyTorch peer: ours on the CPU compares with PyTorch on the CPU. */
export function torchDevice(device: string, peerDevice: PeerDevice): "cpu" | "cuda" | "auto" {
  return peerDevice === "auto" && device !== "webgpu" ? "cpu" : peerDevice;
}

/** Options of {@link peerSpecs}. */
export interface PeerOptions {
  /** PyTorch's CPU threads. */
  threads: number;
  peerDevice?: PeerDevice;
  /** Let Deno fetch the TF.js packages (default: use Deno's npm cache only, never the network). */
  fetch?: boolean;
  /** The Python with PyTorch (default /usr/bin/python3; a CUDA build is often in a venv). */
  python?: string;
  /** Only these peers (`torch` stands for PyTorch on either device); default all. */
  only?: string[];
}

/** Names `--peer-only` takes. */
export const PEER_NAMES = ["torch", "tfjs-cpu", "tfjs-wasm", "tfjs-webgpu"];

const script = (name: string) => fileURLToPath(new URL(`./peers/${name}`, import.meta.url));

/**
 * The peers for `device`: PyTorch (on the CPU, or CUDA per `peerDevice`) and TF.js cpu/wasm
 * always, TF.js webgpu on webgpu.
 */
export function peerSpecs(
  device: string,
  { threads, peerDevice = "auto", fetch = false, python = "/usr/bin/python3", only }: PeerOptions,
): PeerSpec[] {
  for (const name of only ?? []) {
    if (!PEER_NAMES.includes(name)) {
      throw new Error(`bench: --peer-only ${name} is not a peer; use ${PEER_NAMES.join(",")}`);
    }
  }
  // --no-lock: the TF.js peers are pinned in their imports and stay out of deno.lock, so the
  // toolkit's own runs never fetch them. --cached-only: an offline machine skips them at once.
  const deno = (file: string, ...pre: string[]) => (s: number, c: string) => [
    Deno.execPath(),
    "run",
    "-A",
    "--no-lock",
    ...(fetch ? [] : ["--cached-only"]),
    script(file),
    ...pre,
    String(s),
    c,
  ];
  const n = String(threads);
  const torchOn = torchDevice(device, peerDevice);
  const specs: PeerSpec[] = [
    {
      peer: torchOn === "cuda" ? "torch-cuda" : "torch",
      command: (s, c) => [python, script("torch_peer.py"), String(s), c, n, torchOn],
      // OpenBLAS and OpenMP start their own thread pools; pin them to the same count.
      env: { OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n },
    },
    { peer: "tfjs-cpu", command: deno("tfjs_cpu.ts", "cpu"), npm: true },
    { peer: "tfjs-wasm", command: deno("tfjs_cpu.ts", "wasm"), npm: true },
  ];
  if (device === "webgpu") {
    specs.push({ peer: "tfjs-webgpu", command: deno("tfjs_webgpu.ts"), npm: true });
  }
  const key = (s: PeerSpec) => s.peer.replace(/^torch-cuda$/, "torch");
  return only ? specs.filter((s) => only.includes(key(s))) : specs;
}

/** Deno's message when an npm: import is not in its cache under --cached-only. */
const NOT_CACHED = /npm package not found in cache: "([^"]+)"/;

/** The note a peer skipped for want of its npm packages gets (results.json and results.md). */
export function notCachedNote(pkg: string): string {
  return `skipped: npm package ${pkg} is not in Deno's cache (offline run); fetch it once with ` +
    "`deno cache --no-lock bench/peers/tfjs_cpu.ts bench/peers/tfjs_webgpu.ts` where there is " +
    "network, or pass --fetch-peers";
}

/** Runs every peer on every case in `cases` (W1–W7, matmul); progress goes to stderr. */
export async function runPeers(
  device: string,
  cases: string[],
  { seconds, timeoutSeconds, ...options }: PeerOptions & {
    seconds: number;
    timeoutSeconds: number;
  },
): Promise<PeerRecord[]> {
  const out: PeerRecord[] = [];
  for (const spec of peerSpecs(device, options)) {
    for (const c of cases) {
      const r = await runJsonLines(spec.command(seconds, c), {
        timeoutSeconds,
        env: spec.env,
      });
      const workload = c === "matmul" ? "matmul1024" : c;
      const missing = spec.npm ? NOT_CACHED.exec(r.stderr ?? "")?.[1] : undefined;
      if (missing) {
        const note = notCachedNote(missing);
        // Every case would miss the same package: one line stands for all of them.
        out.push({ peer: spec.peer, error: note, skipped: true });
        console.error(`  peer ${spec.peer}: ${note}`);
        break;
      }
      const lines = r.lines.map((l) => ({ peer: spec.peer, ...l }) as PeerRecord);
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
