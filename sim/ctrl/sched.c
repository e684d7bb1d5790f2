#include "sched.h"

#include <stdlib.h>
#include <string.h>

#include "../cell/cell.h"
#include "../compute/cu.h"
#include "../sched/registry.h"

static int build_tiles(const sched_params_t *p, sched_prog_t *out);

_Static_assert(SCHED_MAX_GATES >= CELL_MAX_GATES, "a segment holds every gate of a phase");

static const cell_variant_t *variant(const sched_params_t *p)
{
	return cell_variant(cell_get(p->cell), p->gru_form);
}

/* Whether the cell has a W.x partition at all: an fc layer's one
 * partition is its input, issued as the H partition (fill_seg). */
static bool recurrent(const sched_params_t *p)
{
	return cell_get(p->cell)->flags & CELL_F_RECURRENT;
}

static unsigned phase_count(const sched_params_t *p)
{
	return variant(p)->phases;
}

/* Gates (row groups of H rows) issued in a phase, in the order they are
 * issued: the cell's (sim/cell/cell.h), e.g. LSTM i f g o; GRU r z n. */
static unsigned phase_gates(const sched_params_t *p, unsigned phase, uint8_t *g)
{
	const cell_variant_t *v = variant(p);
	memcpy(g, v->phase_gate[phase], v->phase_ngates[phase]);
	return v->phase_ngates[phase];
}

static bool gates_share_segment(const sched_params_t *p)
{
	return p->sched->flags & SCHED_F_GATES_SHARE;
}

static uint32_t rows_per_gate(const sched_params_t *p, unsigned cfg, unsigned seg_gates)
{
	uint32_t kr = tile_groups(cfg) * p->vs_width;
	return kr / seg_gates;
}

bool sched_cfg_ok(const sched_params_t *p, unsigned cfg)
{
	if (cfg < 1 || cfg > 4 || p->vs_units % tile_groups(cfg))
		return false;
	/* The intermediate buffer must hold a whole block's W.x: Unfolded's U.h
	 * part waits for both of its block's X segments. */
	uint32_t kr = tile_groups(cfg) * p->vs_width;
	bool has_x = p->input_size && recurrent(p);
	uint64_t block_rows = (uint64_t)kr * (p->sched->block_segs ? p->sched->block_segs : 1);
	if (has_x && block_rows > p->max_seg_values)
		return false;
	for (unsigned ph = 0; ph < phase_count(p); ph++) {
		uint8_t g[SCHED_MAX_GATES];
		unsigned ng = phase_gates(p, ph, g);
		if (rows_per_gate(p, cfg, gates_share_segment(p) ? ng : 1) == 0)
			return false;
	}
	return true;
}

static uint32_t div_up(uint64_t a, uint64_t b)
{
	return (uint32_t)((a + b - 1) / b);
}

/* Tile cycles (per sequence) to cover `rem` rows per gate with config c,
 * plus the drain bubble of switching to a shallower tap. */
static uint64_t pad_cost(const sched_params_t *p, unsigned c, unsigned cur, uint32_t rem, unsigned seg_gates)
{
	uint32_t kc = p->vs_units / tile_groups(c);
	uint32_t hcols = p->proj_size ? p->proj_size : p->hidden_size;
	uint64_t tiles = !recurrent(p) ? div_up(p->input_size, kc)
				       : div_up(hcols, kc) + (p->input_size ? div_up(p->input_size, kc) : 0);
	uint64_t cost = (uint64_t)div_up(rem, rows_per_gate(p, c, seg_gates)) * tiles;
	uint32_t dc = cu_tree_depth(p->vs_units, c), dcur = cu_tree_depth(p->vs_units, cur);
	return cost + (dcur > dc ? dcur - dc : 0);
}

/* Cuts the hidden range of one matrix into segments; with pad_reconfig the
 * last, partial segment switches to the cheapest config (ties keep the
 * config in force, so no needless switch). */
static uint32_t make_ranges(const sched_params_t *p, unsigned seg_gates, sched_range_t *out)
{
	uint32_t n = 0, j = 0;
	unsigned cfg = p->cfg;
	while (j < p->hidden_size) {
		uint32_t rpg = rows_per_gate(p, cfg, seg_gates);
		uint32_t rem = p->hidden_size - j;
		if (rem < rpg && p->pad_reconfig) {
			unsigned best = cfg;
			uint64_t best_cost = pad_cost(p, cfg, cfg, rem, seg_gates);
			for (unsigned c = 1; c <= 4; c++) {
				if (c == cfg || !sched_cfg_ok(p, c))
					continue;
				uint64_t cost = pad_cost(p, c, cfg, rem, seg_gates);
				if (cost < best_cost) {
					best = c;
					best_cost = cost;
				}
			}
			cfg = best;
			rpg = rows_per_gate(p, cfg, seg_gates);
		}
		out[n].j0 = j;
		out[n].rpg = rpg;
		out[n].cfg = (uint8_t)cfg;
		n++;
		j += rpg;
	}
	return n;
}

