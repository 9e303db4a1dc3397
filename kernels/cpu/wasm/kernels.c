/*
 * WASM SIMD kernels of the fast CPU backend: the memory-bound loops around the GEMMs of a
 * convolution (im2col, col2im) and 2×2 max pooling. Built by `deno task build-wasm` (clang
 * --target=wasm32 -msimd128, see tools/build_wasm.ts) into kernels_wasm.ts; CI rebuilds it and
 * checks the bytes match. Every kernel is tested bit for bit against the TypeScript loop it
 * replaces (tests/kernels/cpu/wasm/).
 *
 * Pointers are byte offsets into the shared memory of wasm_heap.ts. Layouts are NHWC, float32.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

/* The copy/zero/add loops move 4 floats per instruction; the tail goes one by one. */
static inline void copy_f32(float *d, const float *s, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(d + i, wasm_v128_load(s + i));
  for (; i < n; i++) d[i] = s[i];
}

static inline void zero_f32(float *d, int n) {
  const v128_t z = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(d + i, z);
  for (; i < n; i++) d[i] = 0.0f;
}

static inline void add_f32(float *d, const float *s, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    wasm_v128_store(d + i, wasm_f32x4_add(wasm_v128_load(d + i), wasm_v128_load(s + i)));
  }
  for (; i < n; i++) d[i] += s[i];
}

static inline int imax(int a, int b) { return a > b ? a : b; }
static inline int imin(int a, int b) { return a < b ? a : b; }

/*
 * The column matrix of nb samples of x: one row per output pixel, K = kh·kw·cin columns ordered
 * (ky, kx, cin), zeros where the window covers padding. Same order as im2col.ts.
 */
EXPORT("im2col_f32")
void im2col_f32(const float *x, float *cols, int nb, int h, int w, int cin, int kh, int kw,
                int oh, int ow, int sh, int sw, int top, int left) {
  const int run = kw * cin, row_len = w * cin;
  float *o = cols;
  for (int b = 0; b < nb; b++) {
    const float *xb = x + b * h * row_len;
    for (int oy = 0; oy < oh; oy++) {
      const int iy0 = oy * sh - top;
      for (int ox = 0; ox < ow; ox++) {
        const int ix0 = ox * sw - left;
        /* Taps kx in [lo, hi) / cin land inside the row; the rest are padding. */
        const int lo = imax(0, -ix0) * cin, hi = imin(kw, w - ix0) * cin;
        for (int ky = 0; ky < kh; ky++, o += run) {
          const int iy = iy0 + ky;
          if (iy < 0 || iy >= h || hi <= lo) {
            zero_f32(o, run);
            continue;
          }
          const float *s = xb + iy * row_len + ix0 * cin;
          if (lo > 0) zero_f32(o, lo);
          copy_f32(o + lo, s + lo, hi - lo);
          if (hi < run) zero_f32(o + hi, run - hi);
        }
      }
    }
  }
}

/*
 * im2col for one input channel (first layers): a window row is kw scalars, too short for the
 * vector loops, so each is copied with its own padding test.
 */
EXPORT("im2col1_f32")
void im2col1_f32(const float *x, float *cols, int nb, int h, int w, int kh, int kw, int oh,
                 int ow, int sh, int sw, int top, int left) {
  float *o = cols;
  for (int b = 0; b < nb; b++) {
    const float *xb = x + b * h * w;
    for (int oy = 0; oy < oh; oy++) {
      const int iy0 = oy * sh - top;
      for (int ox = 0; ox < ow; ox++) {
        const int ix0 = ox * sw - left;
        for (int ky = 0; ky < kh; ky++, o += kw) {
          const int iy = iy0 + ky;
          const float *s = xb + iy * w + ix0;
          if (iy < 0 || iy >= h) {
            for (int kx = 0; kx < kw; kx++) o[kx] = 0.0f;
          } else if (ix0 >= 0 && ix0 + kw <= w) {
            for (int kx = 0; kx < kw; kx++) o[kx] = s[kx];
          } else {
            for (int kx = 0; kx < kw; kx++) {
              const int ix = ix0 + kx;
              o[kx] = ix >= 0 && ix < w ? s[kx] : 0.0f;
            }
          }
        }
      }
    }
  }
}

/*
 * The adjoint of im2col: dx (nb samples) = the sum of each column entry onto the input element
 * it was copied from. Overwrites dx: zeroes it first, then adds entries in column order — the
 * order of col2im.ts, so the sums round identically.
 */
EXPORT("col2im_f32")
void col2im_f32(const float *cols, float *dx, int nb, int h, int w, int cin, int kh, int kw,
                int oh, int ow, int sh, int sw, int top, int left) {
  const int run = kw * cin, row_len = w * cin;
  zero_f32(dx, nb * h * row_len);
  const float *o = cols;
  for (int b = 0; b < nb; b++) {
    float *xb = dx + b * h * row_len;
    for (int oy = 0; oy < oh; oy++) {
      const int iy0 = oy * sh - top;
      for (int ox = 0; ox < ow; ox++) {
        const int ix0 = ox * sw - left;
        const int lo = imax(0, -ix0) * cin, hi = imin(kw, w - ix0) * cin;
        for (int ky = 0; ky < kh; ky++, o += run) {
          const int iy = iy0 + ky;
          if (iy < 0 || iy >= h || hi <= lo) continue;
          add_f32(xb + iy * row_len + ix0 * cin + lo, o + lo, hi - lo);
        }
      }
    }
  }
}

