/** The machine a benchmark ran on, for bench/results.json: CPU, cores, RAM, OS, Deno, date. */

/** What {@link machineInfo} records. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB?: number;
  os: string;
  deno: string;
  v8: string;
  /** 1-, 5- and 15-minute load averages at the start: other work on a shared machine. */
  loadAverage?: number[];
}

function read(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** Reads /proc where it exists (Linux) and Deno's own build and version info. */
export function machineInfo(): MachineInfo {
  const cpu = read("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim();
  const memKiB = read("/proc/meminfo").match(/^MemTotal:\s+(\d+) kB/m)?.[1];
  const load = read("/proc/loadavg").split(" ").slice(0, 3).map(Number);
  return {
    cpu: cpu ?? Deno.build.arch,
    cores: navigator.hardwareConcurrency,
    ramGiB: memKiB ? Math.round((Number(memKiB) / 1024 ** 2) * 10) / 10 : undefined,
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    loadAverage: load.length === 3 && load.every(Number.isFinite) ? load : undefined,
  };
}
