#include "apx_prog.h"

#include <stdlib.h>
#include <string.h>

#include "../cell/cell.h"
#include "../ctrl/sched.h"

static uint32_t div_up(uint64_t a, uint64_t b)
{
	return (uint32_t)((a + b - 1) / b);
}

/* Bytes of n entries of `bits` bits each, rounded up to a whole byte. */
static uint32_t bytes_of(uint64_t n, uint32_t bits)
{
	return (uint32_t)((n * bits + 7) / 8);
}

/* Segment of range j0 (rpg rows per gate): Intergate's row mask, the
 * gates in slots of rpg rows (sched.c's fill_seg). */
static void apx_seg(const sched_params_t *p, sched_seg_t *s, const uint8_t *gates, unsigned ng, uint32_t j0,
		    uint32_t rpg, uint32_t block)
{
	memset(s, 0, sizeof *s);
	s->part = SCHED_PART_H;
	s->cfg = (uint8_t)p->cfg;
	s->ngates = (uint8_t)ng;
	memcpy(s->gate, gates, ng);
	s->j0 = j0;
	s->rpg = rpg;
	s->valid_pg = p->hidden_size - j0 < rpg ? p->hidden_size - j0 : rpg;
	s->kr = tile_rows(p->cfg, p->vs_width);
	s->kc = tile_cols(p->cfg, p->vs_units);
	s->ncols = p->input_size + p->hidden_size;
	s->block = block;
	s->partner = -1;
	s->block_x_last = -1;
	sched_seg_rows(s, ng, p->vs_width);
}

static void put_tile(sched_prog_t *out, const tile_meta_t *m, uint64_t *off)
{
	tile_meta_t *t = &out->tile[out->ntile++];
	*t = *m;
	t->off = *off;
	*off += t->bytes;
}

/* The update tile U_n of segment s: one column (the scalar), the block's
 * real rows of u; refine = n in the last block (0 elsewhere). */
static void put_update(const sched_params_t *p, sched_prog_t *out, const sched_seg_t *s, uint32_t col, uint32_t refine,
		       uint64_t *off)
{
	uint32_t b = bytes_of(s->valid_rows, p->approx->value_bits);
	tile_meta_t m = { .bytes = b,
			  .bank_rows = s->rowgroups,
			  .bank_bytes = b,
			  .useful_lanes = s->valid_rows,
			  .col = col,
			  .cols = 1,
			  .refine = (uint16_t)refine };
	put_tile(out, &m, off);
}

static void put_wait(sched_prog_t *out, uint32_t col, uint64_t *off)
{
	tile_meta_t m = { .col = col, .wait = 1 };
	put_tile(out, &m, off);
}

/* Dot tile c (0-based) of a step: G rows, each its own Kc gathered
 * operands; the step's last one carries the G sigmas and their scale
 * multiplies. */
static void put_dot(const sched_params_t *p, sched_prog_t *out, const sched_seg_t *s, unsigned ng, uint32_t c,
		    uint32_t d, uint32_t col, uint64_t *off)
{
	const apx_shape_t *a = p->approx;
	uint32_t cols = a->nz - c * s->kc < s->kc ? a->nz - c * s->kc : s->kc;
	uint32_t vals = ng * cols, idx = bytes_of(vals, a->index_bits);
	uint32_t b = bytes_of(vals, a->value_bits) + idx;
	bool last = c + 1 == d;
	if (last)
		b += bytes_of(ng, a->value_bits);
	tile_meta_t m = { .bytes = b,
			  .index_bytes = idx,
			  .bank_rows = div_up(vals, p->vs_width),
			  .bank_bytes = b,
			  .useful_lanes = vals,
			  .useful_adds = ng * (cols - 1),
			  .col = col,
			  .cols = vals, /* each gate gathers its own operands */
			  .scale_mults = (uint8_t)(last ? ng : 0) };
	put_tile(out, &m, off);
}

/* The builder's cursor: tiles go to row block `blk` in issue order; a tile
 * of another block than the previous tile's starts a segment (a chunk of
 * that block), which continues the block's previous chunk if it has one
 * (sched_seg_t.cont, .open). */
typedef struct apx_build {
	const sched_params_t *p;
	sched_prog_t *out;
	const uint8_t *gates;
	unsigned ng;
	uint32_t rpg;
	uint32_t *chunk; /* per block: 1 + its latest segment, 0 = none yet */
	uint32_t *col;	 /* per block: its tiles so far (tile_meta_t.col) */
	uint64_t off;
} apx_build_t;

/* The segment the next tile of block blk goes to. */
static sched_seg_t *apx_at(apx_build_t *b, uint32_t blk)
{
	sched_prog_t *out = b->out;
	if (out->n && out->seg[out->n - 1].block == blk)
		return &out->seg[out->n - 1];
	sched_seg_t *s = &out->seg[out->n++];
	apx_seg(b->p, s, b->gates, b->ng, blk * b->rpg, b->rpg, blk);
	s->tile0 = out->ntile;
	s->stream_off = b->off;
	s->cont = b->chunk[blk];
	if (s->cont)
		out->seg[s->cont - 1].open = 1;
	b->chunk[blk] = out->n;
	return s;
}

static void apx_dots(apx_build_t *b, uint32_t d)
{
	sched_seg_t *s = apx_at(b, 0);
	for (uint32_t c = 0; c < d; c++)
		put_dot(b->p, b->out, s, b->ng, c, d, b->col[0]++, &b->off);
}

/* U_n of block blk, after the waits that keep it L_s slots (B per tile)
 * behind the last dot tile of step n, issued as tile dlast (0-based, in
 * issue order): refine = n marks the last block's. */
