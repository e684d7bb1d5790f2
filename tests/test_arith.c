/*
 * test_arith.c - suite `arith`: sim/arith/fp.c and fixed.c against
 * independent oracles.
 *
 * The floating-point oracle is GNU MPFR configured as each target format:
 * precision p (11 fp16, 8 bf16, 24 fp32) and exponent range
 * [emin, emax] = [2 - bias - fbits, bias + 1] in MPFR's convention (a value
 * is 0.1xxx * 2^e), so that mpfr_check_range + mpfr_subnormalize give IEEE
 * gradual underflow with a single rounding. Bit patterns are decoded into
 * MPFR and encoded back with integer arithmetic only: no native float
 * operation is involved on the oracle's side. The checker itself is shown
 * to catch a deliberately broken (truncating) adder.
 */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <mpfr.h>

#include "../sim/arith/fixed.h"
#include "../sim/arith/fp.h"

#define N_RANDOM 2000000u

typedef struct fmt {
	const char *name;
	int prec;	/* significand bits incl. the hidden one */
	unsigned fbits; /* stored fraction bits */
	unsigned ebits;
	int bias;
	uint32_t qnan; /* canonical NaN */
} fmt_t;

static const fmt_t F16 = { "fp16", 11, 10, 5, 15, ARITH_F16_QNAN };
static const fmt_t BF16 = { "bf16", 8, 7, 8, 127, ARITH_BF16_QNAN };
static const fmt_t F32 = { "fp32", 24, 23, 8, 127, ARITH_F32_QNAN };

/* A deterministic generator private to this test (splitmix64). */
static uint64_t mix_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* ---- the MPFR oracle ---------------------------------------------------- */

typedef struct oracle {
	mpfr_t a, b, y, t; /* a, b: 64-bit inputs; y: result; t: scratch */
	mpfr_exp_t emin0, emax0;
} oracle_t;

static void oracle_init(oracle_t *o)
{
	o->emin0 = mpfr_get_emin();
	o->emax0 = mpfr_get_emax();
	mpfr_inits2(64, o->a, o->b, o->t, (mpfr_ptr)0);
	mpfr_init2(o->y, 24);
}

static void oracle_clear(oracle_t *o)
{
	mpfr_clears(o->a, o->b, o->y, o->t, (mpfr_ptr)0);
}

/* Bit pattern of format f -> exact MPFR value (x has >= f->prec bits). */
static void decode(const fmt_t *f, uint32_t bits, mpfr_t x)
{
	unsigned sbit = f->fbits + f->ebits;
	int neg = (int)((bits >> sbit) & 1u);
	uint32_t e = (bits >> f->fbits) & ((1u << f->ebits) - 1u);
	uint32_t m = bits & ((1u << f->fbits) - 1u);
	if (e == (1u << f->ebits) - 1u) {
		if (m)
			mpfr_set_nan(x);
		else
			mpfr_set_inf(x, neg ? -1 : 1);
		return;
	}
	if (e == 0 && m == 0) {
		mpfr_set_zero(x, neg ? -1 : 1);
		return;
	}
	long scale;
	if (e == 0) {
		scale = 1 - f->bias - (long)f->fbits;
	} else {
		m |= 1u << f->fbits;
		scale = (long)e - f->bias - (long)f->fbits;
	}
	mpfr_set_ui_2exp(x, m, scale, MPFR_RNDN);
	if (neg)
		mpfr_neg(x, x, MPFR_RNDN);
}

/* Rounds y (precision f->prec, ternary t of its rounding at an unbounded
 * exponent) into f's exponent range with gradual underflow. */
static void round_to(oracle_t *o, const fmt_t *f, int t)
{
	mpfr_set_emin(2 - f->bias - (long)f->fbits);
	mpfr_set_emax(f->bias + 1);
	t = mpfr_check_range(o->y, t, MPFR_RNDN);
	mpfr_subnormalize(o->y, t, MPFR_RNDN);
	mpfr_set_emin(o->emin0);
	mpfr_set_emax(o->emax0);
}

/* MPFR value representable in f -> its bit pattern (NaN -> canonical). */
static uint32_t encode(oracle_t *o, const fmt_t *f, mpfr_t y)
{
	unsigned sbit = f->fbits + f->ebits;
	uint32_t einf = (1u << f->ebits) - 1u;
	if (mpfr_nan_p(y))
		return f->qnan;
	uint32_t s = mpfr_signbit(y) ? 1u << sbit : 0;
	if (mpfr_inf_p(y))
		return s | (einf << f->fbits);
	if (mpfr_zero_p(y))
		return s;
	long e = (long)mpfr_get_exp(y) - 1; /* y = 1.xxx * 2^e */
	uint32_t biased;
	long shift;
	if (e >= 1 - f->bias) {
		biased = (uint32_t)(e + f->bias);
		shift = (long)f->fbits - e;
	} else {
		biased = 0;
		shift = (long)f->fbits + f->bias - 1;
	}
	mpfr_mul_2si(o->t, y, shift, MPFR_RNDN);
	mpfr_abs(o->t, o->t, MPFR_RNDN);
	if (!mpfr_integer_p(o->t))
		return 0xDEADBEEFu; /* not representable: the oracle is broken */
	uint32_t sig = (uint32_t)mpfr_get_ui(o->t, MPFR_RNDN);
	uint32_t frac = sig & ((1u << f->fbits) - 1u);
	return s | (biased << f->fbits) | frac;
}

