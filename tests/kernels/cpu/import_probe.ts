/**
 * Run by openblas_test.ts in a child process: imports the toolkit, then reports whether
 * OpenBLAS is mapped into the process (Linux /proc/self/maps) before and after a matmul.
 */
import * as dl from "../../../mod.ts";

const mapped = () => Deno.readTextFileSync("/proc/self/maps").includes("openblas");
const afterImport = mapped();
const a = dl.tensor(new Float32Array(64 * 64).fill(1), [64, 64]);
await dl.matmul(a, a).data();
console.log(JSON.stringify({ afterImport, afterMatmul: mapped() }));
