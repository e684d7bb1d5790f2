/*
 * delta.c - the delta encoder and previous-values buffer (delta.h).
 */
#include "delta.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct dlt {
	dlt_layer_t L;
	double *held[DLT_PARTS];    /* B x n: the values last used */
	uint32_t *count[DLT_PARTS]; /* T: used columns per step, DLT_UNKNOWN before */
	uint32_t next[DLT_PARTS];   /* next step to encode */
	double *rheld[DLT_PARTS];   /* the replay's held values (dlt_replay), allocated at its first step */
	uint32_t rnext[DLT_PARTS];  /* next step to replay */
	uint64_t *used[DLT_PARTS], *skipped[DLT_PARTS], *reads, *writes;
};

dlt_t *dlt_create(stats_t *st)
{
	dlt_t *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->used[DLT_X] = stats_counter(st, "delta.x_used", STATS_EVENTS,
				       "delta: columns of x_t used (issued), summed over steps");
	d->skipped[DLT_X] = stats_counter(st, "delta.x_skipped", STATS_EVENTS,
					  "delta: columns of x_t skipped (change below delta_threshold_x)");
	d->used[DLT_H] = stats_counter(st, "delta.h_used", STATS_EVENTS,
				       "delta: columns of h_{t-1} used (issued), summed over steps");
	d->skipped[DLT_H] = stats_counter(st, "delta.h_skipped", STATS_EVENTS,
					  "delta: columns of h_{t-1} skipped (change below delta_threshold_h)");
	d->reads = stats_counter(st, "delta.buf_reads", STATS_VALUES,
				 "delta: previous-values buffer reads (one per compared element)");
	d->writes = stats_counter(st, "delta.buf_writes", STATS_VALUES,
				  "delta: previous-values buffer writes (used columns x sequences)");
	if (!d->used[DLT_X] || !d->skipped[DLT_X] || !d->used[DLT_H] || !d->skipped[DLT_H] || !d->reads || !d->writes) {
		free(d);
		return NULL;
	}
	return d;
}

static void dlt_free_layer(dlt_t *d)
{
	for (unsigned p = 0; p < DLT_PARTS; p++) {
		free(d->held[p]);
		free(d->count[p]);
		free(d->rheld[p]);
		d->held[p] = NULL;
		d->count[p] = NULL;
		d->rheld[p] = NULL;
	}
}

void dlt_destroy(dlt_t *d)
{
	if (!d)
		return;
	dlt_free_layer(d);
	free(d);
}

bool dlt_begin_layer(dlt_t *d, const dlt_layer_t *l)
{
	dlt_free_layer(d);
	d->L = *l;
	for (unsigned p = 0; p < DLT_PARTS; p++) {
		d->next[p] = 0;
		d->rnext[p] = 0;
		if (!l->n[p])
			continue;
		d->held[p] = calloc((size_t)l->B * l->n[p], sizeof *d->held[p]);
		d->count[p] = malloc((size_t)(l->T ? l->T : 1) * sizeof *d->count[p]);
		if (!d->held[p] || !d->count[p])
			return false;
		for (uint32_t t = 0; t < l->T; t++)
			d->count[p][t] = DLT_UNKNOWN;
	}
	return true;
}

bool dlt_on(const dlt_t *d, unsigned part)
{
	return d && part < DLT_PARTS && d->L.n[part] > 0;
}

uint32_t dlt_width(const dlt_t *d, unsigned part)
{
	return dlt_on(d, part) ? d->L.n[part] : 0;
}

/* The encoder's rule on one step: use[] from v against held (every
 * column on the first step), held updated; returns the used columns. */
static uint32_t dlt_step(const dlt_t *d, unsigned part, bool first, double *held, const double *v, uint8_t *use)
{
	uint32_t n = d->L.n[part], B = d->L.B, used = 0;
	double th = d->L.theta[part];
	for (uint32_t j = 0; j < n; j++) {
		bool u = first;
		for (uint32_t b = 0; b < B && !u; b++)
			u = !(fabs(v[(size_t)b * n + j] - held[(size_t)b * n + j]) < th);
		use[j] = u;
		if (!u)
			continue;
		used++;
		for (uint32_t b = 0; b < B; b++)
			held[(size_t)b * n + j] = v[(size_t)b * n + j];
	}
	return used;
}

uint32_t dlt_encode(dlt_t *d, unsigned part, uint32_t step, const double *v, uint8_t *use)
{
	uint32_t n = d->L.n[part], B = d->L.B;
	uint32_t used = dlt_step(d, part, d->next[part] == 0, d->held[part], v, use);
	if (step < d->L.T)
		d->count[part][step] = used;
	d->next[part] = step + 1;
	*d->used[part] += used;
	*d->skipped[part] += n - used;
	*d->reads += (uint64_t)n * B;
	*d->writes += (uint64_t)used * B;
	return used;
}

uint32_t dlt_cols(const dlt_t *d, unsigned part, uint32_t t)
{
	if (!dlt_on(d, part) || t >= d->L.T)
		return DLT_UNKNOWN;
	return d->count[part][t];
}

bool dlt_replay(dlt_t *d, unsigned part, uint32_t step, const double *v, uint8_t *use)
{
	if (!d->rheld[part] && !(d->rheld[part] = calloc((size_t)d->L.B * d->L.n[part], sizeof *d->rheld[part])))
		return false;
	uint32_t used = dlt_step(d, part, d->rnext[part] == 0, d->rheld[part], v, use);
	bool same = d->rnext[part] == step && step < d->L.T && used == d->count[part][step];
	d->rnext[part] = step + 1;
	return same;
}