typedef enum { OP_MUL, OP_ADD } binop_t;

static uint32_t ref_binop(oracle_t *o, binop_t op, const fmt_t *in, const fmt_t *out, uint32_t a, uint32_t b)
{
	decode(in, a, o->a);
	decode(in, b, o->b);
	mpfr_set_prec(o->y, out->prec);
	int t = op == OP_MUL ? mpfr_mul(o->y, o->a, o->b, MPFR_RNDN) : mpfr_add(o->y, o->a, o->b, MPFR_RNDN);
	round_to(o, out, t);
	return encode(o, out, o->y);
}

static uint32_t ref_convert(oracle_t *o, const fmt_t *in, const fmt_t *out, uint32_t a)
{
	decode(in, a, o->a);
	mpfr_set_prec(o->y, out->prec);
	int t = mpfr_set(o->y, o->a, MPFR_RNDN);
	round_to(o, out, t);
	return encode(o, out, o->y);
}

static uint32_t ref_from_double(oracle_t *o, const fmt_t *out, double d)
{
	mpfr_set_prec(o->y, out->prec);
	int t = mpfr_set_d(o->y, d, MPFR_RNDN);
	round_to(o, out, t);
	return encode(o, out, o->y);
}

/* ---- operations under test, as uniform function types ------------------- */

typedef uint32_t (*binop_fn)(uint32_t, uint32_t);
typedef uint32_t (*unop_fn)(uint32_t);
typedef uint32_t (*dblop_fn)(double);

static uint32_t op_f16_mul(uint32_t a, uint32_t b)
{
	return arith_f16_mul((uint16_t)a, (uint16_t)b);
}
static uint32_t op_bf16_mul(uint32_t a, uint32_t b)
{
	return arith_bf16_mul((uint16_t)a, (uint16_t)b);
}
static uint32_t op_f32_mul(uint32_t a, uint32_t b)
{
	return arith_f32_mul(a, b);
}
static uint32_t op_f32_add(uint32_t a, uint32_t b)
{
	return arith_f32_add(a, b);
}
/* The fp32 datapath's multiply and add as cu.c performs them: host float
 * operations on the words' floats, canonicalised where the value leaves
 * (docs/numerics.md §8); precision.mul=fp32 has no other path. */
static uint32_t op_f32_mulf(uint32_t a, uint32_t b)
{
	return arith_float_canon(arith_bits_to_float(a) * arith_bits_to_float(b));
}
static uint32_t op_f32_addf(uint32_t a, uint32_t b)
{
	return arith_float_canon(arith_bits_to_float(a) + arith_bits_to_float(b));
}
static uint32_t op_f32_to_f16(uint32_t a)
{
	return arith_f32_to_f16(a);
}
static uint32_t op_f32_to_bf16(uint32_t a)
{
	return arith_f32_to_bf16(a);
}
static uint32_t op_f16_to_f32(uint32_t a)
{
	return arith_f16_to_f32((uint16_t)a);
}
static uint32_t op_bf16_to_f32(uint32_t a)
{
	return arith_bf16_to_f32((uint16_t)a);
}
static uint32_t op_d_to_f16(double d)
{
	return arith_double_to_f16(d);
}
static uint32_t op_d_to_bf16(double d)
{
	return arith_double_to_bf16(d);
}
static uint32_t op_d_to_f32(double d)
{
	return arith_double_to_f32(d);
}

/* A deliberately broken adder: the exact-ish double sum truncated (not
 * rounded) to fp32. The checker must report mismatches for it. */
static uint32_t op_f32_add_truncating(uint32_t a, uint32_t b)
{
	double s = arith_f32_to_double(a) + arith_f32_to_double(b);
	uint64_t u;
	memcpy(&u, &s, sizeof u);
	if (((u >> 52) & 0x7FF) != 0x7FF)
		u &= ~((UINT64_C(1) << 29) - 1);
	memcpy(&s, &u, sizeof s);
	return arith_double_to_f32(s);
}

/* ---- checkers: return the number of mismatches -------------------------- */

typedef struct mism {
	uint64_t count;
	char first[160];
} mism_t;

static void note(mism_t *m, const char *what, uint32_t a, uint32_t b, uint32_t got, uint32_t want)
{
	if (m->count++ == 0)
		snprintf(m->first, sizeof m->first,
			 "%s(0x%08" PRIx32 ", 0x%08" PRIx32 ") = 0x%08" PRIx32 ", MPFR says 0x%08" PRIx32, what, a, b,
			 got, want);
}

static uint64_t check_binop(binop_fn fn, binop_t op, const fmt_t *in, const fmt_t *out, const uint32_t *a,
			    const uint32_t *b, size_t n, mism_t *m)
{
	oracle_t o;
	oracle_init(&o);
	for (size_t k = 0; k < n; k++) {
		uint32_t want = ref_binop(&o, op, in, out, a[k], b[k]);
		uint32_t got = fn(a[k], b[k]);
		if (got != want)
			note(m, op == OP_MUL ? "mul" : "add", a[k], b[k], got, want);
	}
	oracle_clear(&o);
	return m->count;
}

static uint64_t check_unop(unop_fn fn, const fmt_t *in, const fmt_t *out, const uint32_t *a, size_t n, mism_t *m)
{
	oracle_t o;
	oracle_init(&o);
	for (size_t k = 0; k < n; k++) {
		uint32_t want = ref_convert(&o, in, out, a[k]);
		uint32_t got = fn(a[k]);
		if (got != want)
			note(m, "convert", a[k], 0, got, want);
	}
	oracle_clear(&o);
	return m->count;
}