static void fill_seg(const sched_params_t *p, sched_seg_t *s, unsigned part, const sched_range_t *r,
		     const uint8_t *gates, unsigned ng, unsigned phase, uint32_t block)
{
	memset(s, 0, sizeof *s);
	s->part = (uint8_t)part;
	s->cfg = r->cfg;
	s->phase = (uint8_t)phase;
	s->ngates = (uint8_t)ng;
	memcpy(s->gate, gates, ng);
	s->j0 = r->j0;
	s->rpg = r->rpg;
	s->valid_pg = p->hidden_size - r->j0 < r->rpg ? p->hidden_size - r->j0 : r->rpg;
	s->kr = tile_rows(r->cfg, p->vs_width);
	s->kc = tile_cols(r->cfg, p->vs_units);
	/* An fc layer has one partition, its input, issued as the H partition
	 * (its blocks go to the MFU); it has no recurrence (ctrl.c). */
	s->ncols = part == SCHED_PART_X || !recurrent(p) ? p->input_size : p->proj_size ? p->proj_size : p->hidden_size;
	s->ntiles = div_up(s->ncols, s->kc);
	s->block = block;
	s->partner = -1;
	sched_seg_rows(s, ng, p->vs_width);
}

/* Real rows among tile rows 0 .. x-1 (sched_seg_rows' mask): valid_pg
 * of each whole gate slot up to the ng-th, and of the slot x ends in, the
 * rows below its offset that are real. */
static uint32_t seg_real_rows(const sched_seg_t *s, uint32_t ng, uint32_t x)
{
	uint32_t slots = x / s->rpg, rem = x % s->rpg, per = s->valid_pg < s->rpg ? s->valid_pg : s->rpg;
	if (slots >= ng)
		return ng * per;
	return slots * per + (rem < s->valid_pg ? rem : s->valid_pg);
}

void sched_seg_rows(sched_seg_t *s, uint32_t ng, uint32_t k)
{
	/* The row mask: tile row r belongs to gate slot r / rpg at offset
	 * r % rpg, and is real when the slot holds a gate and the offset is
	 * below valid_pg. A K-row group is read from its bank when any of its
	 * rows is real. This runs for every segment of every plan, so a
	 * group's real rows are the difference of two closed-form counts
	 * instead of a test per row (the same counts: checked on 8.3 M
	 * shapes). */
	s->valid_rows = s->rowgroups = 0;
	for (uint32_t q = 0, before = 0; q < s->kr / k; q++) {
		uint32_t upto = seg_real_rows(s, ng, (q + 1) * k), in_group = upto - before;
		before = upto;
		s->valid_rows += in_group;
		s->rowgroups += in_group ? 1 : 0;
	}
}

/* Real columns of column tile c of segment s. */
static uint32_t seg_tile_cols(const sched_seg_t *s, uint32_t c)
{
	uint32_t left = s->ncols - c * s->kc;
	return left < s->kc ? left : s->kc;
}

uint32_t sched_order_ranges(sched_order_t *o, unsigned seg_gates)
{
	return make_ranges(o->p, seg_gates, o->rg);
}

sched_seg_t *sched_order_add(sched_order_t *o, unsigned part, uint32_t r, const uint8_t *gates, unsigned ng,
			     uint32_t block)
{
	if (o->prog->n == o->cap) {
		o->overflow = true;
		return NULL;
	}
	sched_seg_t *s = &o->prog->seg[o->prog->n++];
	fill_seg(o->p, s, part, &o->rg[r], gates, ng, o->phase, block);
	return s;
}

/* LSTMP's projection (sched.h): an fc layer of P outputs over H inputs
 * inside the step, so its ranges, configs and pad costs are cut as fc's
 * (hidden_size = P, input_size = H, one gate), each range one H segment of
 * phase CELL_PHASE_PROJ. The program's room covers it: P < H rows, one
 * gate. */
