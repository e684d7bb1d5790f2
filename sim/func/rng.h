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

#include "../common/isa.h"

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
 * state held in registers across the loop, and a long array (RNG_LANES_MIN
 * values or more) drawn in lanes (below): drawing a layer's weights is
 * most of the values a functional run generates. */
void rng_fill_uniform(rng_t *r, double lo, double hi, double *out, size_t n);
/* Advances r by n outputs, as n rng_next calls would, without them. */
void rng_skip(rng_t *r, size_t n);
/* Advances r by n outputs in O(log n) (the state d steps on is a
 * polynomial of the step's linear map, x^d mod its characteristic
 * polynomial): a few tens of microseconds whatever n. */
void rng_jump(rng_t *r, uint64_t n);

/*
 * Lanes: RNG_LANES pieces of one stream drawn side by side, lane l from
 * the stream's output l * stride on (rng_lanes_split, by jumps), so that
 * the draws of a long array run one lane per SIMD element (xoshiro256**
 * has no rotate or 64-bit multiply that SSE2 vectorises cheaply, so the
 * lanes run in AVX2 or AVX-512 where the CPU has them, chosen at run time,
 * isa.h; the values are the same integers and the same IEEE double
 * operations on every path). Every value is bit for bit the rng_uniform
 * the one stream gives at its place.
 */
#define RNG_LANES 8
/* Arrays this long or longer are worth drawing in lanes: the jumps to the
 * lanes' starts cost about as much as drawing 5,000 values one by one. */
#define RNG_LANES_MIN 32768
typedef struct rng_lanes {
	uint64_t s[4][RNG_LANES]; /* word w of lane l's state at s[w][l] */
} rng_lanes_t;

/* Lane l at r's output l * stride on; r does not move. */
void rng_lanes_split(const rng_t *r, uint64_t stride, rng_lanes_t *ln);
/* Each lane's next n values uniform in [lo, hi) (rng_uniform's), lane l's
 * at out[l * n .. l * n + n - 1]; the lanes advance by n. The widest
 * instruction set the CPU has (isa.h); _isa: the one given, which
 * isa_has must allow. */
void rng_lanes_fill_uniform(rng_lanes_t *ln, double lo, double hi, double *out, size_t n);
void rng_lanes_fill_uniform_isa(rng_lanes_t *ln, double lo, double hi, double *out, size_t n, isa_t isa);
/* r set to lane l's state. */
void rng_lanes_get(const rng_lanes_t *ln, unsigned l, rng_t *r);
/* The state of r, and r set to a saved state: the outputs after
 * rng_restore(r, st) are those that followed rng_save(r', st). */
void rng_save(const rng_t *r, rng_state_t *st);
void rng_restore(rng_t *r, const rng_state_t *st);

#endif
