/*
 * xseq.c - a random input sequence read a block of steps at a time (xseq.h).
 */
#include "xseq.h"

#include <stdlib.h>

struct xseq {
	uint32_t T, B, I, K;
	uint32_t nblk;	  /* blocks of T: ceil(T / K) */
	size_t step_vals; /* values of one step, B * I */
	rng_state_t *ck;  /* per block, the state at its first draw; known for k < nck */
	uint32_t nck;
	rng_t *r;
	double *blk;  /* the held block, K steps */
	int64_t held; /* the block blk holds, -1 none */
};

xseq_t *xseq_create(const rng_state_t *at, uint32_t T, uint32_t B, uint32_t I, uint32_t K)
{
	xseq_t *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->T = T, x->B = B, x->I = I, x->K = K;
	x->nblk = (T + K - 1) / K;
	x->step_vals = (size_t)B * I;
	x->ck = malloc(x->nblk * sizeof *x->ck);
	x->r = rng_create(0);
	x->blk = malloc((size_t)K * x->step_vals * sizeof *x->blk);
	if (!x->ck || !x->r || !x->blk) {
		xseq_destroy(x);
		return NULL;
	}
	x->ck[0] = *at;
	x->nck = 1;
	x->held = -1;
	return x;
}

void xseq_destroy(xseq_t *x)
{
	if (!x)
		return;
	free(x->ck);
	rng_destroy(x->r);
	free(x->blk);
	free(x);
}

/* Draws block k into blk, first finding its checkpoint by skipping over
 * the blocks before it that were never reached; drawing a block also gives
 * the next one's checkpoint. */
static void xseq_load(xseq_t *x, uint32_t k)
{
	size_t per = (size_t)x->K * x->step_vals;
	while (x->nck <= k) {
		rng_restore(x->r, &x->ck[x->nck - 1]);
		rng_skip(x->r, per);
		rng_save(x->r, &x->ck[x->nck++]);
	}
	uint32_t t0 = k * x->K, n = x->T - t0 < x->K ? x->T - t0 : x->K;
	rng_restore(x->r, &x->ck[k]);
	rng_fill_uniform(x->r, -1.0, 1.0, x->blk, (size_t)n * x->step_vals);
	if (k + 1 == x->nck && x->nck < x->nblk)
		rng_save(x->r, &x->ck[x->nck++]);
	x->held = k;
}

const double *xseq_row(xseq_t *x, uint32_t t, uint32_t b)
{
	uint32_t k = t / x->K;
	if (x->held != (int64_t)k)
		xseq_load(x, k);
	return x->blk + ((size_t)(t - k * x->K) * x->B + b) * x->I;
}

size_t xseq_bytes(const xseq_t *x)
{
	return (size_t)x->K * x->step_vals * sizeof *x->blk + x->nblk * sizeof *x->ck;
}