static void add_projection(const sched_params_t *p, sched_prog_t *out, sched_range_t *rg, uint32_t block)
{
	sched_params_t pp = *p;
	pp.cell = CELL_FC;
	pp.hidden_size = p->proj_size;
	pp.input_size = p->hidden_size;
	pp.proj_size = 0;
	static const uint8_t gate0[1] = { 0 };
	uint32_t nr = make_ranges(&pp, 1, rg);
	for (uint32_t r = 0; r < nr; r++)
		fill_seg(&pp, &out->seg[out->n++], SCHED_PART_H, &rg[r], gate0, 1, CELL_PHASE_PROJ, block++);
}

static int sched_build_prog(const sched_params_t *p, sched_prog_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!sched_cfg_ok(p, p->cfg))
		return sim_err(err, SIM_EINPUT, "tile config%u cannot be formed by N=%u, K=%u for this layer", p->cfg,
			       p->vs_units, p->vs_width);
	if (p->approx)
		return apx_prog_build(p, out, err);
	if (p->softmax)
		return smx_prog_build(p, out, err);
	/* Upper bound on segments: every range at one row per gate, two
	 * partitions, four gates, two phases. */
	size_t cap = (size_t)p->hidden_size * 2 * SCHED_MAX_GATES * 2 + 8;
	sched_range_t *rg = malloc(sizeof *rg * (p->hidden_size + 1));
	out->seg = malloc(sizeof *out->seg * cap);
	if (!rg || !out->seg) {
		free(rg);
		sched_free(out);
		return sim_err(err, SIM_ENOMEM, "out of memory building the schedule");
	}
	bool has_x = p->input_size > 0 && recurrent(p);
	uint32_t block = 0;
	for (unsigned ph = 0; ph < phase_count(p); ph++) {
		uint8_t g[SCHED_MAX_GATES];
		unsigned ng = phase_gates(p, ph, g);
		sched_order_t o = { .p = p,
				    .phase = ph,
				    .gates = g,
				    .ng = ng,
				    .has_x = has_x,
				    .block = block,
				    .prog = out,
				    .cap = cap,
				    .rg = rg };
		p->sched->order(&o);
		block = o.block;
		if (o.overflow) {
			free(rg);
			sched_free(out);
			return sim_err(err, SIM_EINTERNAL, "schedule %s ordered more segments than a layer has",
				       p->sched->name);
		}
	}
	if (p->proj_size)
		add_projection(p, out, rg, block);
	free(rg);
	uint32_t n = out->n;
	if (build_tiles(p, out)) {
		sched_free(out);
		return sim_err(err, SIM_ENOMEM, "out of memory building the schedule");
	}
	/* Partners and config switches (build_tiles summed the MACs). */
	unsigned prev_cfg = p->cfg;
	for (uint32_t i = 0; i < n; i++) {
		sched_seg_t *s = &out->seg[i];
		if (s->cfg != prev_cfg)
			out->reconfigs++;
		prev_cfg = s->cfg;
		s->block_x_last = -1;
		if (s->part != SCHED_PART_H)
			continue;
		for (uint32_t j = i; j-- > 0;)
			if (out->seg[j].part == SCHED_PART_X && out->seg[j].block == s->block &&
			    out->seg[j].phase == s->phase) {
				s->block_x_last = (int32_t)j;
				break;
			}
		for (uint32_t j = 0; j < i; j++) {
			const sched_seg_t *x = &out->seg[i - 1 - j];
			if (x->part == SCHED_PART_X && x->j0 == s->j0 && x->phase == s->phase &&
			    x->gate[0] == s->gate[0] && x->ngates == s->ngates) {
				s->partner = (int32_t)(i - 1 - j);
				break;
			}
		}
	}
	return SIM_OK;
}

void sched_free(sched_prog_t *p)
{
	free(p->seg);
	free(p->tile);
	p->seg = NULL;
	p->tile = NULL;
	p->n = p->ntile = 0;
}

/* What a column tile of a pruned partition holds: its non-zeros, the
 * non-zero b x b blocks from its corner (BSR), and the tree adds of two
 * live inputs (per row with non-zeros, their count - 1). Tile row r is
 * gate slot r / rpg at offset r % rpg (fill_seg), matrix row g*H + j0 + r %
 * rpg; the real rows are taken in that order, so blocks are counted on the
 * tile as stored. */
typedef struct tile_nz {
	uint64_t nnz, nz_blocks, adds;
} tile_nz_t;

/* Raises the program's extremes over its tiles (sched_prog_t) to tile
 * m's: the plan's and every unit's per-layer set-up read them instead of
 * each passing over the tiles. */
