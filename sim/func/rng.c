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

void rng_fill_uniform(rng_t *r, double lo, double hi, double *out, size_t n)
{
	uint64_t s[4] = { r->s[0], r->s[1], r->s[2], r->s[3] }; /* a local copy the compiler keeps in registers */
	double span = hi - lo;
	/* rng_double's value: x >> 11 < 2^53 converts exactly, signed or not */
	for (size_t i = 0; i < n; i++)
		out[i] = lo + span * ((double)(int64_t)(rng_step(s) >> 11) * 0x1p-53);
	memcpy(r->s, s, sizeof s);
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