/* All lanes −1 where v is NaN (v ≠ v), else 0. */
static inline v128_t isnan4(v128_t v) { return wasm_f32x4_ne(v, v); }

/*
 * −1 where v replaces the running maximum m of pooling: m < v, or v is NaN and m is not. That is
 * the reference's rule exactly: the first maximum wins, −0 and +0 tie, the first NaN wins and
 * nothing replaces it. (f32x4.max would keep a NaN too, but a later one's bits, and orders −0
 * below +0.)
 */
static inline v128_t beats4(v128_t m, v128_t v) {
  return wasm_v128_or(wasm_f32x4_lt(m, v), wasm_v128_andnot(isnan4(v), isnan4(m)));
}

/* The running maximum after tap v. */
static inline v128_t poolmax4(v128_t m, v128_t v) {
  return wasm_v128_bitselect(v, m, beats4(m, v));
}

/*
 * 2×2 max pooling at stride 2 without padding, c a multiple of 4, by poolmax4.
 * Rows and columns past 2·oh, 2·ow are not read.
 */
EXPORT("maxpool2x2_f32")
void maxpool2x2_f32(const float *x, float *out, int n, int h, int w, int c, int oh, int ow) {
  const int row = w * c;
  float *o = out;
  for (int b = 0; b < n; b++) {
    for (int oy = 0; oy < oh; oy++) {
      const float *r0 = x + (b * h + 2 * oy) * row;
      for (int ox = 0; ox < ow; ox++) {
        const float *p = r0 + 2 * ox * c;
        for (int ch = 0; ch < c; ch += 4, o += 4) {
          v128_t m = wasm_v128_load(p + ch);
          m = poolmax4(m, wasm_v128_load(p + ch + c));
          m = poolmax4(m, wasm_v128_load(p + ch + row));
          m = poolmax4(m, wasm_v128_load(p + ch + row + c));
          wasm_v128_store(o, m);
        }
      }
    }
  }
}

/*
 * Gradient of maxpool2x2_f32: each window's 0 + dy goes to the tap that won (same comparisons,
 * so the same winner), the other three taps get +0. Every tap of every window is written; inputs
 * past 2·oh, 2·ow are in no window and are zeroed first.
 */
EXPORT("maxpool2x2_grad_f32")
void maxpool2x2_grad_f32(const float *x, const float *dy, float *dx, int n, int h, int w, int c,
                         int oh, int ow) {
  const int row = w * c;
  if (2 * oh < h || 2 * ow < w) zero_f32(dx, n * h * row);
  const float *g = dy;
  for (int b = 0; b < n; b++) {
    for (int oy = 0; oy < oh; oy++) {
      const int r0 = (b * h + 2 * oy) * row;
      for (int ox = 0; ox < ow; ox++) {
        const int p = r0 + 2 * ox * c;
        for (int ch = 0; ch < c; ch += 4, g += 4) {
          const int q0 = p + ch, q1 = q0 + c, q2 = q0 + row, q3 = q2 + c;
          const v128_t a1 = wasm_v128_load(x + q1), a2 = wasm_v128_load(x + q2);
          const v128_t a3 = wasm_v128_load(x + q3);
          v128_t m = wasm_v128_load(x + q0);
          /* tK: tap K beats the running maximum (all lanes −1 or 0): it is larger, or it is
             the first NaN (a NaN maximum is never beaten). */
          const v128_t t1 = beats4(m, a1);
          m = wasm_v128_bitselect(a1, m, t1);
          const v128_t t2 = beats4(m, a2);
          m = wasm_v128_bitselect(a2, m, t2);
          const v128_t t3 = beats4(m, a3);
          /* The winner is the last tap that beat the maximum before it. */
          const v128_t w2 = wasm_v128_andnot(t2, t3);
          const v128_t w1 = wasm_v128_andnot(wasm_v128_andnot(t1, t2), t3);
          const v128_t w0 = wasm_v128_not(wasm_v128_or(wasm_v128_or(t1, t2), t3));
          /* 0 + dy, as the reference accumulates onto zero: a −0 gradient becomes +0. */
          const v128_t d = wasm_f32x4_add(wasm_f32x4_splat(0.0f), wasm_v128_load(g));
          wasm_v128_store(dx + q0, wasm_v128_and(d, w0));
          wasm_v128_store(dx + q1, wasm_v128_and(d, w1));
          wasm_v128_store(dx + q2, wasm_v128_and(d, w2));
          wasm_v128_store(dx + q3, wasm_v128_and(d, t3));
        }
      }
    }
  }
}

/*
 * Elementwise kernels over n values (any n: a scalar loop takes the tail). Each matches the
 * TypeScript kernel it stands in for bit for bit: float32 add/sub/mul round the exact result
 * once either way, and ReLU passes NaN through as the reference does (x > 0 or x ≠ x).
 */
EXPORT("relu_f32")
void relu_f32(const float *x, float *out, int n) {
  const v128_t z = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    wasm_v128_store(out + i, wasm_v128_and(v, wasm_v128_or(wasm_f32x4_gt(v, z), isnan4(v))));
  }
  for (; i < n; i++) out[i] = x[i] > 0.0f || x[i] != x[i] ? x[i] : 0.0f;
}

