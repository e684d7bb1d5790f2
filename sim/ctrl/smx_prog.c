#include "smx_prog.h"

#include <stdlib.h>
#include <string.h>

#include "sched.h"

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* ceil(log2 n), n >= 1. */
static uint32_t log2_up(uint64_t n)
{
	uint32_t g = 0;
	while ((UINT64_C(1) << g) < n)
		g++;
	return g;
}

uint64_t smx_exp_ready(const smx_shape_t *s, uint32_t k)
{
	uint64_t c = div_up(k, s->mfu_units), u = s->mfu_units < k ? s->mfu_units : k;
	return 2 * (uint64_t)s->batch * c + log2_up(u) + s->mfu_latency;
}

static void put_tile(sched_prog_t *out, const tile_meta_t *m)
{
	out->tile[out->ntile++] = *m;
}

int smx_prog_build(const sched_params_t *p, sched_prog_t *out, sim_err_t *err)
{
	const smx_shape_t *a = p->softmax;
	uint32_t K = p->hidden_size;
	uint32_t kr = tile_rows(p->cfg, p->vs_width), kc = tile_cols(p->cfg, p->vs_units);
	uint64_t nb = div_up(K, kr), d = div_up(K, kc);
	uint64_t w1 = div_up(smx_exp_ready(a, K), a->batch);
	uint64_t lr = (uint64_t)a->scalar_latency + a->mfu_latency + 1, w2 = div_up(lr, a->batch) - 1;
	uint64_t nt = w1 + d + w2 + nb;
	if (nt > (1u << 24))
		return sim_err(err, SIM_EINPUT,
			       "a softmax of %u outputs is %llu tiles a step, expected at most 16777216: a wider tile "
			       "or more MFU units",
			       K, (unsigned long long)nt);
	out->seg = calloc(nb, sizeof *out->seg);
	out->tile = calloc(nt, sizeof *out->tile);
	if (!out->seg || !out->tile) {
		sched_free(out);
		return sim_err(err, SIM_ENOMEM, "out of memory building the softmax program");
	}
	out->pruned = true; /* tiles of a segment differ in their lanes: no burst over them */
	uint32_t col = 0;
	for (uint32_t b = 0; b < nb; b++) {
		sched_seg_t *s = &out->seg[out->n++];
		memset(s, 0, sizeof *s);
		s->part = SCHED_PART_H;
		s->cfg = (uint8_t)p->cfg;
		s->ngates = 1;
		s->j0 = b * kr;
		s->rpg = kr;
		s->valid_pg = K - s->j0 < kr ? K - s->j0 : kr;
		s->kr = kr;
		s->kc = kc;
		s->ncols = K;
		s->block = b;
		s->partner = -1;
		s->block_x_last = -1;
		sched_seg_rows(s, 1, p->vs_width);
		s->tile0 = out->ntile;
		col = 0;
		if (b == 0) {
			for (uint64_t i = 0; i < w1; i++)
				put_tile(out, &(tile_meta_t){ .col = col++, .wait = 1 });
			for (uint64_t c = 0; c < d; c++) {
				uint32_t cols = K - c * kc < kc ? (uint32_t)(K - c * kc) : kc;
				put_tile(out, &(tile_meta_t){ .useful_lanes = cols,
							      .useful_adds = cols - 1,
							      .col = col++,
							      .cols = cols,
							      .smx = TILE_SMX_EXP });
			}
			for (uint64_t i = 0; i < w2; i++)
				put_tile(out, &(tile_meta_t){ .col = col++, .wait = 1 });
		}
		put_tile(out, &(tile_meta_t){ .useful_lanes = s->valid_rows,
					      .col = col++,
					      .cols = s->valid_rows,
					      .smx = b == 0 ? TILE_SMX_RECIP : 0 });
		s->ntiles = out->ntile - s->tile0;
		for (uint32_t c = 0; c < s->ntiles; c++)
			out->macs_per_step += sched_tile(out, s, c)->useful_lanes;
	}
	return SIM_OK;
}
