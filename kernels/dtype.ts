/** Element types a tensor can hold. float64 exists for gradient checking on the CPU. */
export type DType = "float32" | "float64" | "int32";

/** The typed array that backs each dtype on the host. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** Float typed arrays only: what float kernels read and write. */
export type FloatArray = Float32Array | Float64Array;

/** Allocates a zeroed host array of `size` elements for `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
  }
}

/** Bytes per element of `dtype`. */
export function bytesPer(dtype: DType): number {
  return dtype === "float64" ? 8 : 4;
}

/** The dtype a typed array stores. */
export function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  return "int32";
}

/** True for float32 and float64. */
export function isFloat(dtype: DType): boolean {
  return dtype !== "int32";
}