static void tile_extremes(sched_prog_t *out, const tile_meta_t *m)
{
	uint64_t end = m->off + m->bytes;
	out->tile_bytes_max = m->bytes > out->tile_bytes_max ? m->bytes : out->tile_bytes_max;
	out->tile_end_max = end > out->tile_end_max ? end : out->tile_end_max;
	out->bank_bytes_max = m->bank_bytes > out->bank_bytes_max ? m->bank_bytes : out->bank_bytes_max;
	out->dec_weights_max = m->dec_weights > out->dec_weights_max ? m->dec_weights : out->dec_weights_max;
}

/* A dense tile's counts: every real row and column a lane, and a tree
 * of cols leaves per row. */
static inline tile_nz_t tile_dense_nz(const sched_seg_t *s, uint32_t cols)
{
	return (tile_nz_t){ .nnz = (uint64_t)s->valid_rows * cols,
			    .adds = cols ? (uint64_t)s->valid_rows * (cols - 1) : 0 };
}

static tile_nz_t tile_count(const sched_params_t *p, const sched_seg_t *s, uint32_t c, uint32_t cols, size_t b)
{
	const cmp_mask_t *mk = p->mask[s->part];
	tile_nz_t n = { 0 };
	/* Which b x b blocks of the tile hold a non-zero (b = 1 without BSR:
	 * then only the count matters and the flags are not kept). */
	size_t nbc = (cols + b - 1) / b, nblk = b > 1 ? ((s->valid_rows + b - 1) / b) * nbc : 0;
	uint8_t *blk = nblk ? calloc(nblk, 1) : NULL;
	if (nblk && !blk)
		return (tile_nz_t){ .nnz = UINT64_MAX };
	uint32_t lr = 0; /* the tile's real row, in stored order */
	for (uint32_t r = 0; r < s->kr; r++) {
		if (r / s->rpg >= s->ngates || r % s->rpg >= s->valid_pg)
			continue;
		size_t row = (size_t)s->gate[r / s->rpg] * p->hidden_size + s->j0 + r % s->rpg;
		uint64_t in_row = 0;
		for (uint32_t k = 0; k < cols; k++)
			if (cmp_mask_nz(mk, row, (size_t)c * s->kc + k)) {
				in_row++;
				if (blk)
					blk[(lr / b) * nbc + k / b] = 1;
			}
		n.nnz += in_row;
		n.adds += in_row ? in_row - 1 : 0;
		lr++;
	}
	for (size_t i = 0; i < nblk; i++)
		n.nz_blocks += blk[i];
	free(blk);
	return n;
}

/* Drops the column tiles of each segment that hold no non-zero (skip_zero),
 * keeping each segment's first tile when all are zero; *keep gets, per
 * dense column tile in program order, whether it stays. */
static void drop_zero_tiles(const sched_params_t *p, sched_prog_t *out, tile_nz_t *nz, bool *keep)
{
	for (uint32_t i = 0, t = 0; i < out->n; i++) {
		sched_seg_t *s = &out->seg[i];
		uint32_t kept = 0;
		for (uint32_t c = 0; c < s->ntiles; c++)
			kept += keep[t + c] = !p->skip_zero || !p->mask[s->part] || nz[t + c].nnz > 0;
		if (!kept)
			keep[t] = true, kept = 1;
		t += s->ntiles;
	}
}

/* The byte counts of a dense (not sparse-layout) tile: a pure function of
 * the storage format and the tile's real rows and columns, so one program
 * asks cmp_store for each distinct shape once. A program's segments repeat
 * a few shapes (full tiles, one edge tile per row group), and a plan holds
 * thousands of tiles (2,048 for a 2048 x 1024 matrix in 32 x 32 tiles),
 * each of which asked cmp_store three times. */
typedef struct tile_bytes {
	bool set;	     /* a shape has been counted */
	uint32_t rows, cols; /* the shape counted */
	uint64_t fp16;	     /* the tile at fp16 dense */
	uint64_t bytes;	     /* in the layer's format */
	uint64_t values;     /* its values alone (index_bytes = bytes - values) */
} tile_bytes_t;

static const tile_bytes_t *tile_bytes_of(tile_bytes_t *memo, const cmp_store_cfg_t *fp16, const cmp_store_cfg_t *st,
					 const cmp_store_cfg_t *values, uint32_t rows, uint32_t cols)
{
	if (!memo->set || memo->cols != cols || memo->rows != rows) {
		cmp_tile_count_t all = { .nnz = (size_t)rows * cols };
		*memo = (tile_bytes_t){ .set = true,
					.rows = rows,
					.cols = cols,
					.fp16 = cmp_store_bytes(fp16, rows, cols, all),
					.bytes = cmp_store_bytes(st, rows, cols, all),
					.values = cmp_store_bytes(values, rows, cols, all) };
	}
	return memo;
}

