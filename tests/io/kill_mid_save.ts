/**
 * The kill half of the model-file crash tests: save_loop_probe.ts saves one model into a folder
 * over and over; it is killed a chosen time after its first complete save.
 * @module
 */

const PROBE = new URL("./save_loop_probe.ts", import.meta.url).pathname;

/**
 * Starts the probe saving the model of `seed` (`"functional"`: the residual CNN, else the MNIST
 * MLP) into `dir`, waits for its first complete save, then SIGKILLs it `delay` ms later.
 */
export async function killMidSave(
  dir: string,
  seed: number,
  delay: number,
  kind?: "functional",
): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PROBE, dir, String(seed), ...(kind ? [kind] : [])],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read(); // "saved": at least one complete save of this seed exists
  await new Promise((r) => setTimeout(r, delay));
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel();
}