static uint64_t check_dblop(dblop_fn fn, const fmt_t *out, const double *d, size_t n, mism_t *m)
{
	oracle_t o;
	oracle_init(&o);
	for (size_t k = 0; k < n; k++) {
		uint32_t want = ref_from_double(&o, out, d[k]);
		uint32_t got = fn(d[k]);
		if (got != want) {
			uint64_t u;
			memcpy(&u, &d[k], sizeof u);
			note(m, "from_double", (uint32_t)(u >> 32), (uint32_t)u, got, want);
		}
	}
	oracle_clear(&o);
	return m->count;
}

/* ---- operand generators ------------------------------------------------- */

/* Special values of a format: zeros, smallest/largest subnormal, smallest
 * normal, one, values around one, largest finite, infinities, NaNs. */
static size_t specials(const fmt_t *f, uint32_t *v)
{
	unsigned sbit = f->fbits + f->ebits;
	uint32_t fmask = (1u << f->fbits) - 1u;
	uint32_t einf = ((1u << f->ebits) - 1u) << f->fbits;
	uint32_t one = (uint32_t)f->bias << f->fbits;
	uint32_t base[] = {
		0,
		1,
		2,
		3,
		fmask,
		fmask - 1,
		fmask + 1,
		fmask + 2,
		one,
		one + 1,
		one - 1,
		one + fmask,
		one + (1u << f->fbits),
		einf - 1,
		einf - 2,
		einf - (1u << f->fbits),
		einf,
		einf | 1u,
		einf | (1u << (f->fbits - 1)),
		einf | fmask,
		(uint32_t)(f->bias - 1) << f->fbits,
		(uint32_t)(f->bias + 1) << f->fbits,
		(uint32_t)(f->bias - (int)f->fbits - 1) << f->fbits,
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
		v[n++] = base[i];
		v[n++] = base[i] | (1u << sbit);
	}
	return n;
}

static uint32_t rand_bits(uint64_t *s, unsigned width)
{
	uint64_t r = mix_next(s);
	return width == 32 ? (uint32_t)r : (uint32_t)(r & ((UINT64_C(1) << width) - 1));
}

/* A value of f whose biased exponent is `e` (clamped to the finite range)
 * with a random sign and fraction. */
static uint32_t with_exp(uint64_t *s, const fmt_t *f, long e)
{
	long emaxb = (1L << f->ebits) - 2;
	if (e < 0)
		e = 0;
	if (e > emaxb)
		e = emaxb;
	uint32_t r = (uint32_t)mix_next(s);
	uint32_t frac = r & ((1u << f->fbits) - 1u);
	uint32_t sign = (r >> 31) << (f->fbits + f->ebits);
	/* 1 in 8: a short fraction, so that exact results and ties appear */
	if ((r >> 28 & 7u) == 0)
		frac &= ~((1u << (f->fbits / 2)) - 1u);
	return sign | ((uint32_t)e << f->fbits) | frac;
}

/*
 * n operand pairs for a binary op: a third uniformly random bit patterns,
 * a third with exponents placed so that the result lands near the output's
 * overflow/underflow boundaries (mul) or near the other operand (add:
 * cancellation, alignment shifts around the rounding point), a third with
 * small exponent differences in the subnormal/normal border; all pairs of
 * special values first.
 */
static size_t gen_pairs(const fmt_t *f, binop_t op, uint64_t seed, uint32_t *a, uint32_t *b, size_t n)
{
	uint64_t s = seed;
	uint32_t sp[64];
	size_t ns = specials(f, sp), k = 0;
	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < ns; j++) {
			a[k] = sp[i];
			b[k] = sp[j];
			k++;
		}
	unsigned width = f->fbits + f->ebits + 1;
	long emaxb = (1L << f->ebits) - 2;
	for (; k < n; k++) {
		unsigned kind = (unsigned)(mix_next(&s) % 3);
		long d = (long)(mix_next(&s) % 61) - 30;
		if (kind == 0) {
			a[k] = rand_bits(&s, width);
			b[k] = rand_bits(&s, width);
		} else if (kind == 1) {
			long ea = (long)(mix_next(&s) % (uint64_t)(emaxb + 1));
			a[k] = with_exp(&s, f, ea);
			long eb;
			if (op == OP_ADD)
				eb = ea + d;
			else if (mix_next(&s) & 1)
				eb = 2 * f->bias + 1 - ea + d / 3; /* product near overflow */
			else
				eb = f->bias - (long)f->fbits - ea + d; /* product near underflow */
			b[k] = with_exp(&s, f, eb);
		} else {
			a[k] = with_exp(&s, f, (long)(mix_next(&s) % 4));
			b[k] = with_exp(&s, f, op == OP_ADD ? (long)(mix_next(&s) % 4) : f->bias + d);
		}
	}
	return n;
}

/* ---- the floating-point tests ------------------------------------------- */

static void run_binop(binop_fn fn, binop_t op, const fmt_t *in, const fmt_t *out, uint64_t seed)
{
	uint32_t *a = malloc(N_RANDOM * sizeof *a), *b = malloc(N_RANDOM * sizeof *b);
	ck_assert(a && b);
	gen_pairs(in, op, seed, a, b, N_RANDOM);
	mism_t m = { 0 };
	check_binop(fn, op, in, out, a, b, N_RANDOM, &m);
	ck_assert_msg(m.count == 0, "%s %s: %" PRIu64 " of %u mismatches, first: %s", in->name,
		      op == OP_MUL ? "mul" : "add", m.count, N_RANDOM, m.first);
	free(a);
	free(b);
}