/* out = x > 0 ? dy : x is NaN ? x : 0 */
EXPORT("relu_grad_f32")
void relu_grad_f32(const float *dy, const float *x, float *out, int n) {
  const v128_t z = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    const v128_t keep = wasm_v128_and(wasm_v128_load(dy + i), wasm_f32x4_gt(v, z));
    wasm_v128_store(out + i, wasm_v128_or(keep, wasm_v128_and(v, isnan4(v))));
  }
  for (; i < n; i++) out[i] = x[i] > 0.0f ? dy[i] : x[i] != x[i] ? x[i] : 0.0f;
}

/* The binary ops by code: 0 add, 1 sub, 2 mul, 3 div. */
static inline v128_t binop4(int op, v128_t a, v128_t b) {
  switch (op) {
  case 0: return wasm_f32x4_add(a, b);
  case 1: return wasm_f32x4_sub(a, b);
  case 2: return wasm_f32x4_mul(a, b);
  default: return wasm_f32x4_div(a, b);
  }
}

static inline float binop1(int op, float a, float b) {
  switch (op) {
  case 0: return a + b;
  case 1: return a - b;
  case 2: return a * b;
  default: return a / b;
  }
}

/*
 * out = a op b, where b repeats every `block` values of a (block = n: same shape; a per-channel
 * bias: block = channels). n is a multiple of block.
 */
EXPORT("binary_f32")
void binary_f32(int op, const float *a, const float *b, float *out, int n, int block) {
  for (int o = 0; o < n; o += block) {
    const float *ao = a + o;
    float *oo = out + o;
    int j = 0;
    switch (op) { /* one loop per op, so the switch is not inside the vector loop */
    case 0:
      for (; j + 4 <= block; j += 4) {
        wasm_v128_store(oo + j, binop4(0, wasm_v128_load(ao + j), wasm_v128_load(b + j)));
      }
      break;
    case 1:
      for (; j + 4 <= block; j += 4) {
        wasm_v128_store(oo + j, binop4(1, wasm_v128_load(ao + j), wasm_v128_load(b + j)));
      }
      break;
    case 2:
      for (; j + 4 <= block; j += 4) {
        wasm_v128_store(oo + j, binop4(2, wasm_v128_load(ao + j), wasm_v128_load(b + j)));
      }
      break;
    default:
      for (; j + 4 <= block; j += 4) {
        wasm_v128_store(oo + j, binop4(3, wasm_v128_load(ao + j), wasm_v128_load(b + j)));
      }
    }
    for (; j < block; j++) oo[j] = binop1(op, ao[j], b[j]);
  }
}

/*
 * acc[j] += x[r·inner + j] for r in [0, rows), accumulated in float64 row by row: the same
 * additions in the same order as the TypeScript column sum (bias gradients). Columns go 16 at a
 * time down the rows with their sums in registers (a load and a store of acc per row and quad
 * cost more than the additions), then quads, then single columns; each column's order is the
 * same either way.
 */
static inline v128_t promote_hi(v128_t v) {
  return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
}

EXPORT("sum_rows_f64")
void sum_rows_f64(const float *x, double *acc, int rows, int inner) {
  int j = 0;
  for (; j + 16 <= inner; j += 16) {
    v128_t s0 = wasm_v128_load(acc + j), s1 = wasm_v128_load(acc + j + 2);
    v128_t s2 = wasm_v128_load(acc + j + 4), s3 = wasm_v128_load(acc + j + 6);
    v128_t s4 = wasm_v128_load(acc + j + 8), s5 = wasm_v128_load(acc + j + 10);
    v128_t s6 = wasm_v128_load(acc + j + 12), s7 = wasm_v128_load(acc + j + 14);
    for (int r = 0; r < rows; r++) {
      const float *xr = x + r * inner + j;
      const v128_t v0 = wasm_v128_load(xr), v1 = wasm_v128_load(xr + 4);
      const v128_t v2 = wasm_v128_load(xr + 8), v3 = wasm_v128_load(xr + 12);
      s0 = wasm_f64x2_add(s0, wasm_f64x2_promote_low_f32x4(v0));
      s1 = wasm_f64x2_add(s1, promote_hi(v0));
      s2 = wasm_f64x2_add(s2, wasm_f64x2_promote_low_f32x4(v1));
      s3 = wasm_f64x2_add(s3, promote_hi(v1));
      s4 = wasm_f64x2_add(s4, wasm_f64x2_promote_low_f32x4(v2));
      s5 = wasm_f64x2_add(s5, promote_hi(v2));
      s6 = wasm_f64x2_add(s6, wasm_f64x2_promote_low_f32x4(v3));
      s7 = wasm_f64x2_add(s7, promote_hi(v3));
    }
    wasm_v128_store(acc + j, s0), wasm_v128_store(acc + j + 2, s1);
    wasm_v128_store(acc + j + 4, s2), wasm_v128_store(acc + j + 6, s3);
    wasm_v128_store(acc + j + 8, s4), wasm_v128_store(acc + j + 10, s5);
    wasm_v128_store(acc + j + 12, s6), wasm_v128_store(acc + j + 14, s7);
  }
  for (; j + 4 <= inner; j += 4) {
    v128_t s0 = wasm_v128_load(acc + j), s1 = wasm_v128_load(acc + j + 2);
    for (int r = 0; r < rows; r++) {
      const v128_t v = wasm_v128_load(x + r * inner + j);
      s0 = wasm_f64x2_add(s0, wasm_f64x2_promote_low_f32x4(v));
      s1 = wasm_f64x2_add(s1, promote_hi(v));
    }
    wasm_v128_store(acc + j, s0), wasm_v128_store(acc + j + 2, s1);
  }
  for (; j < inner; j++) {
    double s = acc[j];
    for (int r = 0; r < rows; r++) s += (double)x[r * inner + j];
    acc[j] = s;
  }
}

