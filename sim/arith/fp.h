/*
 * fp.h - bit-accurate fp16 / bf16 / fp32 arithmetic on bit patterns, the
 * arithmetic contract of docs/numerics.md (shared bit for bit with the RTL).
 *
 * Formats: fp16 = IEEE binary16, fp32 = IEEE binary32, bf16 = the upper 16
 * bits of binary32. Values travel as uint16_t / uint32_t bit patterns.
 *
 * Rules every operation here follows:
 *   - round to nearest, ties to even (RNE), the only rounding mode;
 *   - subnormal inputs and outputs are honoured (no flush to zero, no DAZ);
 *   - overflow gives a signed infinity;
 *   - every NaN result is the canonical quiet NaN with positive sign and an
 *     empty payload: 0x7FC00000 (fp32), 0x7E00 (fp16), 0x7FC0 (bf16);
 *   - signs of zeros follow IEEE 754 (product: XOR of the signs; sum of two
 *     zeros is -0 only when both are -0; x + (-x) = +0 under RNE).
 *
 * Speed: the hot operations are static inline and use the host's binary32
 * `float` where that is provably the same function as the contract:
 *   - x86-64 (and any target with FLT_EVAL_METHOD == 0 and SSE/IEEE float)
 *     evaluates float * and + as one IEEE binary32 operation rounded to
 *     nearest-even with gradual underflow, as long as the MXCSR keeps its
 *     default (RNE, FTZ and DAZ off) and the code is not built with
 *     -ffast-math / -Ofast (the project's CFLAGS never are). The static
 *     assertion below refuses targets that evaluate float in wider precision.
 *   - The only difference from the contract is the NaN produced: x86 returns
 *     the "default NaN" 0xFFC00000 or a propagated input payload, so every
 *     result is canonicalised afterwards (one predictable compare).
 *   - fp16 -> fp32 and bf16 -> fp32 widening is exact, done with integer bit
 *     manipulation (no F16C instructions: they need -mf16c).
 * tests/test_arith.c checks all of this against GNU MPFR, not against float.
 */
#ifndef SHARPSIM_ARITH_FP_H
#define SHARPSIM_ARITH_FP_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../common/isa.h"

_Static_assert(FLT_EVAL_METHOD == 0, "fp.h relies on float operations being evaluated in binary32");
_Static_assert(sizeof(float) == 4 && FLT_MANT_DIG == 24 && FLT_MAX_EXP == 128,
	       "fp.h relies on float being IEEE binary32");

#define ARITH_F32_QNAN 0x7FC00000u
#define ARITH_F16_QNAN 0x7E00u
#define ARITH_BF16_QNAN 0x7FC0u
#define ARITH_F32_ONE 0x3F800000u
#define ARITH_F16_ONE 0x3C00u

