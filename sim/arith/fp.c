/*
 * fp.c - the out-of-line conversions of fp.h.
 *
 * Narrowing to fp16 / bf16 is done with integer arithmetic on the source's
 * significand so that exactly one rounding happens. The common step is
 * round_rne(): keep the top bits of a significand and round the dropped
 * bits to nearest, ties to even. A carry out of the kept field is absorbed
 * by adding the result to the biased exponent field (the encoding is
 * monotonic), which also turns "largest finite + carry" into infinity and
 * "largest subnormal + carry" into the smallest normal.
 */
#include "fp.h"

#include <math.h>
#include <stdbool.h>

/* sig >> sh rounded to nearest, ties to even; sh may exceed 63. */
static uint64_t round_rne(uint64_t sig, unsigned sh)
{
	if (sh == 0)
		return sig;
	if (sh > 64)
		return 0;
	uint64_t kept = sh == 64 ? 0 : sig >> sh;
	uint64_t rem = sh == 64 ? sig : sig & ((UINT64_C(1) << sh) - 1);
	uint64_t half = UINT64_C(1) << (sh - 1);
	if (rem > half || (rem == half && (kept & 1u)))
		kept++;
	return kept;
}

/*
 * Rounds sign * sig * 2^exp2 (sig < 2^63, sig != 0, leading one at bit
 * `top`) to a binary format with `fbits` fraction bits and exponent bias
 * `bias`, emax = bias. Returns the encoded magnitude | sign at bit `sbit`.
 */
static uint32_t narrow(uint32_t sign, uint64_t sig, int top, int exp2, unsigned fbits, int bias, unsigned ebits,
		       unsigned sbit)
{
	int e = top + exp2; /* unbiased exponent of the value */
	uint32_t inf = ((1u << ebits) - 1u) << fbits;
	uint32_t s = sign << sbit;
	if (e > bias)
		return s | inf;
	uint64_t mag;
	if (e >= 1 - bias) {
		/* normal: keep fbits below the leading one */
		uint64_t r = round_rne(sig, (unsigned)(top - (int)fbits));
		mag = ((uint64_t)(e + bias - 1) << fbits) + r; /* r includes the hidden one */
	} else {
		/* subnormal: units of 2^(1 - bias - fbits) */
		int sh = (1 - bias - (int)fbits) - exp2;
		mag = round_rne(sig, (unsigned)sh);
	}
	if (mag >= inf)
		mag = inf;
	return s | (uint32_t)mag;
}

uint16_t arith_f32_to_f16(uint32_t x)
{
	uint32_t sign = x >> 31;
	uint32_t e = (x >> 23) & 0xFFu;
	uint32_t m = x & 0x7FFFFFu;
	if (e == 0xFF)
		return m ? ARITH_F16_QNAN : (uint16_t)((sign << 15) | 0x7C00u);
	if (e == 0) {
		if (m == 0)
			return (uint16_t)(sign << 15);
		/* fp32 subnormals are < 2^-126, far below half of fp16's
		 * smallest subnormal (2^-25): they round to zero, but keep the
		 * general path for clarity of the contract. */
		return (uint16_t)narrow(sign, m, 63 - __builtin_clzll(m), -149, 10, 15, 5, 15);
	}
	return (uint16_t)narrow(sign, m | 0x800000u, 23, (int)e - 127 - 23, 10, 15, 5, 15);
}

/* Splits a finite nonzero double into sign, 53-bit significand and the
 * power of two of its last bit. */
static void split_double(double d, uint32_t *sign, uint64_t *sig, int *top, int *exp2)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	*sign = (uint32_t)(u >> 63);
	int e = (int)((u >> 52) & 0x7FF);
	uint64_t m = u & ((UINT64_C(1) << 52) - 1);
	if (e == 0) {
		*sig = m;
		*exp2 = -1074;
	} else {
		*sig = m | (UINT64_C(1) << 52);
		*exp2 = e - 1075;
	}
	*top = 63 - __builtin_clzll(*sig);
}

uint16_t arith_double_to_f16_any(double d)
{
	if (d != d)
		return ARITH_F16_QNAN;
	if (d == 0.0)
		return signbit(d) ? 0x8000u : 0;
	uint32_t sign;
	uint64_t sig;
	int top, exp2;
	if (d > DBL_MAX || d < -DBL_MAX)
		return d > 0 ? 0x7C00u : 0xFC00u;
	split_double(d, &sign, &sig, &top, &exp2);
	return (uint16_t)narrow(sign, sig, top, exp2, 10, 15, 5, 15);
}

uint16_t arith_double_to_bf16_any(double d)
{
	if (d != d)
		return ARITH_BF16_QNAN;
	if (d > DBL_MAX || d < -DBL_MAX)
		return d > 0 ? 0x7F80u : 0xFF80u;
	if (d == 0.0)
		return signbit(d) ? 0x8000u : 0;
	uint32_t sign;
	uint64_t sig;
	int top, exp2;
	split_double(d, &sign, &sig, &top, &exp2);
	return (uint16_t)narrow(sign, sig, top, exp2, 7, 127, 8, 15);
}

/* Values per group of arith_double_to_f16_row: a constant trip count, so
 * that gcc -O2 (its very-cheap vector cost model) vectorises the loops. */