/*
 * The column matrix of a one-channel, horizontally unstrided conv, transposed: colsT[k][p] for
 * tap k = ky·kw + kx and output pixel p of the nb samples (p = (b·oh + oy)·ow + ox), so a tap's
 * values for one output row are one contiguous run of the input row. The GEMMs read it with a
 * transposed operand. Used where the row-major matrix would need a 1-value copy per tap.
 */
EXPORT("im2col_t1_f32")
void im2col_t1_f32(const float *x, float *cols_t, int nb, int h, int w, int kh, int kw, int oh,
                   int ow, int sh, int top, int left) {
  const int pixels = nb * oh * ow;
  for (int ky = 0; ky < kh; ky++) {
    for (int kx = 0; kx < kw; kx++) {
      float *d = cols_t + (ky * kw + kx) * pixels;
      const int ix0 = kx - left;
      /* Output columns [lo, hi) read inside the input row. */
      const int lo = imin(ow, imax(0, -ix0)), hi = imax(lo, imin(ow, w - ix0));
      for (int b = 0; b < nb; b++) {
        for (int oy = 0; oy < oh; oy++, d += ow) {
          const int iy = oy * sh + ky - top;
          if (iy < 0 || iy >= h) {
            zero_f32(d, ow);
            continue;
          }
          if (lo > 0) zero_f32(d, lo);
          copy_f32(d + lo, x + (b * h + iy) * w + ix0 + lo, hi - lo);
          if (hi < ow) zero_f32(d + hi, ow - hi);
        }
      }
    }
  }
}

/*
 * gelu's erf form and its gradient, in float64 lanes (f64x2) on float32 data, with the
 * reference's formulas (kernels/ops/activation_math.ts): gelu(x) = x·Φ(x),
 * gelu′(x) = Φ(x) + x·φ(x). Φ comes from the scaled complementary error function
 * erfcx(z) = e^(z²)·erfc(z) at z = |x|/√2: with E = ½·e^(−x²/2)·erfcx(z), Φ(x) = E below 0 and
 * 1 − E from 0 on, so neither tail cancels. erfcx is a polynomial in t = (z − K)/(z + K), which
 * maps z ∈ [0, ∞) onto [−1, 1): the Chebyshev interpolant of tools/fit_erfcx.ts (run with
 * --k 4 --terms 20) in powers of t, float64 accurate to ≈ 5e-14 relative, so a float32 result rounds as the
 * reference's does except where the float64 value sits next to a rounding boundary (one ulp).
 */
/* K = 4, 20 terms: max relative error 5.26e-14 */
#define ERFCX_K 4.0
static const double ERFCX_P[20] = {
  0.13699945762506333, -0.25906804876019890, 0.21871967891779368,
  -0.16425781669577130, 0.10896317741553735, -0.063107815669317280,
  0.031299056298085937, -0.012843945743610875, 0.0040602650934054912,
  -0.00079912843350626872, -0.000021767327994837165, 0.000078988800316892602,
  -0.000022542977342254746, -0.0000019155795826009125, 0.0000029255547133288931,
  -3.9137530620791950e-7, -2.6706002245191483e-7, 8.1044345279224228e-8,
  1.6460762708447873e-8, -7.5873686000704762e-9,
};
#define ERFCX_TERMS 20

/*
 * The kernels work on NV pairs of lanes at once, step by step across the pairs, so that NV
 * independent chains of dependent multiply-adds (the Horner sums) interleave; NV = 4 was faster
 * than 2 and 8 (bench/README.md).
 */
/* vec travels by value between inlined functions only (by memory otherwise, in wasm32's ABI). */
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NV 8
typedef struct { v128_t v[NV]; } vec;
/* Loops over the pairs, unrolled so that vec lives in locals: a loop left rolled would index it
   in memory, on a stack these kernels must not have. */
#define EACH(j) _Pragma("clang loop unroll(full)") for (int j = 0; j < NV; j++)
#define EACH_PAIR(j) _Pragma("clang loop unroll(full)") for (int j = 0; j < NV; j += 2)

static ALWAYS_INLINE vec splat_vec(double c) {
  vec r;
  EACH(j) r.v[j] = wasm_f64x2_splat(c);
  return r;
}

/* erfcx(a) for a ≥ 0 by Horner's rule in t (+∞ gives t = 1: a finite value, times e^(−∞) = 0). */
static ALWAYS_INLINE vec erfcx2(vec a) {
  vec t, s = splat_vec(ERFCX_P[ERFCX_TERMS - 1]);
  EACH(j) {
    /* 1 − 2K/(a + K) rather than (a − K)/(a + K): +∞ gives t = 1, not ∞/∞. */
    t.v[j] = wasm_f64x2_sub(wasm_f64x2_splat(1.0),
                            wasm_f64x2_div(wasm_f64x2_splat(2.0 * ERFCX_K),
                                           wasm_f64x2_add(a.v[j], wasm_f64x2_splat(ERFCX_K))));
  }
#pragma clang loop unroll(full)
  for (int i = ERFCX_TERMS - 2; i >= 0; i--) {
    EACH(j) s.v[j] = wasm_f64x2_add(wasm_f64x2_mul(s.v[j], t.v[j]), wasm_f64x2_splat(ERFCX_P[i]));
  }
  return s;
}

