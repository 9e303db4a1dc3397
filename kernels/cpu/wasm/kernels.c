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
 * additions in the same order as the TypeScript column sum (bias gradients).
 */
EXPORT("sum_rows_f64")
void sum_rows_f64(const float *x, double *acc, int rows, int inner) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + r * inner;
    int j = 0;
    for (; j + 4 <= inner; j += 4) {
      const v128_t v = wasm_v128_load(xr + j);
      wasm_v128_store(acc + j, wasm_f64x2_add(wasm_v128_load(acc + j), wasm_f64x2_promote_low_f32x4(v)));
      const v128_t hi = wasm_i32x4_shuffle(v, v, 2, 3, 0, 1);
      wasm_v128_store(acc + j + 2,
                      wasm_f64x2_add(wasm_v128_load(acc + j + 2), wasm_f64x2_promote_low_f32x4(hi)));
    }
    for (; j < inner; j++) acc[j] += (double)xr[j];
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
