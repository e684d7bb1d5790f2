/*
 * fixed.h - RNNAccel-style fixed point (docs/numerics.md, "Fixed point").
 *
 * Formats: data (x, h, gate outputs) are int16 two's complement with
 * `data_frac` fraction bits (Q(15-df).df); weights are int8 with
 * `weight_frac` fraction bits, carried in the low byte of a 16-bit weight
 * field (fix16x8; the high byte is ignored) or int16 (fix16x16). Products
 * and tree sums are exact integers; only the accumulator saturates, to
 * [-2^(acc_bits-1), 2^(acc_bits-1) - 1] on every add (acc_bits 16..32).
 *
 * Rounding anywhere in this module is round to nearest, ties to even, and
 * every narrowing saturates (clamps) instead of wrapping.
 */
#ifndef SHARPSIM_ARITH_FIXED_H
#define SHARPSIM_ARITH_FIXED_H

#include <stddef.h>
#include <stdint.h>

/* int16 data x int8 weight (low byte of the field, two's complement):
 * exact, |product| <= 2^22 (fits int24). */
static inline int32_t fix_mul16x8(int16_t x, uint16_t wfield)
{
	int32_t w = (int32_t)(wfield & 0xFFu) - ((wfield & 0x80u) ? 256 : 0);
	return (int32_t)x * w;
}

/* int16 x int16 as two 16x8 multipliers: w = wh * 256 + wl with wh the
 * signed high byte and wl the unsigned low byte; (x*wh)*256 + x*wl is the
 * exact product (|.| <= 2^30). */
static inline int32_t fix_mul16x16(int16_t x, int16_t w)
{
	int32_t wl = (int32_t)((uint16_t)w & 0xFFu);
	int32_t wh = ((int32_t)w - wl) / 256;
	return (int32_t)x * wh * 256 + (int32_t)x * wl;
}

/* The 16-bit weight field carrying an int8 weight (high byte zero). */
static inline uint16_t fix_w8_field(int8_t w)
{
	return (uint16_t)(uint8_t)w;
}

/* Clamps v to the signed range of `bits` bits (1..63). */
static inline int64_t fix_sat(int64_t v, unsigned bits)
{
	int64_t hi = (INT64_C(1) << (bits - 1)) - 1, lo = -hi - 1;
	return v > hi ? hi : v < lo ? lo : v;
}

/* Accumulator add: acc + sum saturated to acc_bits (16..32). Use it also
 * for the first tree sum of a block (acc = fix_acc_add(0, sum, bits)) and
 * for init + first sum. */
static inline int32_t fix_acc_add(int32_t acc, int64_t sum, unsigned acc_bits)
{
	return (int32_t)fix_sat((int64_t)acc + fix_sat(sum, 62), acc_bits);
}

/* Exact integer sum of n products (adjacent-pair tree; integer addition is
 * associative, so it equals the plain sum). No overflow: n * 2^30 < 2^63. */
int64_t fix_tree_sum(const int32_t *leaves, size_t n);

/* v / 2^sh rounded to nearest, ties to even (sh 0..62). */
int64_t fix_shift_rne(int64_t v, unsigned sh);

/* round(v * 2^frac) to nearest, ties to even, clamped to `bits` signed bits
 * (2..63). NaN gives 0; +-inf saturate. */
int64_t fix_from_double(double v, unsigned frac, unsigned bits);

static inline int16_t fix_from_double16(double v, unsigned frac)
{
	return (int16_t)fix_from_double(v, frac, 16);
}

static inline int8_t fix_from_double8(double v, unsigned frac)
{
	return (int8_t)fix_from_double(v, frac, 8);
}

/* v * 2^-frac, exact for |v| < 2^53. */
double fix_to_double(int64_t v, unsigned frac);

#endif