/*
 * e^y for y ≤ 0: y = k·ln 2 + r with |r| ≤ ½ln 2 (ln 2 split in two so k·ln2_hi is exact), e^r
 * by its Taylor polynomial to r¹² (remainder < 2e-16 relative), times 2^k built from its bits.
 * Below −708, where 2^k would be subnormal, the result is 0 (every caller's float32 result is
 * then ±0 or NaN either way); NaN stays NaN.
 */
static ALWAYS_INLINE vec exp_nonpositive2(vec y) {
  vec k, r, p = splat_vec(1.0);
  EACH(j) {
    k.v[j] = wasm_f64x2_nearest(wasm_f64x2_mul(y.v[j], wasm_f64x2_splat(1.4426950408889634)));
    r.v[j] = wasm_f64x2_sub(y.v[j], wasm_f64x2_mul(k.v[j], wasm_f64x2_splat(0x1.62e42feep-1)));
    r.v[j] = wasm_f64x2_sub(r.v[j], wasm_f64x2_mul(k.v[j], wasm_f64x2_splat(0x1.a39ef35793c76p-33)));
  }
  /* Σ rⁿ/n! to n = 12 by Horner's rule (1/n! rounded to float64 by the compiler). */
  double inv_fact[13];
  inv_fact[0] = 1.0;
#pragma clang loop unroll(full)
  for (int n = 1; n <= 12; n++) inv_fact[n] = inv_fact[n - 1] / n;
  p = splat_vec(inv_fact[12]);
#pragma clang loop unroll(full)
  for (int n = 11; n >= 0; n--) {
    EACH(j) p.v[j] = wasm_f64x2_add(wasm_f64x2_mul(p.v[j], r.v[j]), wasm_f64x2_splat(inv_fact[n]));
  }
  vec e;
  EACH(j) {
    /* 2^k: k + 1023 in the exponent field (k ∈ [−1022, 0] where the result is kept). */
    const v128_t ki = wasm_i64x2_extend_low_i32x4(wasm_i32x4_trunc_sat_f64x2_zero(k.v[j]));
    const v128_t scale = wasm_i64x2_shl(wasm_i64x2_add(ki, wasm_i64x2_splat(1023)), 52);
    e.v[j] = wasm_v128_andnot(wasm_f64x2_mul(p.v[j], scale),
                              wasm_f64x2_lt(y.v[j], wasm_f64x2_splat(-708.0)));
  }
  return e;
}

/* Φ(x) and e^(−x²/2) of NV pairs. */
static ALWAYS_INLINE void normal_cdf2(vec x, vec *cdf, vec *gauss) {
  vec y, a;
  EACH(j) {
    y.v[j] = wasm_f64x2_mul(wasm_f64x2_splat(-0.5), wasm_f64x2_mul(x.v[j], x.v[j]));
    a.v[j] = wasm_f64x2_mul(wasm_f64x2_abs(x.v[j]), wasm_f64x2_splat(0.70710678118654752));
  }
  *gauss = exp_nonpositive2(y);
  const vec c = erfcx2(a);
  EACH(j) {
    const v128_t e = wasm_f64x2_mul(wasm_f64x2_mul(wasm_f64x2_splat(0.5), gauss->v[j]), c.v[j]);
    /* x < 0: E; else (0, +x, NaN): 1 − E, as the reference's !(x < 0) branch. */
    cdf->v[j] = wasm_v128_bitselect(e, wasm_f64x2_sub(wasm_f64x2_splat(1.0), e),
                                    wasm_f64x2_lt(x.v[j], wasm_f64x2_splat(0.0)));
  }
}

/* Float32 values as f64 pairs (two per f32x4), and back (rounding to nearest). */
static ALWAYS_INLINE vec load_vec(const float *p) {
  vec r;
  EACH_PAIR(j) {
    const v128_t v = wasm_v128_load(p + 2 * j);
    r.v[j] = wasm_f64x2_promote_low_f32x4(v);
    r.v[j + 1] = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  }
  return r;
}
static ALWAYS_INLINE void store_vec(float *p, vec r) {
  EACH_PAIR(j) {
    wasm_v128_store(p + 2 * j, wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(r.v[j]),
                                                  wasm_f32x4_demote_f64x2_zero(r.v[j + 1]),
                                                  0, 1, 4, 5));
  }
}

/* The gelu kernels' arithmetic on one block of 2·NV values. */
static ALWAYS_INLINE vec gelu_vec(vec x) {
  vec cdf, gauss;
  normal_cdf2(x, &cdf, &gauss);
  EACH(j) cdf.v[j] = wasm_f64x2_mul(x.v[j], cdf.v[j]);
  return cdf;
}

/* dy · (Φ(x) + x·φ(x)), φ(x) = e^(−x²/2)/√(2π); a NaN x gives NaN. */
static ALWAYS_INLINE vec gelu_grad_vec(vec dy, vec x) {
  vec cdf, gauss;
  normal_cdf2(x, &cdf, &gauss);
  EACH(j) {
    const v128_t pdf = wasm_f64x2_mul(gauss.v[j], wasm_f64x2_splat(0.3989422804014327));
    cdf.v[j] = wasm_f64x2_mul(dy.v[j], wasm_f64x2_add(cdf.v[j], wasm_f64x2_mul(x.v[j], pdf)));
  }
  return cdf;
}