static void apx_update(apx_build_t *b, uint32_t blk, uint32_t nblk, uint32_t n, uint32_t dlast)
{
	const apx_shape_t *a = b->p->approx;
	sched_seg_t *s = apx_at(b, blk);
	while ((uint64_t)(b->out->ntile - dlast) * a->batch < a->scalar_latency)
		put_wait(b->out, b->col[blk]++, &b->off);
	put_update(b->p, b->out, s, b->col[blk]++, blk + 1 == nblk ? n : 0, &b->off);
}

int apx_prog_build(const sched_params_t *p, sched_prog_t *out, sim_err_t *err)
{
	const apx_shape_t *a = p->approx;
	const cell_variant_t *v = cell_variant(cell_get(p->cell), p->gru_form);
	unsigned ng = v->phase_ngates[0];
	uint32_t kr = tile_rows(p->cfg, p->vs_width), kc = tile_cols(p->cfg, p->vs_units);
	uint32_t rpg = kr / ng;
	if (v->phases != 1 || ng > SCHED_MAX_GATES || !rpg || !a->steps || !a->nz || a->steps > UINT16_MAX)
		return sim_err(err, SIM_EINPUT,
			       "a progressive layer needs one phase of at most %u gates and a tile of at least one "
			       "row per gate (config%u has %u rows for %u gates), expected an LSTM on a taller tile",
			       SCHED_MAX_GATES, p->cfg, kr, ng);
	uint32_t nblk = div_up(p->hidden_size, rpg), d = div_up(a->nz, kc);
	bool rmajor = a->order == APPROX_ORDER_REFINEMENT && nblk > 1;
	/* Refinement-major keeps every block's sums open from its first
	 * update to its last: B blocks in flight per row block, and no block
	 * closes before all have opened, so fewer accumulators would deadlock. */
	if (rmajor && (uint64_t)nblk * a->batch > a->accumulators)
		return sim_err(err, SIM_EINPUT,
			       "approx_order: refinement keeps the sums of all %u row blocks x batch %u open over a "
			       "step, %llu accumulator blocks, and compute.accumulators is %u, expected at least "
			       "%llu (or approx_order: block)",
			       nblk, a->batch, (unsigned long long)nblk * a->batch, a->accumulators,
			       (unsigned long long)nblk * a->batch);
	/* At most L_s waits before each U_n (room, not the count). */
	uint64_t nt = (uint64_t)a->steps * ((uint64_t)d + a->scalar_latency) + (uint64_t)nblk * a->steps;
	/* 2^24 tiles a step (about 1 GB of tile metadata) is far beyond any
	 * studied shape (the case study's NZ = 8320 x 100 steps on a 1K
	 * array: about 27,000); a larger program is refused, not attempted. */
	if (nt > (1u << 24))
		return sim_err(err, SIM_EINPUT,
			       "a progressive layer of up to %llu tiles a step (approx_steps %u x ceil(NZ %u / Kc %u) "
			       "dot tiles and the updates), expected at most 16777216: fewer steps or a wider tile",
			       (unsigned long long)nt, a->steps, a->nz, kc);
	/* Segments: one per block (block-major), at most one per block and
	 * refinement (refinement-major). */
	uint64_t nseg = rmajor ? (uint64_t)nblk * a->steps : nblk;
	apx_build_t b = { .p = p, .out = out, .gates = v->phase_gate[0], .ng = ng, .rpg = rpg };
	out->seg = calloc(nseg, sizeof *out->seg);
	out->tile = calloc(nt, sizeof *out->tile);
	b.chunk = calloc(nblk, sizeof *b.chunk);
	b.col = calloc(nblk, sizeof *b.col);
	if (!out->seg || !out->tile || !b.chunk || !b.col) {
		free(b.chunk);
		free(b.col);
		sched_free(out);
		return sim_err(err, SIM_ENOMEM, "out of memory building the progressive program");
	}
	out->approx = true;
	out->pruned = true; /* tiles of a segment differ in their lanes: no burst over them */
	/* D_1 | D_2 [w] U_1 | ... | D_N [w] U_{N-1} | [w] U_N, each U_n at
	 * least L_s slots after D_n's last tile (dlast); refinement-major
	 * puts every block's U_n where block-major puts block 0's. */
	uint32_t dlast = 0, prev = 0;
	for (uint32_t n = 1; n <= a->steps + 1; n++) {
		prev = dlast;
		if (n <= a->steps) {
			apx_dots(&b, d);
			dlast = out->ntile - 1;
		}
		if (n == 1)
			continue;
		for (uint32_t r = 0; r < (rmajor ? nblk : 1); r++)
			apx_update(&b, r, nblk, n - 1, prev);
	}
	for (uint32_t r = 1; !rmajor && r < nblk; r++)
		for (uint32_t n = 1; n <= a->steps; n++)
			apx_update(&b, r, nblk, n, 0);
	for (uint32_t i = 0; i < out->n; i++) {
		sched_seg_t *s = &out->seg[i];
		s->ntiles = (i + 1 < out->n ? out->seg[i + 1].tile0 : out->ntile) - s->tile0;
		for (uint32_t c = 0; c < s->ntiles; c++)
			out->macs_per_step += sched_tile(out, s, c)->useful_lanes;
	}
	free(b.chunk);
	free(b.col);
	out->step_bytes = b.off;
	out->fp16_step_bytes = b.off;
	return SIM_OK;
}

uint64_t apx_layer_macs(const layer_cfg_t *l)
{
	return (uint64_t)workload_gates(l->cell) * l->approx_steps * ((uint64_t)l->approx_nz + l->hidden_size) *
	       l->timesteps * l->batch_size;
}

uint64_t apx_layer_scale_mults(const layer_cfg_t *l)
{
	return (uint64_t)workload_gates(l->cell) * l->approx_steps * l->timesteps * l->batch_size;
}
