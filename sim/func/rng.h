/*
 * rng.h - a seeded pseudo-random generator, reproducible on every machine:
 * xoshiro256** (Blackman & Vigna) seeded by four outputs of splitmix64 from
 * the 64-bit seed. Only integer operations, so the stream of a seed is the
 * same everywhere; doubles take the top 53 bits of an output.
 */
#ifndef SHARPSIM_RNG_H
#define SHARPSIM_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct rng rng_t;

/* A generator's whole state, to resume its stream later (rng_save,
 * rng_restore): a reader of a long stream keeps these instead of the
 * values (xseq.h). */
typedef struct rng_state {
	uint64_t s[4];
} rng_state_t;

/* NULL when out of memory. */
rng_t *rng_create(uint64_t seed);
void rng_destroy(rng_t *r);

/* The next 64 random bits. */
uint64_t rng_next(rng_t *r);
/* Uniform in [0, 1): (next >> 11) * 2^-53. */
double rng_double(rng_t *r);
/* Uniform in [lo, hi): lo + (hi - lo) * rng_double(). */
double rng_uniform(rng_t *r, double lo, double hi);
/* out[0..n-1] = n successive rng_uniform(r, lo, hi), bit for bit (the same
 * outputs in the same order, the same arithmetic), with the generator's
 * state held in registers across the loop: drawing a layer's weights is
 * most of the values a functional run generates. */
void rng_fill_uniform(rng_t *r, double lo, double hi, double *out, size_t n);
/* Advances r by n outputs, as n rng_next calls would, without them. */
void rng_skip(rng_t *r, size_t n);
/* The state of r, and r set to a saved state: the outputs after
 * rng_restore(r, st) are those that followed rng_save(r', st). */
void rng_save(const rng_t *r, rng_state_t *st);
void rng_restore(rng_t *r, const rng_state_t *st);

#endif