/*
 * Blocks whose values all lie in |x| < GELU_BOUND (nearly every block of a layer's
 * pre-activations) take polynomials in s = 2x²/B² − 1 instead: Φ(x) = ½ + x·P(s) and
 * gelu′(x) = ½ + x·Q(s), with neither the exponential nor erfcx (tools/fit_gelu_central.ts, run
 * with --bound 2.5 --terms 16; float64 accurate to ≈ 3e-13 relative, so float32 results stay
 * within one ulp of the reference as on the general path). Any other block (a larger |x|, ±∞,
 * NaN) takes the general path.
 */
/* |x| < 2.5, 16 terms: max relative error gelu 1.08e-13, gelu' 2.59e-13 */
#define GELU_BOUND 2.5
static const double GELU_P[16] = {
  0.26103557561923052, -0.088706365415531355, 0.033864600316268555,
  -0.011207388937811515, 0.0031607187090612610, -0.00076785102238410841,
  0.00016303119250127285, -0.000030664622964748922, 0.0000051696730647421418,
  -7.8899659983200365e-7, 1.0993411514448326e-7, -1.4082040422636055e-8,
  1.6727312868169975e-9, -1.8752999153548444e-10, 1.8587797967484221e-11,
  -1.0089706847793423e-12,
};
static const double GELU_Q[16] = {
  0.34465842040739703, -0.21936706039704126, 0.13594326827058673,
  -0.064373361830661432, 0.023928676870032417, -0.0072578379480331412,
  0.0018531319568741988, -0.00040791925611971536, 0.000078852208270419055,
  -0.000013581107829452321, 0.0000021087249919560236, -2.9799516809703164e-7,
  3.8610977526332135e-8, -4.6314596602314850e-9, 5.3393023335956968e-10,
  -5.3489657148020342e-11,
};
#define GELU_CENTRAL_TERMS 16

/* True when every value of the block has |x| < GELU_BOUND (false for NaN). */
static ALWAYS_INLINE int all_central(vec x) {
  v128_t inside = wasm_f64x2_lt(wasm_f64x2_abs(x.v[0]), wasm_f64x2_splat(GELU_BOUND));
  EACH(j) {
    inside = wasm_v128_and(inside, wasm_f64x2_lt(wasm_f64x2_abs(x.v[j]),
                                                 wasm_f64x2_splat(GELU_BOUND)));
  }
  return wasm_i64x2_all_true(inside);
}

/* ½ + x·C(s), C in powers of s = 2x²/B² − 1, by Horner's rule. */
static ALWAYS_INLINE vec half_plus_odd(vec x, const double *c) {
  vec s, p = splat_vec(c[GELU_CENTRAL_TERMS - 1]);
  EACH(j) {
    s.v[j] = wasm_f64x2_sub(wasm_f64x2_mul(wasm_f64x2_mul(x.v[j], x.v[j]),
                                           wasm_f64x2_splat(2.0 / (GELU_BOUND * GELU_BOUND))),
                            wasm_f64x2_splat(1.0));
  }
#pragma clang loop unroll(full)
  for (int i = GELU_CENTRAL_TERMS - 2; i >= 0; i--) {
    EACH(j) p.v[j] = wasm_f64x2_add(wasm_f64x2_mul(p.v[j], s.v[j]), wasm_f64x2_splat(c[i]));
  }
  EACH(j) p.v[j] = wasm_f64x2_add(wasm_f64x2_splat(0.5), wasm_f64x2_mul(x.v[j], p.v[j]));
  return p;
}

static ALWAYS_INLINE vec gelu_block(vec x) {
  if (!all_central(x)) return gelu_vec(x);
  vec cdf = half_plus_odd(x, GELU_P);
  EACH(j) cdf.v[j] = wasm_f64x2_mul(x.v[j], cdf.v[j]);
  return cdf;
}

static ALWAYS_INLINE vec gelu_grad_block(vec dy, vec x) {
  if (!all_central(x)) return gelu_grad_vec(dy, x);
  vec slope = half_plus_odd(x, GELU_Q);
  EACH(j) slope.v[j] = wasm_f64x2_mul(dy.v[j], slope.v[j]);
  return slope;
}

/*
 * The last n % (2·NV) values go through the same vector code via `tail`, a 2·NV-value region
 * of the caller's (in the heap: the kernels keep no stack in memory), zero-padded.
 */
#define BLOCK (2 * NV)

EXPORT("gelu_f32")
void gelu_f32(const float *x, float *out, int n, float *tail) {
  int i = 0;
  for (; i + BLOCK <= n; i += BLOCK) store_vec(out + i, gelu_block(load_vec(x + i)));
  if (i < n) {
    zero_f32(tail, BLOCK);
    copy_f32(tail, x + i, n - i);
    store_vec(tail, gelu_block(load_vec(tail)));
    copy_f32(out + i, tail, n - i);
  }
}

/* tail: 2·2·NV values of the caller's (dy's and x's tails). */
EXPORT("gelu_grad_f32")
void gelu_grad_f32(const float *dy, const float *x, float *out, int n, float *tail) {
  int i = 0;
  for (; i + BLOCK <= n; i += BLOCK) {
    store_vec(out + i, gelu_grad_block(load_vec(dy + i), load_vec(x + i)));
  }
  if (i < n) {
    float *tx = tail + BLOCK;
    zero_f32(tail, 2 * BLOCK);
    copy_f32(tail, dy + i, n - i);
    copy_f32(tx, x + i, n - i);
    store_vec(tail, gelu_grad_block(load_vec(tail), load_vec(tx)));
    copy_f32(out + i, tail, n - i);
  }
}

