/**
 * A private XDG runtime folder for the GPU driver stack. Without `XDG_RUNTIME_DIR`, Mesa's
 * Vulkan loader prints "error: XDG_RUNTIME_DIR is invalid or not set in the environment." twice
 * when an adapter is requested, which reads like a failure of the run. Before the first probe
 * we point it at `/tmp/deno-dl-runtime-<uid>` (created with mode 700, as the XDG spec wants),
 * unless the variable is already set or the permissions to do so are missing (then the driver
 * just prints its line).
 * @module
 */

/** Sets `XDG_RUNTIME_DIR` to a private folder when it is unset; returns the folder it set. */
export function ensureRuntimeDir(): string | undefined {
  try {
    const granted = (p: Deno.PermissionDescriptor) =>
      Deno.permissions.querySync(p).state === "granted";
    if (!granted({ name: "env", variable: "XDG_RUNTIME_DIR" })) return undefined;
    if (Deno.env.get("XDG_RUNTIME_DIR")) return undefined;
    const uid = Deno.uid();
    if (uid === null) return undefined; // Windows: no XDG
    const dir = `/tmp/deno-dl-runtime-${uid}`;
    if (!granted({ name: "write", path: dir }) || !granted({ name: "read", path: dir })) {
      return undefined;
    }
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = Deno.statSync(dir);
    // Only a folder of our own that nobody else can enter (someone may have made it first).
    if (!st.isDirectory || st.uid !== uid) return undefined;
    if ((st.mode! & 0o777) !== 0o700) Deno.chmodSync(dir, 0o700);
    Deno.env.set("XDG_RUNTIME_DIR", dir);
    return dir;
  } catch {
    return undefined;
  }
}