START_TEST(test_f16_mul_mpfr)
{
	run_binop(op_f16_mul, OP_MUL, &F16, &F32, 11);
}
END_TEST

START_TEST(test_bf16_mul_mpfr)
{
	run_binop(op_bf16_mul, OP_MUL, &BF16, &F32, 12);
}
END_TEST

START_TEST(test_f32_mul_mpfr)
{
	run_binop(op_f32_mul, OP_MUL, &F32, &F32, 13);
}
END_TEST

START_TEST(test_f32_add_mpfr)
{
	run_binop(op_f32_add, OP_ADD, &F32, &F32, 14);
}
END_TEST

START_TEST(test_f32_float_domain_mpfr)
{
	run_binop(op_f32_mulf, OP_MUL, &F32, &F32, 15);
	run_binop(op_f32_addf, OP_ADD, &F32, &F32, 16);
}
END_TEST

/* The checker is not vacuous: a truncating adder fails it, on the same
 * operands that the real adder passes. */
START_TEST(test_checker_catches_broken_adder)
{
	size_t n = 200000;
	uint32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
	ck_assert(a && b);
	gen_pairs(&F32, OP_ADD, 99, a, b, n);
	mism_t good = { 0 }, bad = { 0 };
	check_binop(op_f32_add, OP_ADD, &F32, &F32, a, b, n, &good);
	check_binop(op_f32_add_truncating, OP_ADD, &F32, &F32, a, b, n, &bad);
	ck_assert_msg(good.count == 0, "real adder: %s", good.first);
	ck_assert_msg(bad.count > n / 100, "broken adder: only %" PRIu64 " mismatches", bad.count);
	free(a);
	free(b);
}
END_TEST

/* All 65536 fp16 and bf16 patterns widen exactly. */
START_TEST(test_widen_exhaustive)
{
	uint32_t *v = malloc(65536 * sizeof *v);
	ck_assert(v);
	for (uint32_t i = 0; i < 65536; i++)
		v[i] = i;
	mism_t m1 = { 0 }, m2 = { 0 };
	check_unop(op_f16_to_f32, &F16, &F32, v, 65536, &m1);
	check_unop(op_bf16_to_f32, &BF16, &F32, v, 65536, &m2);
	ck_assert_msg(m1.count == 0, "fp16->fp32: %s", m1.first);
	ck_assert_msg(m2.count == 0, "bf16->fp32: %s", m2.first);
	/* the branch-free float-domain widenings agree with the MPFR-checked
	 * bit-pattern ones on every pattern (NaN: any NaN) */
	for (uint32_t i = 0; i < 65536; i++) {
		uint32_t want16 = arith_f16_to_f32((uint16_t)i), want_b = arith_bf16_to_f32((uint16_t)i);
		float f16 = arith_f16_to_float((uint16_t)i), fb = arith_bf16_to_float((uint16_t)i);
		ck_assert_msg(arith_float_canon(f16) == want16, "f16 0x%04x", i);
		ck_assert_msg(arith_float_canon(fb) == want_b, "bf16 0x%04x", i);
	}
	free(v);
}
END_TEST

/*
 * fp32 -> fp16 / bf16: all 65536 fp16 values widened (exact round trip),
 * the midpoint above each normal fp16 value (w + 2^12 in fp32 bits, fp16
 * drops 13 bits) and between adjacent subnormals, each with its fp32
 * neighbours (ties both ways), and 2M random patterns biased to fp16's
 * exponent range.
 */
START_TEST(test_narrow_mpfr)
{
	size_t n = N_RANDOM + 4 * 65536 + 3 * 2048;
	uint32_t *v = malloc(n * sizeof *v);
	ck_assert(v);
	size_t k = 0;
	/* midpoints between adjacent fp16 subnormals, (m + 0.5) * 2^-24, exact
	 * in fp32 (12 significant bits), and their fp32 neighbours */
	for (uint32_t m = 0; m < 1024; m++)
		for (uint32_t sign = 0; sign < 2; sign++) {
			uint32_t mid = arith_double_to_f32((sign ? -1.0 : 1.0) * (m + 0.5) * 0x1p-24);
			v[k++] = mid;
			v[k++] = mid - 1;
			v[k++] = mid + 1;
		}
	for (uint32_t h = 0; h < 65536; h++) {
		uint32_t w = arith_f16_to_f32((uint16_t)h);
		v[k++] = w;
		/* the midpoint above h: fp16 drops 13 fp32 fraction bits */
		uint32_t mid = w + 0x1000u;
		v[k++] = mid;
		v[k++] = mid - 1;
		v[k++] = mid + 1;
	}
	uint64_t s = 21;
	while (k < n) {
		if (mix_next(&s) & 1)
			v[k++] = (uint32_t)mix_next(&s);
		else
			v[k++] = with_exp(&s, &F32, 127 - 30 + (long)(mix_next(&s) % 50));
	}
	mism_t m1 = { 0 }, m2 = { 0 };
	check_unop(op_f32_to_f16, &F32, &F16, v, n, &m1);
	check_unop(op_f32_to_bf16, &F32, &BF16, v, n, &m2);
	ck_assert_msg(m1.count == 0, "fp32->fp16: %s", m1.first);
	ck_assert_msg(m2.count == 0, "fp32->bf16: %s", m2.first);
	free(v);
}
END_TEST