#define FP_ROW_GROUP 8

/* Forced inline where the compiler has the attribute: the constant `words`
 * of each call site is what drops the words' work from the floats-only
 * copy, and each instruction set's copy is compiled for its own set. */
#if defined(__GNUC__)
#define FP_INLINE static inline __attribute__((always_inline))
#else
#define FP_INLINE static inline
#endif

/* One group through fp32 (arith_double_to_f16_row's contract); false when
 * a value needs the single-rounding path (h and f then hold garbage).
 * words: h is written; without them (a constant at every call site, the
 * function inlined) the group forms the floats alone, which is all the
 * C model multiplies. */
FP_INLINE bool f16_group(const double *restrict src, uint16_t *restrict h, float *restrict f, size_t ld, bool words)
{
	float v[FP_ROW_GROUP];
	uint32_t b[FP_ROW_GROUP], w[FP_ROW_GROUP], fb[FP_ROW_GROUP], bad = 0;
	for (int i = 0; i < FP_ROW_GROUP; i++)
		v[i] = (float)src[i];
	memcpy(b, v, sizeof b);
	for (int i = 0; i < FP_ROW_GROUP; i++) {
		uint32_t mag = b[i] & 0x7FFFFFFFu, s = b[i] & 0x80000000u;
		/* fp32 exponent 113..142 is fp16's normal range; 13 dropped bits
		 * of 1000...0 are a tie of the fp16 grid */
		bad |= ((mag >> 23) - 113u > 29u) | ((mag & 0x1FFFu) == 0x1000u);
		uint32_t r = (mag + 0xFFFu + ((mag >> 13) & 1u)) >> 13; /* RNE to 10 fraction bits */
		uint32_t m16 = r - (112u << 10);			/* rebias: 0x7C00 when it rounded up to inf */
		w[i] = m16 | s >> 16;
		fb[i] = (m16 >= 0x7C00u ? 0x7F800000u : r << 13) | s;
	}
	for (int i = 0; words && i < FP_ROW_GROUP; i++)
		h[i] = (uint16_t)w[i];
	/* written out: -O2 leaves a loop of eight strided stores rolled */
	_Static_assert(FP_ROW_GROUP == 8, "f16_group stores eight floats");
	memcpy(&f[0], &fb[0], sizeof *f), memcpy(&f[ld], &fb[1], sizeof *f);
	memcpy(&f[2 * ld], &fb[2], sizeof *f), memcpy(&f[3 * ld], &fb[3], sizeof *f);
	memcpy(&f[4 * ld], &fb[4], sizeof *f), memcpy(&f[5 * ld], &fb[5], sizeof *f);
	memcpy(&f[6 * ld], &fb[6], sizeof *f), memcpy(&f[7 * ld], &fb[7], sizeof *f);
	return bad == 0;
}

/* arith_double_to_f16_row with the words kept or not (words constant:
 * inlined at each call site). */
FP_INLINE void f16_row(const double *restrict src, size_t n, uint16_t *restrict h, float *restrict f, size_t ld,
		       bool words)
{
	size_t i = 0;
	for (; i + FP_ROW_GROUP <= n; i += FP_ROW_GROUP)
		if (!f16_group(src + i, words ? h + i : NULL, f + i * ld, ld, words))
			for (size_t k = i; k < i + FP_ROW_GROUP; k++) {
				uint16_t w = arith_double_to_f16(src[k]);
				if (words)
					h[k] = w;
				f[k * ld] = arith_f16_to_float(w);
			}
	for (; i < n; i++) {
		uint16_t w = arith_double_to_f16(src[i]);
		if (words)
			h[i] = w;
		f[i * ld] = arith_f16_to_float(w);
	}
}

/* One copy per instruction set (isa.h), the words' presence decided once
 * per row. */
static void f16_row_plain(const double *restrict src, size_t n, uint16_t *restrict h, float *restrict f, size_t ld)
{
	if (h)
		f16_row(src, n, h, f, ld, true);
	else
		f16_row(src, n, NULL, f, ld, false);
}

#ifdef ISA_X86
ISA_TARGET_AVX2 static void f16_row_avx2(const double *restrict src, size_t n, uint16_t *restrict h, float *restrict f,
					 size_t ld)
{
	if (h)
		f16_row(src, n, h, f, ld, true);
	else
		f16_row(src, n, NULL, f, ld, false);
}

ISA_TARGET_AVX512 static void f16_row_avx512(const double *restrict src, size_t n, uint16_t *restrict h,
					     float *restrict f, size_t ld)
{
	if (h)
		f16_row(src, n, h, f, ld, true);
	else
		f16_row(src, n, NULL, f, ld, false);
}
#endif

void arith_double_to_f16_row_isa(const double *restrict src, size_t n, uint16_t *restrict h, float *restrict f,
				 size_t ld, isa_t isa)
{
	ISA_PICK(isa, f16_row_plain, f16_row_avx2, f16_row_avx512)(src, n, h, f, ld);
}

void arith_double_to_f16_row(const double *restrict src, size_t n, uint16_t *restrict h, float *restrict f, size_t ld)
{
	arith_double_to_f16_row_isa(src, n, h, f, ld, isa_best());
}