/*
 * Softmax over rows of c float32 values, as the reference computes it (kernels/ops/softmax.ts)
 * but with one exponential per value instead of two: m = the row's maximum (NaN if any value is
 * NaN), e_j = e^(x_j − m) in float64 (exp_nonpositive2), out_j = e_j / Σe. The reference's
 * e^(x_j − m − log Σe) equals it up to float64 rounding, so float32 results agree except next to
 * a rounding boundary. Rows go through `tmp` (float64, chunk_rows·c + 2·NV values of the
 * caller's) a chunk at a time: the differences x − m, their exponentials in place (the padding
 * −∞ gives 0), then the sums and quotients.
 */
static ALWAYS_INLINE float row_max(const float *x, int c) {
  int j = 0;
  float m = -__builtin_inff();
  if (c >= 4) {
    v128_t v = wasm_v128_load(x);
    for (j = 4; j + 4 <= c; j += 4) v = wasm_f32x4_max(v, wasm_v128_load(x + j));
    v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
    v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
    m = wasm_f32x4_extract_lane(v, 0);
  }
  /* The scalar tail keeps NaN as f32x4.max does (a NaN m stays NaN: m != m). */
  for (; j < c; j++) m = m != m ? m : x[j] != x[j] ? x[j] : x[j] > m ? x[j] : m;
  return m;
}

static ALWAYS_INLINE vec load_vec_f64(const double *p) {
  vec r;
  EACH(j) r.v[j] = wasm_v128_load(p + 2 * j);
  return r;
}

static ALWAYS_INLINE void store_vec_f64(double *p, vec r) {
  EACH(j) wasm_v128_store(p + 2 * j, r.v[j]);
}

EXPORT("softmax_f32")
void softmax_f32(const float *x, float *out, int rows, int c, double *tmp, int chunk_rows) {
  for (int r0 = 0; r0 < rows; r0 += chunk_rows) {
    const int nr = imin(chunk_rows, rows - r0), n = nr * c;
    const float *xs = x + r0 * c;
    float *os = out + r0 * c;
    for (int r = 0; r < nr; r++) {
      const float *xr = xs + r * c;
      double *tr = tmp + r * c;
      const v128_t m = wasm_f64x2_splat((double)row_max(xr, c));
      int j = 0;
      for (; j + 2 <= c; j += 2) {
        wasm_v128_store(tr + j, wasm_f64x2_sub(wasm_f64x2_promote_low_f32x4(
                                                   wasm_v128_load64_zero(xr + j)), m));
      }
      for (; j < c; j++) tr[j] = (double)xr[j] - wasm_f64x2_extract_lane(m, 0);
    }
    for (int j = n; j < n + BLOCK; j++) tmp[j] = -__builtin_inf();
    for (int i = 0; i < n; i += BLOCK) store_vec_f64(tmp + i, exp_nonpositive2(load_vec_f64(tmp + i)));
    for (int r = 0; r < nr; r++) {
      const double *tr = tmp + r * c;
      float *orow = os + r * c;
      v128_t s2 = wasm_f64x2_splat(0.0);
      int j = 0;
      for (; j + 2 <= c; j += 2) s2 = wasm_f64x2_add(s2, wasm_v128_load(tr + j));
      double s = wasm_f64x2_extract_lane(s2, 0) + wasm_f64x2_extract_lane(s2, 1);
      for (; j < c; j++) s += tr[j];
      const v128_t sv = wasm_f64x2_splat(s);
      for (j = 0; j + 2 <= c; j += 2) {
        const v128_t q = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_div(wasm_v128_load(tr + j), sv));
        wasm_v128_store64_lane(orow + j, q, 0);
      }
      for (; j < c; j++) orow[j] = (float)(tr[j] / s);
    }
  }
}

/*
 * Batch normalisation's passes over x [rows, c] (channels last; kernels/ops/batch_norm_passes.ts
 * has the float64 loops they stand for). The per-element arithmetic is float32, four channels
 * at a time; a reduction sums each block of BN_BLOCK rows in float32 (two partial sums, even and
 * odd rows) and adds the blocks in float64, so its error does not grow with the batch.
 */
#define BN_BLOCK 32

static inline v128_t lo_f64(v128_t v) { return wasm_f64x2_promote_low_f32x4(v); }
static inline v128_t hi_f64(v128_t v) {
  return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
}

/* The term a reduction sums: mode 0 x − m, mode 1 (x − m)², mode 2 y·(x − m). */
static inline __attribute__((always_inline)) v128_t bn_term4(int mode, const float *x,
                                                             const float *y, v128_t m) {
  const v128_t d = wasm_f32x4_sub(wasm_v128_load(x), m);
  return mode == 0 ? d : mode == 1 ? wasm_f32x4_mul(d, d) : wasm_f32x4_mul(wasm_v128_load(y), d);
}

static inline __attribute__((always_inline)) float bn_term1(int mode, float x, float y, float m) {
  const float d = x - m;
  return mode == 0 ? d : mode == 1 ? d * d : y * d;
}

