/**
 * Process memory from /proc/self/status (Linux): resident set now (VmRSS) and its peak (VmHWM).
 * Each benchmark workload runs in its own process so VmHWM is that workload's peak alone.
 */

/** Resident memory in MiB; `undefined` fields where /proc is absent (not Linux). */
export interface ProcMemory {
  rssMiB?: number;
  peakRssMiB?: number;
}

/** Reads VmRSS and VmHWM of this process. */
export function procMemory(): ProcMemory {
  let text: string;
  try {
    text = Deno.readTextFileSync("/proc/self/status");
  } catch {
    return {};
  }
  const kib = (key: string) => {
    const m = text.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) / 1024 : undefined;
  };
  return { rssMiB: kib("VmRSS"), peakRssMiB: kib("VmHWM") };
}