/* double -> fp16/bf16/fp32 with one rounding: random doubles around each
 * format's range, and double-rounding bait (a midpoint of the target plus
 * or minus a tiny amount that an intermediate fp32 would lose). */
START_TEST(test_from_double_mpfr)
{
	size_t n = N_RANDOM;
	double *d = malloc(n * sizeof *d);
	ck_assert(d);
	uint64_t s = 31;
	double bait[] = { 1.0 + 0x1p-11 + 0x1p-30,
			  1.0 + 0x1p-11 - 0x1p-30,
			  1.0 + 0x1p-11,
			  65504.0,
			  65520.0,
			  65519.999,
			  0x1p-25,
			  0x1p-25 + 0x1p-60,
			  0x1p-24 * 1.5,
			  0x1p-14,
			  0x1p-14 - 0x1p-25,
			  1e300,
			  -1e300,
			  1e-300,
			  0.0,
			  -0.0,
			  INFINITY,
			  -INFINITY,
			  NAN,
			  0x1p-149,
			  0x1p-150,
			  0x1p-150 + 0x1p-200,
			  0x1.fffffefffffffp127,
			  0x1.ffffffp127,
			  4.9e-324 };
	size_t k = 0;
	for (size_t i = 0; i < sizeof bait / sizeof bait[0]; i++) {
		d[k++] = bait[i];
		d[k++] = -bait[i];
	}
	while (k < n) {
		uint64_t r = mix_next(&s);
		uint64_t u;
		switch (r % 4) {
		case 0:
			u = mix_next(&s);
			break;
		case 1: /* exponent within fp16's range +- a few */
			u = (mix_next(&s) & UINT64_C(0x800FFFFFFFFFFFFF)) |
			    ((uint64_t)(1023 - 30 + (r >> 8) % 50) << 52);
			break;
		case 2: /* within fp32/bf16's range */
			u = (mix_next(&s) & UINT64_C(0x800FFFFFFFFFFFFF)) |
			    ((uint64_t)(1023 - 155 + (r >> 8) % 290) << 52);
			break;
		default: /* near a tie of fp16 (bit 42) or fp32 (bit 29) */
			u = (mix_next(&s) & UINT64_C(0x800FFFFFFFFFFFFF)) |
			    ((uint64_t)(1023 - 30 + (r >> 8) % 50) << 52);
			u &= ~((UINT64_C(1) << ((r & 16) ? 42 : 29)) - 1);
			u |= UINT64_C(1) << ((r & 16) ? 41 : 28);
			u += (uint64_t)((int64_t)((r >> 20) % 3) - 1);
			break;
		}
		memcpy(&d[k++], &u, sizeof u);
	}
	mism_t m1 = { 0 }, m2 = { 0 }, m3 = { 0 };
	check_dblop(op_d_to_f16, &F16, d, n, &m1);
	check_dblop(op_d_to_bf16, &BF16, d, n, &m2);
	check_dblop(op_d_to_f32, &F32, d, n, &m3);
	ck_assert_msg(m1.count == 0, "double->fp16: %" PRIu64 " mismatches, first %s", m1.count, m1.first);
	ck_assert_msg(m2.count == 0, "double->bf16: %" PRIu64 " mismatches, first %s", m2.count, m2.first);
	ck_assert_msg(m3.count == 0, "double->fp32: %" PRIu64 " mismatches, first %s", m3.count, m3.first);
	free(d);
}
END_TEST

/* Hand-derived answers (they also pin the oracle's reading of the contract). */
/*
 * arith_double_to_f16_row (two roundings through fp32, eight at a time)
 * against arith_double_to_f16 (one rounding, MPFR-checked above) and
 * arith_f16_to_float, bit for bit: every fp16 midpoint of a random sample
 * and its neighbours a double ulp, 2^-30 and 2^-24 relative away (where
 * rounding twice goes wrong unless caught), the ends of the range
 * (subnormals, 65504, the 65520 overflow tie, 2^-14), zeros, infinities,
 * NaN, and random doubles over exponents -30..20, at lengths that leave
 * every remainder of a group of eight.
 */
static double dbl_at(double v, int64_t ulps)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	u += (uint64_t)ulps;
	memcpy(&v, &u, sizeof v);
	return v;
}