/* acc[k..k+3] (float64) += the float32 quad s. */
static inline void bn_acc4(double *acc, v128_t s) {
  wasm_v128_store(acc, wasm_f64x2_add(wasm_v128_load(acc), lo_f64(s)));
  wasm_v128_store(acc + 2, wasm_f64x2_add(wasm_v128_load(acc + 2), hi_f64(s)));
}

static inline __attribute__((always_inline)) void bn_reduce(int mode, const float *x,
                                                            const float *y, const float *m,
                                                            double *acc, int rows, int c) {
  const v128_t z = wasm_f32x4_splat(0.0f);
  /* A block of rows at a time (in cache), each channel quad down the block. */
  for (int r0 = 0; r0 < rows; r0 += BN_BLOCK) {
    const int r1 = imin(rows, r0 + BN_BLOCK);
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      const v128_t mv = wasm_v128_load(m + k);
      v128_t s0 = z, s1 = z, t0 = z, t1 = z;
      int r = r0;
      for (; r + 2 <= r1; r += 2) {
        const int i = r * c + k;
        s0 = wasm_f32x4_add(s0, bn_term4(mode, x + i, y + i, mv));
        s1 = wasm_f32x4_add(s1, bn_term4(mode, x + i + c, y + i + c, mv));
        if (mode == 2) {
          t0 = wasm_f32x4_add(t0, wasm_v128_load(y + i));
          t1 = wasm_f32x4_add(t1, wasm_v128_load(y + i + c));
        }
      }
      if (r < r1) {
        const int i = r * c + k;
        s0 = wasm_f32x4_add(s0, bn_term4(mode, x + i, y + i, mv));
        if (mode == 2) t0 = wasm_f32x4_add(t0, wasm_v128_load(y + i));
      }
      bn_acc4(acc + k, wasm_f32x4_add(s0, s1));
      if (mode == 2) bn_acc4(acc + c + k, wasm_f32x4_add(t0, t1));
    }
    for (; k < c; k++) {
      float s = 0.0f, t = 0.0f;
      for (int r = r0; r < r1; r++) {
        const float yv = mode == 2 ? y[r * c + k] : 0.0f;
        s += bn_term1(mode, x[r * c + k], yv, m[k]);
        t += yv;
      }
      acc[k] += (double)s;
      if (mode == 2) acc[c + k] += (double)t;
    }
  }
}

/*
 * acc[k] (float64) += Σ_r of mode 0 x − m, 1 (x − m)², 2 y·(x − m); mode 2 also adds Σ_r y to
 * acc[c + k] (acc then holds 2c values). y is read in mode 2 only.
 */
EXPORT("bn_reduce_f32")
void bn_reduce_f32(int mode, const float *x, const float *y, const float *m, double *acc,
                   int rows, int c) {
  switch (mode) { /* one loop nest per mode */
  case 0: bn_reduce(0, x, y, m, acc, rows, c); break;
  case 1: bn_reduce(1, x, y, m, acc, rows, c); break;
  default: bn_reduce(2, x, y, m, acc, rows, c);
  }
}

/*
 * out[r, k] = (x[r, k] − m[k])·s[k] + b[k]: a block of rows at a time, each channel quad down
 * the block with its per-channel values in registers.
 */
EXPORT("bn_affine_f32")
void bn_affine_f32(const float *x, const float *m, const float *s, const float *b, float *out,
                   int rows, int c) {
  for (int r0 = 0; r0 < rows; r0 += BN_BLOCK) {
    const int r1 = imin(rows, r0 + BN_BLOCK);
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      const v128_t mv = wasm_v128_load(m + k), sv = wasm_v128_load(s + k),
                   bv = wasm_v128_load(b + k);
      for (int r = r0; r < r1; r++) {
        const int i = r * c + k;
        const v128_t d = wasm_f32x4_sub(wasm_v128_load(x + i), mv);
        wasm_v128_store(out + i, wasm_f32x4_add(wasm_f32x4_mul(d, sv), bv));
      }
    }
    for (; k < c; k++) {
      for (int r = r0; r < r1; r++) out[r * c + k] = (x[r * c + k] - m[k]) * s[k] + b[k];
    }
  }
}

/* out[r, k] = a[k]·((dy[r, k] − mg[k]) − (x[r, k] − m[k])·s[k]), blocked as bn_affine_f32. */
EXPORT("bn_input_grad_f32")
void bn_input_grad_f32(const float *x, const float *dy, const float *m, const float *a,
                       const float *mg, const float *s, float *out, int rows, int c) {
  for (int r0 = 0; r0 < rows; r0 += BN_BLOCK) {
    const int r1 = imin(rows, r0 + BN_BLOCK);
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      const v128_t mv = wasm_v128_load(m + k), av = wasm_v128_load(a + k),
                   gv = wasm_v128_load(mg + k), sv = wasm_v128_load(s + k);
      for (int r = r0; r < r1; r++) {
        const int i = r * c + k;
        const v128_t t = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + i), mv), sv);
        const v128_t g = wasm_f32x4_sub(wasm_v128_load(dy + i), gv);
        wasm_v128_store(out + i, wasm_f32x4_mul(av, wasm_f32x4_sub(g, t)));
      }
    }
    for (; k < c; k++) {
      for (int r = r0; r < r1; r++) {
        const int i = r * c + k;
        out[i] = a[k] * ((dy[i] - mg[k]) - (x[i] - m[k]) * s[k]);
      }
    }
  }
}