static inline float arith_bits_to_float(uint32_t u)
{
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

static inline uint32_t arith_float_to_bits(float f)
{
	uint32_t u;
	memcpy(&u, &f, sizeof u);
	return u;
}

/* The bits of f, with any NaN replaced by the canonical 0x7FC00000. */
static inline uint32_t arith_float_canon(float f)
{
	return f != f ? ARITH_F32_QNAN : arith_float_to_bits(f);
}

/* Exact widening. A NaN becomes the canonical fp32 NaN; a subnormal fp16 is
 * normalised (every fp16 value is a normal or zero fp32). */
static inline uint32_t arith_f16_to_f32(uint16_t h)
{
	uint32_t s = (uint32_t)(h & 0x8000u) << 16;
	uint32_t e = (h >> 10) & 0x1Fu;
	uint32_t m = h & 0x3FFu;
	if (e == 0x1F)
		return m ? ARITH_F32_QNAN : s | 0x7F800000u;
	if (e != 0)
		return s | ((e + 112u) << 23) | (m << 13);
	if (m == 0)
		return s;
	/* subnormal: m * 2^-24; shift the leading one up to bit 10 */
	int lz = __builtin_clz(m) - 21;
	m = (m << lz) & 0x3FFu;
	return s | ((uint32_t)(113 - lz) << 23) | (m << 13);
}

/* Exact widening: bf16 is the upper half of binary32. NaN -> canonical. */
static inline uint32_t arith_bf16_to_f32(uint16_t b)
{
	if ((b & 0x7F80u) == 0x7F80u && (b & 0x7Fu))
		return ARITH_F32_QNAN;
	return (uint32_t)b << 16;
}

/*
 * Float-domain primitives for hot loops (adder trees, dot products). Values
 * stay in float registers and NaNs are left as the host makes them;
 * canonicalise once, with arith_float_canon(), where a value leaves the
 * loop. That gives the same bits as canonicalising after every operation:
 * a non-NaN result never depends on a NaN's payload, and + and * return a
 * NaN whenever an operand is a NaN, so every intermediate is a NaN in both
 * versions or bit-identical in both.
 */
/* Exact fp16 -> float without branches on the value: the fp16 magnitude
 * bits shifted into place are the fp32 pattern of value * 2^-112 (fp16
 * subnormals land on fp32 subnormals), and one multiply by 2^112 scales
 * back exactly (a power-of-two scaling into the normal range never rounds).
 * Inf/NaN (exponent 31) are patched in. NaN payload unspecified. */
static inline float arith_f16_to_float(uint16_t h)
{
	uint32_t mag = (uint32_t)(h & 0x7FFFu) << 13;
	uint32_t u = arith_float_to_bits(arith_bits_to_float(mag) * 0x1p112f);
	if ((h & 0x7C00u) == 0x7C00u)
		u = mag | 0x7F800000u;
	return arith_bits_to_float(u | ((uint32_t)(h & 0x8000u) << 16));
}

static inline float arith_bf16_to_float(uint16_t b)
{
	return arith_bits_to_float((uint32_t)b << 16); /* NaN stays NaN */
}

/* fp16 x fp16, exact (see arith_f16_mul), NaN payload unspecified. */
static inline float arith_f16_mulf(uint16_t a, uint16_t b)
{
	return arith_f16_to_float(a) * arith_f16_to_float(b);
}

/* fp16 x fp16 -> fp32, exact: the 11x11-bit significand product fits 24
 * bits and |product| lies in [2^-48, 65504^2] (inside fp32's normal range),
 * so the binary32 multiply of the exact widened operands never rounds. */
static inline uint32_t arith_f16_mul(uint16_t a, uint16_t b)
{
	return arith_float_canon(arith_f16_to_float(a) * arith_f16_to_float(b));
}

/* bf16 x bf16 -> fp32: the significand product (16 bits) is exact, but the
 * exponent can leave binary32's range, so the one binary32 multiply rounds
 * (gradual underflow, overflow to inf) exactly as the contract says. */
static inline uint32_t arith_bf16_mul(uint16_t a, uint16_t b)
{
	return arith_float_canon(arith_bits_to_float(arith_bf16_to_f32(a)) * arith_bits_to_float(arith_bf16_to_f32(b)));
}

/* fp32 x fp32 -> fp32, RNE (one IEEE binary32 multiply). */
static inline uint32_t arith_f32_mul(uint32_t a, uint32_t b)
{
	return arith_float_canon(arith_bits_to_float(a) * arith_bits_to_float(b));
}

/* fp32 + fp32 -> fp32, RNE (one IEEE binary32 add). */
static inline uint32_t arith_f32_add(uint32_t a, uint32_t b)
{
	return arith_float_canon(arith_bits_to_float(a) + arith_bits_to_float(b));
}

/* fp32 -> bf16, RNE on the dropped 16 bits. The carry of the rounding
 * increment runs into the exponent, which gives the right answer both when
 * the significand overflows into the next binade and when the largest
 * finite values round up to infinity. NaN -> 0x7FC0. */
static inline uint16_t arith_f32_to_bf16(uint32_t x)
{
	if ((x & 0x7FFFFFFFu) > 0x7F800000u)
		return ARITH_BF16_QNAN;
	uint32_t lsb = (x >> 16) & 1u;
	return (uint16_t)((x + 0x7FFFu + lsb) >> 16);
}

/* fp32 -> fp16, RNE, overflow to inf, gradual underflow, NaN -> 0x7E00. */
uint16_t arith_f32_to_f16(uint32_t x);

/*
 * The common case of double -> fp16 / bf16, inline (every weight of a
 * functional run goes through it): a double whose exponent lies in the
 * target's normal range rounds in its own encoding. Adding half an ulp of
 * the target minus one, plus the kept field's last bit, to the magnitude's
 * bits and dropping the low bits is RNE on the significand; a carry out of
 * the fraction moves into the exponent field, which is the next binade's
 * pattern, and from the largest binade the infinity's. Rebiasing the
 * exponent is one subtraction. `fbits` is the target's fraction width,
 * `bias` its exponent bias; returns UINT32_MAX outside the normal range
 * (NaN, infinities, zeros, subnormal results and overflow before rounding
 * take the out-of-line general path, *_any).
 */
static inline uint32_t arith_double_normal_fast(double d, unsigned fbits, unsigned bias)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	uint64_t mag = u & ~(UINT64_C(1) << 63);
	unsigned e = (unsigned)(mag >> 52), drop = 52 - fbits;
	if (e < 1024 - bias || e > 1023 + bias)
		return UINT32_MAX;
	uint64_t r = (mag + (UINT64_C(1) << (drop - 1)) - 1 + ((mag >> drop) & 1)) >> drop;
	return (uint32_t)(r - ((uint64_t)(1023 - bias) << fbits)) | (uint32_t)(u >> 63) << 15;
}