START_TEST(test_f16_row_matches_single_rounding)
{
	enum { N = 40000 };
	double *d = malloc(N * sizeof *d);
	uint16_t *h = malloc(N * sizeof *h);
	float *f = malloc(N * sizeof *f);
	ck_assert(d && h && f);
	uint64_t s = 12345;
	size_t n = 0;
	static const double ends[] = { 0.0,	-0.0,	 65504.0,   65520.0, -65520.0, 65519.99, 0x1p-14,
				       0x1p-24, 0x1p-25, 0x1.8p-24, 1e-300,  3e38,     1e300 };
	for (size_t i = 0; i < sizeof ends / sizeof *ends; i++)
		d[n++] = ends[i], d[n++] = -ends[i], d[n++] = dbl_at(ends[i], 1), d[n++] = dbl_at(ends[i], -1);
	d[n++] = INFINITY, d[n++] = -INFINITY, d[n++] = NAN;
	while (n + 9 <= N / 2) {
		s = s * 6364136223846793005u + 1442695040888963407u;
		uint16_t w = (uint16_t)(s >> 48) & 0x7BFFu; /* finite, either sign after the flip below */
		double lo = arith_f16_to_double(w), hi = arith_f16_to_double((uint16_t)(w + 1));
		double mid = (lo + hi) / 2, sg = (s >> 20) & 1 ? -1.0 : 1.0;
		double pts[9] = { mid,
				  dbl_at(mid, 1),
				  dbl_at(mid, -1),
				  mid + mid * 0x1p-30,
				  mid - mid * 0x1p-30,
				  mid + mid * 0x1p-24,
				  mid - mid * 0x1p-24,
				  lo,
				  hi };
		for (int k = 0; k < 9; k++)
			d[n++] = sg * pts[k];
	}
	while (n < N) {
		s = s * 6364136223846793005u + 1442695040888963407u;
		double u = (double)(s >> 11) * 0x1p-53 * 2 - 1;
		d[n++] = ldexp(u, (int)((s >> 3) % 51) - 30);
	}
	/* every instruction set the CPU has (isa.h), with the words and
	 * without (the floats alone) */
	static const size_t lens[] = { 0, 1, 7, 8, 9, 15, 17, 33 };
	for (int isa = 0; isa < ISA_N; isa++) {
		if (!isa_has((isa_t)isa))
			continue;
		for (int words = 0; words < 2; words++) {
			uint16_t *hw = words ? h : NULL;
			for (size_t l = 0; l < sizeof lens / sizeof *lens; l++) {
				/* floats every third, as in a tile */
				arith_double_to_f16_row_isa(d + 3, lens[l], hw, f, 3, (isa_t)isa);
				for (size_t i = 0; i < lens[l]; i++) {
					uint16_t want = arith_double_to_f16(d[3 + i]);
					ck_assert(!words || h[i] == want);
					ck_assert_uint_eq(arith_float_canon(f[3 * i]),
							  arith_float_canon(arith_f16_to_float(want)));
				}
			}
			arith_double_to_f16_row_isa(d, N, hw, f, 1, (isa_t)isa);
			for (size_t i = 0; i < N; i++) {
				uint16_t want = arith_double_to_f16(d[i]);
				ck_assert_msg(!words || h[i] == want,
					      "%s: value %zu: %.17g gives 0x%04x, expected 0x%04x",
					      isa_name((isa_t)isa), i, d[i], h[i], want);
				ck_assert_msg(arith_float_canon(f[i]) == arith_float_canon(arith_f16_to_float(want)),
					      "%s, words %d: value %zu: %.17g: its float", isa_name((isa_t)isa), words,
					      i, d[i]);
			}
		}
	}
	free(d);
	free(h);
	free(f);
}
END_TEST

