#include "dcmp.h"

#include <stddef.h>
#include <stdlib.h>

struct dcmp {
	dcmp_cfg_t cfg;
	uint64_t full; /* N*K: a full tile of weights */
	bool limited;  /* weights_per_cycle below a full tile: the unit can stall */
	bool active;   /* the current layer passes through the unit */
	uint64_t credit, cap;
	uint64_t weights; /* counter, a plain field (stats_field) */
	stats_t *st;
};

static const snap_field_t dcmp_fields[] = {
	SNAP_FIELD(struct dcmp, credit, SNAP_PLAIN),
};
static const snap_table_t dcmp_state = SNAP_TABLE(dcmp_fields);

dcmp_t *dcmp_create(const dcmp_cfg_t *cfg, uint32_t vs_units, uint32_t vs_width, stats_t *st)
{
	dcmp_t *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->cfg = *cfg;
	d->full = (uint64_t)vs_units * vs_width;
	d->limited = cfg->weights_per_cycle && cfg->weights_per_cycle < d->full;
	d->st = st;
	if (!stats_field(st, "dcmp.weights", STATS_VALUES,
			 "weights expanded by the decompression unit (compressed or sparse tiles)", &d->weights)) {
		free(d);
		return NULL;
	}
	return d;
}

void dcmp_destroy(dcmp_t *d)
{
	if (d)
		stats_seal(d->st); /* its counter is a field of d */
	free(d);
}

bool dcmp_used(const sched_prog_t *p)
{
	return p->dec_weights_max != 0;
}

uint32_t dcmp_latency(const dcmp_t *d, const sched_prog_t *p)
{
	return dcmp_used(p) ? d->cfg.latency : 0;
}

void dcmp_begin_layer(dcmp_t *d, const sched_prog_t *p)
{
	d->active = d->limited && dcmp_used(p);
	/* The staging register holds at least the largest tile, or a tile
	 * larger than it would never be served. */
	d->cap = p->dec_weights_max > d->full ? p->dec_weights_max : d->full;
	d->credit = d->cap;
}

bool dcmp_ready(const dcmp_t *d, const tile_meta_t *m)
{
	return !d->active || d->credit >= m->dec_weights;
}

void dcmp_take(dcmp_t *d, const tile_meta_t *m)
{
	d->weights += m->dec_weights;
	if (d->active)
		d->credit -= m->dec_weights;
}

void dcmp_take_run(dcmp_t *d, const tile_meta_t *m, uint32_t n)
{
	uint64_t w = 0;
	for (uint32_t i = 0; i < n; i++)
		w += m[i].dec_weights;
	d->weights += w;
}

void dcmp_count(dcmp_t *d, uint64_t weights)
{
	d->weights += weights;
}

static void dcmp_refill(dcmp_t *d, uint64_t k)
{
	if (!d->active)
		return;
	uint64_t room = d->cap - d->credit, w = d->cfg.weights_per_cycle;
	/* k*w >= room exactly when k >= ceil(room / w); no product overflows. */
	d->credit = k >= (room + w - 1) / w ? d->cap : d->credit + k * w;
}

void dcmp_tick(dcmp_t *d)
{
	dcmp_refill(d, 1);
}

bool dcmp_quiet(const dcmp_t *d)
{
	return !d->active;
}

/* The unit interface (unit.h): a skip refills the credit as k ticks would
 * (no tile is issued in a skip); the credit is the only state a jump
 * compares, and it holds no time, step or id, so a shift leaves it. */
static void dcmp_unit_snapshot(const void *u, snap_t *s)
{
	snap_fields(s, u, dcmp_state);
}

static void dcmp_unit_skip(void *u, uint64_t k)
{
	dcmp_refill(u, k);
}

const unit_ops_t dcmp_unit = {
	.name = "dcmp",
	.snapshot = dcmp_unit_snapshot,
	.skip = dcmp_unit_skip,
};
