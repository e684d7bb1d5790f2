#include "rng.h"

#include <stdlib.h>
#include <string.h>

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

rng_t *rng_create(uint64_t seed)
{
	rng_t *r = malloc(sizeof *r);
	if (!r)
		return NULL;
	/* splitmix64 never yields four zero words, so the state is valid */
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
	return r;
}

void rng_destroy(rng_t *r)
{
	free(r);
}

/* One xoshiro256** step on the state s: returns the output, advances s. */
static inline uint64_t rng_step(uint64_t *s)
{
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint64_t rng_next(rng_t *r)
{
	return rng_step(r->s);
}

double rng_double(rng_t *r)
{
	return (double)(rng_next(r) >> 11) * 0x1p-53;
}

double rng_uniform(rng_t *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_double(r);
}

/* n values one by one from r. */
static void fill_one(rng_t *r, double lo, double hi, double *out, size_t n)
{
	uint64_t s[4] = { r->s[0], r->s[1], r->s[2], r->s[3] }; /* a local copy the compiler keeps in registers */
	double span = hi - lo;
	/* rng_double's value: x >> 11 < 2^53 converts exactly, signed or not */
	for (size_t i = 0; i < n; i++)
		out[i] = lo + span * ((double)(int64_t)(rng_step(s) >> 11) * 0x1p-53);
	memcpy(r->s, s, sizeof s);
}

void rng_fill_uniform(rng_t *r, double lo, double hi, double *out, size_t n)
{
	if (n < RNG_LANES_MIN) {
		fill_one(r, lo, hi, out, n);
		return;
	}
	/* lane l draws out[l * q ..], one contiguous piece each; the last
	 * lane ends at output RNG_LANES * q, where the rest goes on */
	size_t q = n / RNG_LANES;
	rng_lanes_t ln;
	rng_lanes_split(r, q, &ln);
	rng_lanes_fill_uniform(&ln, lo, hi, out, q);
	rng_lanes_get(&ln, RNG_LANES - 1, r);
	fill_one(r, lo, hi, out + RNG_LANES * q, n - RNG_LANES * q);
}

void rng_skip(rng_t *r, size_t n)
{
	uint64_t s[4] = { r->s[0], r->s[1], r->s[2], r->s[3] };
	for (size_t i = 0; i < n; i++)
		(void)rng_step(s);
	memcpy(r->s, s, sizeof s);
}

void rng_save(const rng_t *r, rng_state_t *st)
{
	memcpy(st->s, r->s, sizeof st->s);
}

void rng_restore(rng_t *r, const rng_state_t *st)
{
	memcpy(r->s, st->s, sizeof r->s);
}

/*
 * Jumps. The state update of xoshiro256** is linear over GF(2): s' = T s
 * for a 256 x 256 bit matrix T. Its characteristic polynomial P has
 * P(T) = 0 (Cayley-Hamilton), so T^d = J(T) with J = x^d mod P, and the
 * state d steps on is sum_k J_k T^k s: 256 steps from s, adding (xor) the
 * states at J's set bits (the authors' jump() does this for their
 * d = 2^128). P = x^256 + the bits below (bit k of word k / 64: the
 * coefficient of x^k), found by Berlekamp-Massey from 1,200 output bits
 * of the generator (it has degree 256, as it must), and x^(2^128) mod P is
 * the authors' published jump polynomial; tests/test_func.c checks that
 * jumps land where rng_skip does.
 */
static const uint64_t rng_charpoly[4] = { UINT64_C(0x9d116f2bb0f0f001), UINT64_C(0x0280002bcefd1a5e),
					  UINT64_C(0x04b4edcf26259f85), UINT64_C(0x0003c03c3f3ecb19) };

/* a = a * x mod P */
static void poly_mulx(uint64_t a[4])
{
	uint64_t m = -(a[3] >> 63); /* x^256 appears: replace it by P's lower terms */
	a[3] = a[3] << 1 | a[2] >> 63;
	a[2] = a[2] << 1 | a[1] >> 63;
	a[1] = a[1] << 1 | a[0] >> 63;
	a[0] <<= 1;
	for (int k = 0; k < 4; k++)
		a[k] ^= rng_charpoly[k] & m;
}

/* out = a * b mod P (Horner over b's bits, the highest first); out may be a or b */
static void poly_mulmod(const uint64_t a[4], const uint64_t b[4], uint64_t out[4])
{
	uint64_t r[4] = { 0, 0, 0, 0 };
	for (int i = 255; i >= 0; i--) {
		poly_mulx(r);
		uint64_t m = -((b[i / 64] >> (i % 64)) & 1);
		for (int k = 0; k < 4; k++)
			r[k] ^= a[k] & m;
	}
	memcpy(out, r, sizeof r);
}

/* j = x^n mod P: x^t for n's top eight bits t (a monomial of degree below
 * 256, already reduced), then a squaring per further bit of n. */
static void poly_xpow(uint64_t n, uint64_t j[4])
{
	int i = 63;
	while (i > 7 && !((n >> i) & 1))
		i--;
	int lo = i > 7 ? i - 7 : 0; /* n >> lo < 256 */
	uint64_t t = n >> lo;
	j[0] = j[1] = j[2] = j[3] = 0;
	j[t / 64] = UINT64_C(1) << (t % 64);
	for (i = lo - 1; i >= 0; i--) {
		poly_mulmod(j, j, j);
		if ((n >> i) & 1)
			poly_mulx(j);
	}
}

/* s = J(T) s: the state as many steps on as J = x^d mod P stands for. */
static void poly_apply(const uint64_t j[4], uint64_t s[4])
{
	uint64_t acc[4] = { 0, 0, 0, 0 };
	for (int k = 0; k < 256; k++) {
		uint64_t m = -((j[k / 64] >> (k % 64)) & 1);
		for (int w = 0; w < 4; w++)
			acc[w] ^= s[w] & m;
		(void)rng_step(s);
	}
	memcpy(s, acc, sizeof acc);
}

void rng_jump(rng_t *r, uint64_t n)
{
	uint64_t j[4];
	poly_xpow(n, j);
	poly_apply(j, r->s);
}

void rng_lanes_split(const rng_t *r, uint64_t stride, rng_lanes_t *ln)
{
	uint64_t j[4], at[4];
	poly_xpow(stride, j); /* one polynomial for every lane's jump from the one before */
	memcpy(at, r->s, sizeof at);
	for (unsigned l = 0; l < RNG_LANES; l++) {
		if (l)
			poly_apply(j, at);
		for (int w = 0; w < 4; w++)
			ln->s[w][l] = at[w];
	}
}

void rng_lanes_get(const rng_lanes_t *ln, unsigned l, rng_t *r)
{
	for (int w = 0; w < 4; w++)
		r->s[w] = ln->s[w][l];
}

/*
 * The lanes' draws. Each loop over the RNG_LANES lanes is element-wise
 * integer and double arithmetic that the compiler vectorises, one lane per
 * SIMD element: the multiplies by 5 and 9 written as shifts and adds, and
 * the conversion of the top 53 bits to double by halves in the bits of
 * 2^84 and 2^52 (m = h 2^32 + l: (2^84 + h 2^32) - (2^84 + 2^52) is
 * exact, Sterbenz, and adding 2^52 + l gives m exactly, which fits 53
 * bits), since only AVX-512DQ converts 64-bit integers in vector lanes.
 * The rest is rng_uniform's arithmetic, a multiply and then an add, as
 * separate statements so that no compiler fuses them (a fused multiply-add
 * rounds once, not twice). A block of RNG_BLOCK draws per lane is formed
 * side by side and then copied out lane by lane.
 */
#define RNG_BLOCK 64
_Static_assert(RNG_LANES == 8, "lanes_fill copies eight lanes out");

static inline double bits_double(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

#if defined(__GNUC__)
#define RNG_INLINE static inline __attribute__((always_inline))
#else
#define RNG_INLINE static inline
#endif

RNG_INLINE void lanes_fill(rng_lanes_t *ln, double lo, double span, double *out, size_t n)
{
	uint64_t s0[RNG_LANES], s1[RNG_LANES], s2[RNG_LANES], s3[RNG_LANES];
	memcpy(s0, ln->s[0], sizeof s0);
	memcpy(s1, ln->s[1], sizeof s1);
	memcpy(s2, ln->s[2], sizeof s2);
	memcpy(s3, ln->s[3], sizeof s3);
	double blk[RNG_BLOCK][RNG_LANES];
	for (size_t i0 = 0; i0 < n; i0 += RNG_BLOCK) {
		size_t nb = n - i0 < RNG_BLOCK ? n - i0 : RNG_BLOCK;
		for (size_t i = 0; i < nb; i++)
			for (unsigned l = 0; l < RNG_LANES; l++) {
				uint64_t a = (s1[l] << 2) + s1[l]; /* s1 * 5 */
				uint64_t b = rotl(a, 7);
				uint64_t x = (b << 3) + b; /* * 9 */
				uint64_t t = s1[l] << 17;
				s2[l] ^= s0[l];
				s3[l] ^= s1[l];
				s1[l] ^= s2[l];
				s0[l] ^= s3[l];
				s2[l] ^= t;
				s3[l] = rotl(s3[l], 45);
				uint64_t m = x >> 11;
				double hi = bits_double(UINT64_C(0x4530000000000000) | m >> 32) - 0x1.00000001p84;
				double u =
					(hi + bits_double(UINT64_C(0x4330000000000000) | (m & 0xFFFFFFFFu))) * 0x1p-53;
				double p = span * u;
				blk[i][l] = lo + p;
			}
		/* written out: -O2 leaves the loop over the lanes rolled */
		for (size_t i = 0; i < nb; i++) {
			double *o = out + i0 + i;
			const double *b = blk[i];
			o[0] = b[0], o[n] = b[1], o[2 * n] = b[2], o[3 * n] = b[3];
			o[4 * n] = b[4], o[5 * n] = b[5], o[6 * n] = b[6], o[7 * n] = b[7];
		}
	}
	memcpy(ln->s[0], s0, sizeof s0);
	memcpy(ln->s[1], s1, sizeof s1);
	memcpy(ln->s[2], s2, sizeof s2);
	memcpy(ln->s[3], s3, sizeof s3);
}

static void lanes_plain(rng_lanes_t *ln, double lo, double span, double *out, size_t n)
{
	lanes_fill(ln, lo, span, out, n);
}

#ifdef ISA_X86
ISA_TARGET_AVX2 static void lanes_avx2(rng_lanes_t *ln, double lo, double span, double *out, size_t n)
{
	lanes_fill(ln, lo, span, out, n);
}

ISA_TARGET_AVX512 static void lanes_avx512(rng_lanes_t *ln, double lo, double span, double *out, size_t n)
{
	lanes_fill(ln, lo, span, out, n);
}
#endif

void rng_lanes_fill_uniform_isa(rng_lanes_t *ln, double lo, double hi, double *out, size_t n, isa_t isa)
{
	ISA_PICK(isa, lanes_plain, lanes_avx2, lanes_avx512)(ln, lo, hi - lo, out, n);
}

void rng_lanes_fill_uniform(rng_lanes_t *ln, double lo, double hi, double *out, size_t n)
{
	rng_lanes_fill_uniform_isa(ln, lo, hi, out, n, isa_best());
}