START_TEST(test_known_values)
{
	/* smallest fp16 subnormal squared: 2^-24 * 2^-24 = 2^-48, fp32 biased
	 * exponent 127 - 48 = 79: 79 << 23 = 0x27800000 */
	ck_assert_uint_eq(arith_f16_mul(0x0001, 0x0001), 0x27800000u);
	/* 65504^2 = (2^16 - 2^5)^2 = 2^32 - 2^22 + 2^10 = 2^31 * (2 - 2^-9 + 2^-21):
	 * exponent 31 (biased 158), fraction (1 - 2^-9 + 2^-21) * 2^23
	 * = 2^23 - 2^14 + 4 = 0x7FC004, exact */
	ck_assert_uint_eq(arith_f16_mul(0x7BFF, 0x7BFF), (158u << 23) | 0x7FC004u);
	/* (-0) x 3 = -0; 0 x inf = canonical NaN; -inf x 2 = -inf */
	ck_assert_uint_eq(arith_f16_mul(0x8000, 0x4200), 0x80000000u);
	ck_assert_uint_eq(arith_f16_mul(0x0000, 0x7C00), ARITH_F32_QNAN);
	ck_assert_uint_eq(arith_f16_mul(0xFC00, 0x4000), 0xFF800000u);
	/* a NaN with sign and payload comes out canonical */
	ck_assert_uint_eq(arith_f16_mul(0xFE01, 0x3C00), ARITH_F32_QNAN);
	ck_assert_uint_eq(arith_f32_add(0xFFC12345u, 0x3F800000u), ARITH_F32_QNAN);
	/* inf + (-inf) = NaN; x + (-x) = +0; (-0) + (-0) = -0; (+0) + (-0) = +0 */
	ck_assert_uint_eq(arith_f32_add(0x7F800000u, 0xFF800000u), ARITH_F32_QNAN);
	ck_assert_uint_eq(arith_f32_add(0x3F800001u, 0xBF800001u), 0x00000000u);
	ck_assert_uint_eq(arith_f32_add(0x80000000u, 0x80000000u), 0x80000000u);
	ck_assert_uint_eq(arith_f32_add(0x00000000u, 0x80000000u), 0x00000000u);
	/* ties: 1 + 2^-24 is halfway between 1 and 1 + 2^-23: even -> 1;
	 * (1 + 2^-23) + 2^-24 is halfway to 1 + 2^-22: even -> 1 + 2^-22 */
	ck_assert_uint_eq(arith_f32_add(0x3F800000u, 0x33800000u), 0x3F800000u);
	ck_assert_uint_eq(arith_f32_add(0x3F800001u, 0x33800000u), 0x3F800002u);
	/* subnormal sum: 2^-149 + 2^-149 = 2^-148 (0x00000002), no flush */
	ck_assert_uint_eq(arith_f32_add(0x00000001u, 0x00000001u), 0x00000002u);
	/* overflow: max + max = inf; bf16 2^127 * 2 = inf */
	ck_assert_uint_eq(arith_f32_add(0x7F7FFFFFu, 0x7F7FFFFFu), 0x7F800000u);
	ck_assert_uint_eq(arith_bf16_mul(0x7F00, 0x4000), 0x7F800000u);
	/* bf16 underflow: 2^-126 * 2^-23 = 2^-149, the smallest subnormal;
	 * 2^-126 * 2^-24 = 2^-150 is a tie between 0 and 2^-149: even -> 0;
	 * 2^-126 * 1.5*2^-24 rounds up to 2^-149 */
	ck_assert_uint_eq(arith_bf16_mul(0x0080, 0x3400), 0x00000001u);
	ck_assert_uint_eq(arith_bf16_mul(0x0080, 0x3380), 0x00000000u);
	ck_assert_uint_eq(arith_bf16_mul(0x0080, 0x33C0), 0x00000001u);
	/* fp32 -> fp16: 65504 + 16 = 65520 is the tie to 65536: even -> inf;
	 * just below it stays 65504; 2^-25 is the tie between 0 and 2^-24 -> 0;
	 * 1.5 * 2^-25 -> 2^-24; NaN -> 0x7E00 */
	ck_assert_uint_eq(arith_f32_to_f16(0x477FF000u), 0x7C00);
	ck_assert_uint_eq(arith_f32_to_f16(0x477FEFFFu), 0x7BFF);
	ck_assert_uint_eq(arith_f32_to_f16(0x33000000u), 0x0000);
	ck_assert_uint_eq(arith_f32_to_f16(0x33400000u), 0x0001);
	ck_assert_uint_eq(arith_f32_to_f16(0xFF800001u), ARITH_F16_QNAN);
	/* largest fp16 subnormal + half an ulp rounds into the smallest normal:
	 * 0x387FE000 = (2 - 2^-10) * 2^-15 = 1023.5 * 2^-24 -> 1024 * 2^-24 = 2^-14
	 * = 0x0400 (1023 is odd -> up) */
	ck_assert_uint_eq(arith_f32_to_f16(0x387FE000u), 0x0400);
	ck_assert_uint_eq(arith_f32_to_f16(0x387FC000u), 0x03FF); /* exactly 1023 units */
	/* the double-rounding trap: 1 + 2^-11 + 2^-30 -> 1 + 2^-10 (0x3C01),
	 * although via fp32 it would become 1 + 2^-11, a tie, -> 1 (0x3C00) */
	ck_assert_uint_eq(arith_double_to_f16(1.0 + 0x1p-11 + 0x1p-30), 0x3C01);
	ck_assert_uint_eq(arith_f32_to_f16(arith_double_to_f32(1.0 + 0x1p-11 + 0x1p-30)), 0x3C00);
	/* bf16: 0x3F808000 (1 + 2^-8) is a tie: even -> 0x3F80; 0x3F818000 -> 0x3F82 */
	ck_assert_uint_eq(arith_f32_to_bf16(0x3F808000u), 0x3F80);
	ck_assert_uint_eq(arith_f32_to_bf16(0x3F818000u), 0x3F82);
	ck_assert_uint_eq(arith_f32_to_bf16(0x7F7FFFFFu), 0x7F80);
}
END_TEST

/* ---- fixed point --------------------------------------------------------- */

/* Independent oracle: the same quantity computed with long double/int64 by
 * the definition (value * 2^frac, nearest, ties to even, clamp). */
START_TEST(test_fixed_quantize)
{
	/* Q8 int16: 1.5 -> 384; 0.5/256 (half an lsb) -> 0 (even); 1.5/256 -> 2;
	 * 2.5/256 -> 2; -0.5/256 -> -0 = 0; -1.5/256 -> -2 */
	ck_assert_int_eq(fix_from_double16(1.5, 8), 384);
	ck_assert_int_eq(fix_from_double16(0.5 / 256, 8), 0);
	ck_assert_int_eq(fix_from_double16(1.5 / 256, 8), 2);
	ck_assert_int_eq(fix_from_double16(2.5 / 256, 8), 2);
	ck_assert_int_eq(fix_from_double16(-0.5 / 256, 8), 0);
	ck_assert_int_eq(fix_from_double16(-1.5 / 256, 8), -2);
	/* saturation both ends: Q8 range is [-128, 127.99609375] */
	ck_assert_int_eq(fix_from_double16(200.0, 8), 32767);
	ck_assert_int_eq(fix_from_double16(-200.0, 8), -32768);
	ck_assert_int_eq(fix_from_double16(127.998, 8), 32767); /* rounds to 32768 -> clamp */
	ck_assert_int_eq(fix_from_double16(-128.0, 8), -32768);
	ck_assert_int_eq(fix_from_double16(INFINITY, 8), 32767);
	ck_assert_int_eq(fix_from_double16(NAN, 8), 0);
	/* int8 Q6: range [-2, 1.984375]; int8 min is reachable exactly */
	ck_assert_int_eq(fix_from_double8(-2.0, 6), -128);
	ck_assert_int_eq(fix_from_double8(-3.0, 6), -128);
	ck_assert_int_eq(fix_from_double8(1.99, 6), 127);
	ck_assert_int_eq(fix_from_double8(0.5 / 64, 6), 0);
	ck_assert_int_eq(fix_from_double8(1.5 / 64, 6), 2);
	ck_assert_double_eq(fix_to_double(-128, 6), -2.0);
	ck_assert_double_eq(fix_to_double(384, 8), 1.5);

	/* random sweep against the definition */
	uint64_t s = 5;
	for (int k = 0; k < 200000; k++) {
		double v = ((double)(mix_next(&s) >> 11) * 0x1p-53 - 0.5) * 600.0;
		unsigned frac = (unsigned)(mix_next(&s) % 15);
		long double x = (long double)v * (long double)ldexp(1.0, (int)frac);
		long double fl = floorl(x);
		long double diff = x - fl;
		int64_t r = (int64_t)fl;
		if (diff > 0.5L || (diff == 0.5L && (r & 1)))
			r++;
		if (r > 32767)
			r = 32767;
		if (r < -32768)
			r = -32768;
		ck_assert_int_eq(fix_from_double16(v, frac), r);
	}
}
END_TEST

