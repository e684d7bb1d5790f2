/*
 * xseq.h - a layer's random input sequence x (weights.h: (T, B, I)
 * row-major, uniform in [-1, 1), the generator's last draws) read a block
 * of steps at a time instead of held whole, so that a functional run's
 * memory does not grow with T (weights_random_rows with defer_x).
 *
 * A reader holds one block of K consecutive steps and the generator's state
 * at the first draw of every block it has reached (checkpoints, 32 bytes per
 * K steps). Any step can be read in any order: a step outside the held block
 * draws its block again from that block's checkpoint, so a reader that walks
 * time forward draws every value once, and one that walks it backward skips
 * once to the end (to find the checkpoints) and then draws every value once.
 * The values are bit for bit the ones weights_random draws into x: the same
 * outputs of the same generator through rng_fill_uniform's arithmetic.
 */
#ifndef SHARPSIM_XSEQ_H
#define SHARPSIM_XSEQ_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

typedef struct xseq xseq_t;

/* at: the generator's state at x's first draw (weights_t.x_gen). K: steps a
 * block holds, 1 to T (T: the whole sequence, drawn once). T, B, I > 0. NULL
 * when out of memory. */
xseq_t *xseq_create(const rng_state_t *at, uint32_t T, uint32_t B, uint32_t I, uint32_t K);
void xseq_destroy(xseq_t *x);
/* Row (t, b) of x: I values, valid until the next xseq_row on x. t < T,
 * b < B. A step's rows are contiguous: row (t, 0) starts its B x I values. */
const double *xseq_row(xseq_t *x, uint32_t t, uint32_t b);
/* Bytes the reader holds (its block and checkpoints): K * B * I doubles
 * and 32 bytes per block of T. */
size_t xseq_bytes(const xseq_t *x);

#endif