/* Each column tile's metadata: the row mask's real rows times the tile's
 * real columns (for a pruned partition, the non-zeros among them), stored
 * in format p->store (dense fp16 by default) with cmp_store's byte count:
 * values packed across the tile (a sparse layout: the non-zeros and their
 * index), the scales of the groups it touches, the tile rounded up to a
 * whole byte (cmp_store.h). The banks read a K-wide row per column for
 * every row group holding a real row; a bank row holds K values packed and
 * rounded up to a whole byte (a row is addressed on its own), and the
 * tile's scales cross the port with its rows. A sparse layout's tile is
 * read as stored, its bytes whole. */
static int build_tiles(const sched_params_t *p, sched_prog_t *out)
{
	static const cmp_store_cfg_t fp16 = { .layout = CMP_LAYOUT_DENSE, .value_bits = 8 * TILE_WEIGHT_BYTES };
	const cmp_store_cfg_t *st = p->store ? p->store : &fp16;
	cmp_store_cfg_t values = *st; /* the values alone, without side data or index */
	values.side = CMP_SIDE_NONE;
	values.layout = CMP_LAYOUT_DENSE;
	bool sparse_layout = st->layout != CMP_LAYOUT_DENSE;
	bool decoded = sparse_layout || st->value_bits != 8 * TILE_WEIGHT_BYTES;
	uint64_t row_bytes = cmp_store_bytes(&values, 1, p->vs_width, (cmp_tile_count_t){ .nnz = p->vs_width });
	uint32_t nt = 0;
	for (uint32_t i = 0; i < out->n; i++)
		nt += out->seg[i].ntiles;
	/* Nothing here is zeroed up front (a plan of 2,048 tiles zeroed 150 KB
	 * it then overwrote): nz and keep are written for every tile before
	 * they are read (the loop below, drop_zero_tiles), and each kept
	 * tile's metadata is written whole below; the program reads no tile
	 * past ntile. Without a mask every tile is dense and kept, so nz and
	 * keep are not built at all (tile_dense_nz in the loop below). */
	bool masked = p->mask[0] || p->mask[1];
	tile_nz_t *nz = NULL;
	bool *keep = NULL;
	out->tile = malloc(sizeof *out->tile * (nt ? nt : 1));
	if (masked) {
		nz = malloc(sizeof *nz * (nt ? nt : 1));
		keep = malloc(sizeof *keep * (nt ? nt : 1));
	}
	if ((masked && (!nz || !keep)) || !out->tile) {
		free(nz);
		free(keep);
		return SIM_ENOMEM;
	}
	size_t b = st->layout == CMP_LAYOUT_BSR ? st->block : 1;
	for (uint32_t i = 0, t = 0; masked && i < out->n; i++) {
		const sched_seg_t *s = &out->seg[i];
		for (uint32_t c = 0; c < s->ntiles; c++, t++) {
			uint32_t cols = seg_tile_cols(s, c);
			if (p->mask[s->part])
				nz[t] = tile_count(p, s, c, cols, b);
			else
				nz[t] = tile_dense_nz(s, cols);
			if (nz[t].nnz == UINT64_MAX) {
				free(nz);
				free(keep);
				return SIM_ENOMEM;
			}
		}
	}
	if (masked)
		drop_zero_tiles(p, out, nz, keep);
	out->pruned = masked;
	uint64_t off = 0, fp16_off = 0;
	uint32_t t = 0, d = 0; /* kept tiles, dense tiles */
	tile_bytes_t memo = { 0 };
	/* Without a mask or a sparse layout a tile's metadata, but for its
	 * column and offset, is a pure function of the segment's real rows and
	 * row groups and the tile's columns (all its lanes useful), so the
	 * last shape's metadata is kept and copied while the shape repeats
	 * (2,048 tiles of a few shapes in a 2048 x 1024 plan). Its extremes
	 * but the end are noted once per shape, and its MACs added up in
	 * shape_macs; the program's last end is its most, as offsets only
	 * grow (every tile is kept). */
	bool by_shape = !masked && !sparse_layout;
	tile_meta_t shape = { 0 };
	uint32_t shape_rows = 0, shape_groups = 0, shape_cols = UINT32_MAX;
	uint64_t shape_macs = 0;
	for (uint32_t i = 0; i < out->n; i++) {
		sched_seg_t *s = &out->seg[i];
		s->tile0 = t;
		s->stream_off = off;
		uint32_t dense_tiles = s->ntiles, kept = 0;
		/* the kept shape is of this segment's rows and row groups */
		bool seg_shape = by_shape && s->valid_rows == shape_rows && s->rowgroups == shape_groups;
		for (uint32_t c = 0; c < dense_tiles; c++, d++) {
			uint32_t cols = seg_tile_cols(s, c);
			if (seg_shape && cols == shape_cols) {
				/* The run of tiles from c with this shape: a full
				 * tile's (cols == kc) runs through the segment's
				 * last full tile, its one partial tile being its
				 * last; a partial tile's is that tile alone. */
				uint32_t end = c + 1;
				if (cols == s->kc) {
					uint32_t full = s->ncols / s->kc;
					end = full < dense_tiles ? full : dense_tiles;
				}
				uint32_t run = end - c;
				tile_meta_t *m = &out->tile[t];
				for (uint32_t k = c; k < end; k++, m++) {
					*m = shape;
					m->col = k;
					m->off = off;
					off += shape.bytes;
				}
				t += run;
				kept += run;
				fp16_off += memo.fp16 * run;
				shape_macs += (uint64_t)shape.useful_lanes * run;
				c = end - 1; /* the loop's step moves c and d past the run */
				d += run - 1;
				continue;
			}
			const tile_bytes_t *tb = tile_bytes_of(&memo, &fp16, st, &values, s->valid_rows, cols);
			fp16_off += tb->fp16;
			if (masked && !keep[d])
				continue;
			tile_nz_t z = masked ? nz[d] : tile_dense_nz(s, cols);
			tile_meta_t *m = &out->tile[t++];
			kept++;
			/* the fields below; the others (a progressive layer's
			 * wait and refine, a softmax's smx) are zero here */
			*m = (tile_meta_t){ .col = c, .cols = cols };
			m->useful_lanes = (uint32_t)z.nnz;
			m->zero_lanes = s->valid_rows * cols - m->useful_lanes;
			/* A binary tree over L live leaves has exactly L - 1 nodes
			 * with two live inputs, whatever its shape; the others
			 * forward a real value past a gated zero (docs/energy.md). */
			m->useful_adds = (uint32_t)z.adds;
			if (sparse_layout) {
				cmp_tile_count_t cnt = { .nnz = z.nnz, .nz_blocks = z.nz_blocks };
				m->bytes = (uint32_t)cmp_store_bytes(st, s->valid_rows, cols, cnt);
				m->index_bytes = (uint32_t)(m->bytes - cmp_store_bytes(&values, 1, cnt.nnz, cnt));
			} else {
				m->bytes = (uint32_t)tb->bytes;
				m->index_bytes = (uint32_t)(tb->bytes - tb->values);
			}
			m->bank_rows = s->rowgroups * cols;
			m->bank_bytes =
				sparse_layout ? m->bytes : (uint32_t)(m->bank_rows * row_bytes + m->index_bytes);
			/* fp16 dense weights reach the VS units as stored; any
			 * other format is expanded by the decompression unit into
			 * the tile's real lanes, zeros included. */
			m->dec_weights = decoded ? s->valid_rows * cols : 0;
			m->off = off;
			off += m->bytes;
			out->macs_per_step += m->useful_lanes;
			tile_extremes(out, m);
			if (by_shape) {
				shape = *m;
				shape_rows = s->valid_rows;
				shape_groups = s->rowgroups;
				shape_cols = cols;
				seg_shape = true;
			}
		}
		s->ntiles = kept;
	}
	free(nz);
	free(keep);
	out->macs_per_step += shape_macs;
	if (by_shape)
		out->tile_end_max = off > out->tile_end_max ? off : out->tile_end_max;
	out->ntile = t;
	out->fp16_step_bytes = fp16_off;
	out->step_bytes = off;
	return SIM_OK;
}

int sched_build(const sched_params_t *p, sched_prog_t *out, sim_err_t *err)
{
	int rc = sched_build_prog(p, out, err);
	if (rc)
		return rc;
	/* build_tiles notes them as it writes the tiles; a progressive or
	 * softmax program's builder does not. */
	if (p->approx || p->softmax)
		for (uint32_t t = 0; t < out->ntile; t++)
			tile_extremes(out, &out->tile[t]);
	return SIM_OK;
}