START_TEST(test_fixed_mac)
{
	/* 16x8: weight field 0xAB80: high byte ignored, low byte 0x80 = -128 */
	ck_assert_int_eq(fix_mul16x8(-32768, 0xAB80), 32768 * 128);
	ck_assert_int_eq(fix_mul16x8(32767, 0x007F), 32767 * 127);
	ck_assert_int_eq(fix_mul16x8(-3, 0xFFFF), 3);
	/* 16x16 from two 16x8 halves equals the full product for every weight
	 * class: wh signed, wl unsigned */
	int16_t xs[] = { -32768, -32767, -1, 0, 1, 12345, 32767 };
	int16_t ws[] = { -32768, -32767, -256, -255, -129, -128, -1, 0, 1, 127, 128, 255, 256, 32767 };
	for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
		for (size_t j = 0; j < sizeof ws / sizeof ws[0]; j++)
			ck_assert_int_eq(fix_mul16x16(xs[i], ws[j]), (int32_t)xs[i] * ws[j]);

	/* saturating accumulate, acc_bits = 16: [-32768, 32767] */
	ck_assert_int_eq(fix_sat(40000, 16), 32767);
	ck_assert_int_eq(fix_sat(-40000, 16), -32768);
	ck_assert_int_eq(fix_acc_add(32000, 1000, 16), 32767);
	ck_assert_int_eq(fix_acc_add(-32000, -1000, 16), -32768);
	ck_assert_int_eq(fix_acc_add(32767, -1, 16), 32766);
	/* acc_bits = 32 saturates at int32's ends, from an int64 tree sum */
	ck_assert_int_eq(fix_acc_add(INT32_MAX, 1, 32), INT32_MAX);
	ck_assert_int_eq(fix_acc_add(INT32_MIN, -1, 32), INT32_MIN);
	ck_assert_int_eq(fix_sat(INT64_C(1) << 40, 32), INT32_MAX);

	/* exact tree sum: adjacent pairs, odd node passes; equals the plain sum */
	int32_t leaves[7] = { -8388608, 8388607, 5, -7, 1 << 20, -(1 << 22), 3 };
	int64_t plain = 0;
	for (int i = 0; i < 7; i++)
		plain += leaves[i];
	ck_assert_int_eq(fix_tree_sum(leaves, 7), plain);

	/* rounding right shift, ties to even: 3/2 = 1.5 -> 2, 5/2 -> 2, -3/2 -> -2,
	 * -5/2 -> -2, 7/4 = 1.75 -> 2 */
	ck_assert_int_eq(fix_shift_rne(3, 1), 2);
	ck_assert_int_eq(fix_shift_rne(5, 1), 2);
	ck_assert_int_eq(fix_shift_rne(-3, 1), -2);
	ck_assert_int_eq(fix_shift_rne(-5, 1), -2);
	ck_assert_int_eq(fix_shift_rne(7, 2), 2);
	ck_assert_int_eq(fix_shift_rne(-7, 2), -2);
	ck_assert_int_eq(fix_shift_rne(9, 0), 9);
}
END_TEST

Suite *arith_suite(void)
{
	Suite *s = suite_create("arith");
	TCase *fp = tcase_create("fp");
	/* each MPFR sweep is a few seconds; give room on a busy 2-core host */
	tcase_set_timeout(fp, 60);
	tcase_add_test(fp, test_known_values);
	tcase_add_test(fp, test_widen_exhaustive);
	tcase_add_test(fp, test_f16_mul_mpfr);
	tcase_add_test(fp, test_bf16_mul_mpfr);
	tcase_add_test(fp, test_f32_mul_mpfr);
	tcase_add_test(fp, test_f32_add_mpfr);
	tcase_add_test(fp, test_f32_float_domain_mpfr);
	tcase_add_test(fp, test_narrow_mpfr);
	tcase_add_test(fp, test_from_double_mpfr);
	tcase_add_test(fp, test_f16_row_matches_single_rounding);
	tcase_add_test(fp, test_checker_catches_broken_adder);
	suite_add_tcase(s, fp);
	TCase *fx = tcase_create("fixed");
	tcase_add_test(fx, test_fixed_quantize);
	tcase_add_test(fx, test_fixed_mac);
	suite_add_tcase(s, fx);
	return s;
}