/* double -> fp16 / bf16 for every input, out of line (integer rounding of
 * the double's significand, one rounding). */
uint16_t arith_double_to_f16_any(double d);
uint16_t arith_double_to_bf16_any(double d);

/* n doubles rounded to fp16: h[i] = arith_double_to_f16(src[i]) and
 * f[i * ld] = arith_f16_to_float(h[i]), bit for bit (a tile row of weights
 * and its float copy, ld apart: cu_wf_row, fpipe.c).
 * Eight values at a time go through fp32, which gcc -O2 vectorises: the
 * double -> float conversion rounds to 24 bits (RNE), then the integer
 * rounding to 11. Rounding twice gives the single rounding's result unless
 * the first one lands exactly on a midpoint of the fp16 grid (RN24 is
 * monotone and keeps every fp16 value and midpoint, all of which have at
 * most 12 significant bits, so d and RN24(d) round alike unless RN24(d)
 * is a tie that d was not); a group with such a value, or with one outside
 * fp16's normal range (zero, subnormal, overflow, NaN), is done value by
 * value on the single-rounding path instead. h NULL: the floats alone (a
 * caller that multiplies them and keeps no words). Compiled for each
 * instruction set of isa.h, the widest the CPU has running; _isa: the one
 * given, which isa_has must allow (the same results on each). */
void arith_double_to_f16_row(const double *restrict src, size_t n, uint16_t *restrict h, float *restrict f, size_t ld);
void arith_double_to_f16_row_isa(const double *restrict src, size_t n, uint16_t *restrict h, float *restrict f,
				 size_t ld, isa_t isa);

/* double -> fp16 with a single RNE rounding straight from the double (not
 * via fp32: rounding twice can differ, e.g. 1 + 2^-11 + 2^-30 rounds up in
 * one step but to the tie 1 + 2^-11 and then down to 1 in two). */
static inline uint16_t arith_double_to_f16(double d)
{
	uint32_t fast = arith_double_normal_fast(d, 10, 15);
	return fast != UINT32_MAX ? (uint16_t)fast : arith_double_to_f16_any(d);
}

/* double -> fp32, one RNE rounding (an IEEE double->single conversion). */
static inline uint32_t arith_double_to_f32(double d)
{
	return d != d ? ARITH_F32_QNAN : arith_float_to_bits((float)d);
}

/* double -> bf16, one RNE rounding straight from the double. */
static inline uint16_t arith_double_to_bf16(double d)
{
	uint32_t fast = arith_double_normal_fast(d, 7, 127);
	return fast != UINT32_MAX ? (uint16_t)fast : arith_double_to_bf16_any(d);
}

/* Exact widening to double (NaN -> a quiet NaN). */
static inline double arith_f32_to_double(uint32_t x)
{
	return (double)arith_bits_to_float(x);
}

static inline double arith_f16_to_double(uint16_t h)
{
	return (double)arith_bits_to_float(arith_f16_to_f32(h));
}

static inline double arith_bf16_to_double(uint16_t b)
{
	return (double)arith_bits_to_float(arith_bf16_to_f32(b));
}

/* Sign flip of an fp32 bit pattern (exact; used for subtraction). */
static inline uint32_t arith_f32_neg(uint32_t x)
{
	return x ^ 0x80000000u;
}

#endif
