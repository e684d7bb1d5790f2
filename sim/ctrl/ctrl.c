#include "ctrl_impl.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cell/cell.h"
#include "../common/err.h"

static const char *const cause_names[IDLE_NCAUSES] = {
	"padding", "dependency", "fill_drain", "backpressure", "weight_fetch", "decompress", "zero_weight",
};

const char *ctrl_cause_name(idle_cause_t c)
{
	return c < IDLE_NCAUSES ? cause_names[c] : "?";
}

ctrl_t *ctrl_create(const sched_desc_t *sd, deps_kind_t deps, uint32_t ring, uint32_t xq, stats_t *st)
{
	ctrl_t *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->sd = sd;
	c->st = st;
	c->deps = deps;
	c->nring = ring;
	c->ring = calloc(ring, sizeof *c->ring);
	c->ring_tmp = calloc(ring, sizeof *c->ring_tmp);
	c->xq_cap = xq;
	/* Not zeroed: a slot is read only while it is in the queue (between
	 * xq_head and xq_head + xq_count), and a push writes both words. xq
	 * is the intermediate buffer's values + 1 (12 K slots at 1K), of
	 * which a layer uses a few: zeroing them cost every engine a 96 KB
	 * memset and the run their pages. */
	c->xq_id = malloc(xq * sizeof *c->xq_id);
	c->xq_written = malloc(xq * sizeof *c->xq_written);
	bool counted =
		stats_field(st, "ctrl.busy", STATS_CYCLES, "cycles the controller issued a tile", &c->busy) &&
		stats_field(st, "ctrl.stall", STATS_CYCLES, "cycles the controller was held by back-pressure",
			    &c->stall) &&
		stats_field(st, "ctrl.starve", STATS_CYCLES,
			    "cycles the controller waited (dependency, weights, drain)", &c->starve) &&
		stats_field(st, "ctrl.tiles", STATS_EVENTS,
			    "column tiles read from the weight buffer (once per tile and weight set)", &c->tiles) &&
		stats_field(st, "ctrl.blocks", STATS_EVENTS, "segments started", &c->blocks) &&
		stats_field(st, "ctrl.reconfigs", STATS_EVENTS, "tile-config switches", &c->reconfigs) &&
		stats_field(st, "ctrl.dram_wait", STATS_CYCLES,
			    "cycles the controller waited for weights still arriving from DRAM (streamed or cold)",
			    &c->dram_wait);
	c->pre_writes = stats_counter(st, "precomp.writes", STATS_EVENTS,
				      "epur: W.x partial sums added into the precompute store");
	c->pre_reads = stats_counter(st, "precomp.reads", STATS_VALUES, "epur: precomputed W.x rows read as H inits");
	if (!c->ring || !c->ring_tmp || !c->xq_id || !c->xq_written || !counted || !c->pre_writes || !c->pre_reads) {
		ctrl_destroy(c);
		return NULL;
	}
	return c;
}

void ctrl_destroy(ctrl_t *c)
{
	if (!c)
		return;
	stats_seal(c->st); /* its counters are fields of c */
	free(c->ring);
	free(c->ring_tmp);
	free(c->xq_id);
	free(c->xq_written);
	free(c->tok);
	free(c->tsum);
	free(c->next_in[0]);
	free(c->next_in[1]);
	free(c->seg_flags);
	free(c->one);
	free(c);
}

/* Whether a tile with metadata m is plain (ctrl_token_t.plain). */
static inline bool ctrl_tile_plain(const tile_meta_t *m)
{
	return !m->zero_lanes && !m->wait && !m->scale_mults && !m->smx && !m->refine;
}

/* Writes column tile col's token (meta m) into out: the segment's
 * prototype tk with the tile's own fields. Inline, once per block end;
 * ctrl_tokens writes a block's inner tiles apart, their first, last,
 * init and mid flags set once per segment. */
static inline void ctrl_token_put(ctrl_token_t *tk, const tile_meta_t *m, uint32_t col, bool first, bool last,
				  bool init, unsigned char *out)
{
	cu_tile_t *t = &tk->t;
	tk->plain = ctrl_tile_plain(m);
	tk->col = col;
	t->first = first;
	t->last = last;
	t->has_init = init;
	tk->mid = tk->plain && !first && !last;
	t->useful_lanes = m->useful_lanes;
	t->useful_adds = m->useful_adds;
	t->cols = m->cols;
	memcpy(out, tk, CTRL_TOK_HEAD);
}

/* Writes a tile's read sums into ts: the running sums before it (*rows,
 * *bytes, *dec) and the peak through it, and adds its own (meta m). */
static inline void ctrl_tile_sum_put(struct ctrl_tile_sum *ts, const tile_meta_t *m, uint64_t *rows, uint64_t *bytes,
				     uint64_t *dec, uint32_t *peak)
{
	*ts = (struct ctrl_tile_sum){ .rows = *rows, .bytes = *bytes, .dec = *dec };
	*rows += m->bank_rows;
	*bytes += m->bank_bytes;
	*dec += m->dec_weights;
	*peak = m->bank_bytes > *peak ? m->bank_bytes : *peak;
	ts->peak = *peak;
}

/* Fills the layer's token table: for every column tile of the program,
 * what its tokens carry whatever the step, block and sequence (the tile
 * config, first/last of the row block, the init flag, the row, the lanes
 * and columns from the tile's metadata). Built once per layer, so issuing
 * a token is a copy instead of re-deriving these per tile and cycle. */
static int ctrl_tokens(ctrl_t *c)
{
	const sched_prog_t *p = c->L.prog;
	if (p->ntile > c->ntok) {
		unsigned char *tok = realloc(c->tok, (size_t)p->ntile * CTRL_TOK_HEAD);
		if (tok)
			c->tok = tok;
		struct ctrl_tile_sum *ts = realloc(c->tsum, (p->ntile + 1) * sizeof *ts);
		if (ts)
			c->tsum = ts;
		if (!tok || !ts)
			return SIM_ENOMEM;
		c->ntok = p->ntile;
	}
	if (!c->tsum) { /* a program without tiles: the one sum, for ctrl_settle's reads */
		if (!(c->tsum = malloc(sizeof *c->tsum)))
			return SIM_ENOMEM;
	}
	/* The read sums are built in the same pass as the tokens: the
	 * segments' tiles are the program's, in order (tile0 + col), so the
	 * running sums before tile tile0 + col are those of the tiles before
	 * it, and the peak restarts with each segment. */
	uint64_t rows = 0, bytes = 0, dec = 0;
	for (uint32_t i = 0; i < p->n; i++) {
		const sched_seg_t *s = &p->seg[i];
		bool merged = c->merge && s->partner >= 0; /* H continuing its X block */
		/* The segment's prototype: what all its tiles share (padding
		 * zero, as the tables always were); each tile then sets its
		 * own fields and its head is copied into the table. */
		ctrl_token_t tk;
		memset(&tk, 0, sizeof tk);
		tk.is_tile = true;
		tk.seg = i;
		cu_tile_t *t = &tk.t;
		t->cfg = s->cfg;
		t->tag.gate = s->gate[0];
		t->tag.row0 = s->j0;
		/* An input-phase tile is one block per (column tile, step,
		 * sequence): first and last, whatever its column. */
		bool pre = s->pre, first0 = pre || (!(merged && s->part == SCHED_PART_H) && !s->cont),
		     last_end = pre || (!(c->merge && s->part == SCHED_PART_X) && !s->open),
		     init0 = s->part == SCHED_PART_H && (c->h_init || c->epur_init) && s->partner >= 0;
		unsigned char *out = c->tok + (size_t)s->tile0 * CTRL_TOK_HEAD;
		struct ctrl_tile_sum *ts = &c->tsum[s->tile0];
		const tile_meta_t *m = sched_tile(p, s, 0);
		uint32_t peak = 0, n = s->ntiles;
		if (!n)
			continue;
		c->one[i] = (struct ctrl_seg_one){ .tok = out,
						   .rows = m->bank_rows,
						   .bytes = m->bank_bytes,
						   .dec = m->dec_weights,
						   .vals = s->valid_rows,
						   .cfg = s->cfg };
		ctrl_tile_sum_put(ts, m, &rows, &bytes, &dec, &peak);
		ctrl_token_put(&tk, m, 0, first0, n > 1 ? pre : last_end, init0, out);
		if (n == 1)
			continue;
		/* The inner tiles, neither end of the block: first and last
		 * are the input phase's, no init, mid where plain outside an
		 * input phase. */
		t->first = t->last = pre;
		t->has_init = false;
		for (uint32_t col = 1; col + 1 < n; col++) {
			out += CTRL_TOK_HEAD;
			m++;
			ctrl_tile_sum_put(++ts, m, &rows, &bytes, &dec, &peak);
			tk.plain = ctrl_tile_plain(m);
			tk.col = col;
			tk.mid = tk.plain && !pre;
			t->useful_lanes = m->useful_lanes;
			t->useful_adds = m->useful_adds;
			t->cols = m->cols;
			memcpy(out, &tk, CTRL_TOK_HEAD);
		}
		ctrl_tile_sum_put(ts + 1, m + 1, &rows, &bytes, &dec, &peak);
		ctrl_token_put(&tk, m + 1, n - 1, pre, last_end, false, out + CTRL_TOK_HEAD);
	}
	/* never read: a segment's peaks end at its last tile */
	c->tsum[p->ntile] = (struct ctrl_tile_sum){ .rows = rows, .bytes = bytes, .dec = dec };
	return SIM_OK;
}

static bool ctrl_barrier_rule(const ctrl_t *c, const sched_seg_t *s);

/* The layer's per-segment tables (next_in, seg_flags): after the layer's
 * W.x routing (merge, h_init) is known and before the schedule's
 * begin_layer, which walks the program with ctrl_next_of. */
static int ctrl_seg_tables(ctrl_t *c)
{
	const sched_prog_t *p = c->L.prog;
	if (p->n + 1 > c->nseg_room) {
		uint32_t *x = realloc(c->next_in[0], (p->n + 1) * sizeof *x);
		if (x)
			c->next_in[0] = x;
		uint32_t *h = realloc(c->next_in[1], (p->n + 1) * sizeof *h);
		if (h)
			c->next_in[1] = h;
		uint16_t *b = realloc(c->seg_flags, (p->n + 1) * sizeof *b);
		if (b)
			c->seg_flags = b;
		struct ctrl_seg_one *o = realloc(c->one, (p->n + 1) * sizeof *o);
		if (o)
			c->one = o;
		if (!x || !h || !b || !o)
			return SIM_ENOMEM;
		c->nseg_room = p->n + 1;
	}
	for (unsigned part = 0; part <= SCHED_PART_H; part++) {
		c->next_in[part][p->n] = p->n;
		for (uint32_t i = p->n; i-- > 0;)
			c->next_in[part][i] = p->seg[i].part == part ? i : c->next_in[part][i + 1];
	}
	for (uint32_t i = 0; i < p->n; i++) {
		const sched_seg_t *s = &p->seg[i];
		bool x = s->part == SCHED_PART_X, h = s->part == SCHED_PART_H;
		c->seg_flags[i] =
			(uint16_t)((ctrl_barrier_rule(c, s) ? CTRL_SEG_BARRIER : 0) |
				   (c->merge && h && s->partner >= 0 ? CTRL_SEG_CONTINUES : 0) |
				   (c->epur_init && h && s->partner >= 0 ? CTRL_SEG_PRE_READS : 0) |
				   (x && !c->merge && !(c->sd->flags & SCHED_F_X_PRECOMPUTED) ? CTRL_SEG_IBUF : 0) |
				   (x && c->h_init ? CTRL_SEG_XQ_PUSH : 0) |
				   (h && c->h_init && s->partner >= 0 ? CTRL_SEG_XQ_POP : 0) |
				   (!s->pre && !c->elem_deps && c->group == 1 ? CTRL_SEG_SIMPLE : 0) |
				   (c->L.lazy_reads && !s->pre && !c->elem_deps && c->group == 1 && c->batch_all == 1 &&
						    s->ntiles > 1
					    ? CTRL_SEG_LAZY
					    : 0) |
				   (c->recurrent && s->phase != CELL_PHASE_PROJ && s->phase != 1 &&
						    !(c->L.delta && h) && !c->proj
					    ? CTRL_SEG_BAR_H
					    : 0) |
				   (!s->pre && !s->cont && !c->elem_deps && c->group == 1 && c->batch_all == 1 &&
						    s->ntiles == 1 && !c->L.delta &&
						    !(c->epur_init && h && s->partner >= 0)
					    ? CTRL_SEG_ONE
					    : 0) |
				   (x && c->merge ? CTRL_SEG_MERGE_ID : 0));
	}
	return SIM_OK;
}

int ctrl_begin_layer(ctrl_t *c, const ctrl_layer_t *layer)
{
	c->L = *layer;
	c->recurrent = cell_get(layer->cell)->flags & CELL_F_RECURRENT;
	c->elem_deps = c->deps == DEPS_ELEMENT && c->recurrent;
	c->proj = layer->proj;
	bool has_x = false;
	for (uint32_t i = 0; i < layer->prog->n; i++)
		has_x |= layer->prog->seg[i].part == SCHED_PART_X;
	c->batch_all = layer->lc->sequence_lens.n ? 0 : layer->lc->batch_size;
	c->h_known = 0;
	c->h_hold = c->wait_on = false;
	c->all_in = false;
	/* A cell that keeps a gate's W.x apart (GRU linear_before_reset) has
	 * the MFU read the W.x sums instead of merging them as init. */
	bool apart = cell_variant(cell_get(layer->cell), layer->form)->x_apart >= 0;
	unsigned f = c->sd->flags;
	bool pre = f & SCHED_F_X_PRECOMPUTED, ahead = f & SCHED_F_X_RUNAHEAD;
	/* A precomputed W.x goes to its own store: no merge, no intermediate
	 * buffer, and the MFU never reads it. */
	c->mfu_reads_x = has_x && apart && !pre;
	c->merge = has_x && !apart && !ahead && !pre;
	c->h_init = has_x && !apart && ahead && !pre;
	c->epur_init = pre && has_x && !apart;
	c->xq_head = c->xq_count = 0;
	c->pre_i = layer->prog->n;
	c->pre_issued = c->pre_written = 0;
	c->cur_t = 0;
	c->cur_i = 0;
	c->dl_watch = 0;
	c->active = false;
	c->a_lazy_end = 0;
	c->group = layer->batch / layer->sets;
	if (ctrl_seg_tables(c))
		return SIM_ENOMEM;
	if (c->sd->begin_layer)
		c->sd->begin_layer(c);
	if (!c->last_cfg)
		c->last_cfg = layer->prog->seg[0].cfg;
	return ctrl_tokens(c);
}

bool ctrl_mfu_reads_x(const ctrl_t *c)
{
	return c->mfu_reads_x;
}

void ctrl_x_written(ctrl_t *c, const ctrl_block_t *b)
{
	if (c->sd->flags & SCHED_F_X_PRECOMPUTED) {
		c->pre_written++;
		(*c->pre_writes)++;
		return;
	}
	/* The block's ring entry names its queue slot (ctrl_start_seg); ids
	 * are unique, so a live slot holding this id is this block's. */
	uint32_t k = b->xq;
	if (k < c->xq_cap && (k + c->xq_cap - c->xq_head) % c->xq_cap < c->xq_count && c->xq_id[k] == b->id)
		c->xq_written[k]++;
}

const ctrl_block_t *ctrl_block(const ctrl_t *c, uint32_t id)
{
	const ctrl_block_t *b = &c->ring[id % c->nring];
	return b->id == id ? b : NULL;
}

uint32_t ctrl_active(const ctrl_t *c, uint32_t t)
{
	/* the whole batch unless the layer has sequence_lens: the common case
	 * a field, as the schedules ask every cycle */
	return c->batch_all ? c->batch_all : workload_active(c->L.lc, t);
}

/* Elements of step t: H per active sequence. */
static uint32_t ctrl_elems(const ctrl_t *c, uint32_t t)
{
	return c->L.hidden * ctrl_active(c, t);
}

/* The step barrier of a segment: h_{t-1} complete, or for GRU
 * reset_before_matmul's n (phase 1) all of r*h_{t-1} complete. LSTMP:
 * the projection of step t waits for all of o*tanh(c_t) (what the cell
 * updater writes), the U.h of step t for all of the projected h_{t-1}. */
bool ctrl_barrier_ok(ctrl_t *c, const ctrl_view_t *v, const sched_seg_t *s, uint32_t t)
{
	/* No recurrence in an fc layer; but the gate buffer holds two steps,
	 * so step t waits until step t-2's outputs are written. */
	if (!c->recurrent)
		return t < 2 || cellu_h_written(v->cellu, t - 2) >= ctrl_elems(c, t - 2);
	if (s->phase == CELL_PHASE_PROJ)
		return cellu_h_written(v->cellu, t) >= ctrl_elems(c, t);
	if (s->phase == 1)
		return gbuf_rh(v->gbuf, t) >= ctrl_elems(c, t);
	if (t == 0)
		return true;
	if (c->L.delta && s->part == SCHED_PART_H) /* and the encoder's list */
		return c->dl_watch > t - 1 && c->now >= c->dl_done[(t - 1) % 4] + c->L.delta_latency;
	if (c->proj)
		return gbuf_proj(v->gbuf, t - 1) >= c->proj * ctrl_active(c, t - 1);
	/* a CTRL_SEG_BAR_H segment's barrier */
	if (cellu_h_written(v->cellu, t - 1) < ctrl_elems(c, t - 1))
		return false;
	c->h_known = t > c->h_known ? t : c->h_known;
	return true;
}

/* Whether segment s must pass the step barrier before it starts,
 * evaluated per segment at the layer's start (CTRL_SEG_BARRIER). */
static bool ctrl_barrier_rule(const ctrl_t *c, const sched_seg_t *s)
{
	if (!c->recurrent)
		return true; /* the two-step bound, in either deps mode */
	if (c->L.delta && s->part == SCHED_PART_H)
		return true; /* the delta encoder needs all of h_{t-1} */
	if (c->L.prog->approx)
		return true; /* the dot products gather from all of h_{t-1} (apx_prog.h) */
	if ((c->sd->flags & SCHED_F_X_RUNAHEAD) && s->part == SCHED_PART_X)
		return false;
	if (c->deps == DEPS_STEP)
		return true;
	return s->part == SCHED_PART_H && (s->phase == 1 || c->proj);
}

void ctrl_bubble(ctrl_t *c, ctrl_token_t *out, idle_cause_t cause)
{
	out->is_tile = false;
	out->cause = (uint8_t)cause;
	if (cause == IDLE_BACKPRESSURE)
		c->stall++;
	else
		c->starve++;
}

/* The block id of segment seg in step `step`: a segment continuing it
 * (sched_seg_t.cont) takes the same id, so its tiles add into the same
 * accumulator block. Every block still in flight has a live ring entry
 * (the ring holds at least the accumulators' blocks), and a continuing
 * segment rewrites the entry's seg, so the chain's latest segment is found. */
static uint32_t ctrl_cont_id(const ctrl_t *c, uint32_t seg, uint32_t step)
{
	for (uint32_t d = 1; d <= c->nring && d <= c->next_id; d++) {
		const ctrl_block_t *b = &c->ring[(c->next_id - d) % c->nring];
		if (b->id == c->next_id - d && b->seg == seg && b->step == step)
			return b->id;
	}
	return c->next_id; /* unreachable for a built program: a tag no block has */
}

void ctrl_settle(ctrl_t *c, const ctrl_view_t *v)
{
	if (!c->a_lazy || c->a_rc == c->a_c)
		return;
	/* Exactly the reads of columns a_rc .. a_c-1 from an all-ready buffer
	 * (wbuf_tile_read_all_ready and dcmp_take with the unit bypassed, per
	 * tile): rows, bytes and decoded weights added up, and the peak, which
	 * already holds the columns before a_rc, raised to the segment's most
	 * through a_c-1. */
	const struct ctrl_tile_sum *a = &c->tsum[c->a_s->tile0 + c->a_rc], *b = &c->tsum[c->a_s->tile0 + c->a_c];
	wbuf_count_reads(v->wbuf, b->rows - a->rows, b->bytes - a->bytes, b[-1].peak);
	dcmp_count(v->dcmp, b->dec - a->dec);
	c->tiles += c->a_c - c->a_rc;
	c->busy += c->a_c - c->a_rc; /* one token per column tile (CTRL_SEG_LAZY) */
	c->a_rc = c->a_c;
}

/* The issue path's steps (a segment's start, ctrl_emit's reads), forced
 * inline into each of their callers: out of line, GCC would pay a call per
 * issued token or started segment for sharing them. */
#if defined(__GNUC__)
#define CTRL_INLINE static inline __attribute__((always_inline))
#define CTRL_NOINLINE_API __attribute__((noinline))
#else
#define CTRL_INLINE static inline
#define CTRL_NOINLINE_API
#endif

/* An X segment's block joins the X queue: its slot, where the block's id
 * is kept and its W.x sums are counted as they are written
 * (ctrl_x_written). */
CTRL_INLINE uint32_t ctrl_xq_push(ctrl_t *c, uint32_t id)
{
	uint32_t xq = (c->xq_head + c->xq_count++) % c->xq_cap;
	c->xq_id[xq] = id;
	c->xq_written[xq] = 0;
	return xq;
}

/* An H segment takes its partner's block off the X queue: the partner's
 * vals sums are in the intermediate buffer (h_ready), read and freed. */
CTRL_INLINE void ctrl_xq_pop(ctrl_t *c, const ctrl_view_t *v, uint32_t vals)
{
	c->xq_head = (c->xq_head + 1) % c->xq_cap;
	c->xq_count--;
	ibuf_read(v->ibuf, vals);
	ibuf_free(v->ibuf, vals);
}

/* Block id's ring entry: what the accumulators' output and the X queue's
 * writes look up by id (ctrl_block). */
CTRL_INLINE void ctrl_ring_put(ctrl_t *c, uint32_t id, uint32_t seg, uint32_t step, uint32_t xq)
{
	ctrl_block_t *b = &c->ring[id % c->nring];
	b->id = id;
	b->seg = seg;
	b->step = step;
	b->xq = xq;
}

/* A segment's start counted: one block, and a reconfiguration when its
 * tile config is not the last one's. */
CTRL_INLINE void ctrl_count_start(ctrl_t *c, unsigned cfg)
{
	c->blocks++;
	if (cfg != c->last_cfg)
		c->reconfigs++;
	c->last_cfg = cfg;
}

CTRL_INLINE void ctrl_start_seg_in(ctrl_t *c, const ctrl_view_t *v, uint32_t seg, uint32_t step)
{
	if (c->a_lazy) /* the last segment's reads, before a_seg moves on */
		ctrl_settle(c, v);
	const sched_seg_t *s = &c->L.prog->seg[seg];
	unsigned f = c->seg_flags[seg];
	c->a_n = s->pre ? c->L.batch : ctrl_active(c, step);
	uint32_t vals = s->valid_rows * c->a_n;
	c->a_pre = s->pre;
	if (f & CTRL_SEG_PRE_READS)
		*c->pre_reads += vals;
	if (f & CTRL_SEG_IBUF)
		ibuf_alloc(v->ibuf, vals);
	c->active = true;
	c->a_seg = seg;
	c->a_s = s;
	c->a_hold = s->pre ? c->L.batch * c->L.timesteps : c->a_n;
	c->a_step = step;
	c->a_c = c->a_b = c->a_rc = 0;
	/* Delta: the encoder's used columns, compacted into whole tiles from
	 * the first; a segment with none still issues one (empty) tile, the
	 * cycle in which its row block passes on to the MFU. */
	c->a_cols = DLT_UNKNOWN;
	if (c->L.delta && v->dlt) {
		unsigned dpart = s->part == SCHED_PART_X || !c->recurrent ? DLT_X : DLT_H;
		c->a_cols = dlt_cols(v->dlt, dpart, step);
	}
	c->a_nt = c->a_cols == DLT_UNKNOWN ? s->ntiles : (c->a_cols + s->kc - 1) / s->kc;
	c->a_nt = c->a_nt ? c->a_nt : 1;
	/* A segment whose every token reads its own tile (one sequence per
	 * weight group), with no per-token wait but the weights: not an
	 * input phase, not delta-compacted, no element-wise h scoreboard. */
	c->a_simple = (f & CTRL_SEG_SIMPLE) && c->a_cols == DLT_UNKNOWN;
	c->a_free = c->a_simple && (c->all_in || (c->all_in = wbuf_all_ready(v->wbuf) && dcmp_quiet(v->dcmp)));
	c->a_lazy = c->a_free && (f & CTRL_SEG_LAZY);
	c->a_lazy_end = c->a_lazy && !c->L.delta ? c->a_nt - 1 : 0;
	c->a_tok = c->tok + (size_t)s->tile0 * CTRL_TOK_HEAD;
	/* Input-phase tokens take their block ids one by one (emit). */
	if (s->cont)
		c->a_id = ctrl_cont_id(c, s->cont - 1, step);
	else if (!s->pre)
		c->a_id = f & CTRL_SEG_CONTINUES ? c->merge_id : c->next_id++;
	c->seg_start = c->now;
	if (s->part == SCHED_PART_X && c->merge)
		c->merge_id = c->a_id;
	uint32_t xq = f & CTRL_SEG_XQ_PUSH ? ctrl_xq_push(c, c->a_id) : UINT32_MAX;
	if (f & CTRL_SEG_XQ_POP)
		ctrl_xq_pop(c, v, vals);
	if (!s->pre)
		ctrl_ring_put(c, c->a_id, seg, step, xq);
	ctrl_count_start(c, s->cfg);
}

void ctrl_start_seg(ctrl_t *c, const ctrl_view_t *v, uint32_t seg, uint32_t step)
{
	ctrl_start_seg_in(c, v, seg, step);
}

/* The token of column tile col, sequence seq of the active segment: the
 * layer's token of that tile (ctrl_tokens) with its step, block and
 * sequence, all an a_simple segment's token needs. Inline: once per issued
 * token, on the stepped path. */
static inline void fill_token_plain(const ctrl_t *c, const sched_seg_t *s, uint32_t col, uint32_t seq,
				    ctrl_token_t *out)
{
	/* All but the functional datapath's operand pointers, which close the
	 * token: the template's are NULL, and a token's are read only once
	 * fpipe_tile has set all five at the VS array (a run without it
	 * never sets them, so they stay NULL as the line was allocated). */
	_Static_assert(offsetof(ctrl_token_t, t) + sizeof(cu_tile_t) == sizeof(ctrl_token_t) &&
			       offsetof(cu_tile_t, w) + 5 * sizeof(void *) == sizeof(cu_tile_t),
		       "the operand pointers close the token");
	memcpy(out, c->tok + (size_t)(s->tile0 + col) * CTRL_TOK_HEAD, CTRL_TOK_HEAD);
	cu_tile_t *t = &out->t;
	t->tag.step = c->a_step;
	t->tag.block = c->a_id;
	t->tag.seq = (uint16_t)seq;
}

/* fill_token_plain, then an input-phase token and a delta segment's
 * compacted tile adjusted. */
static inline void fill_token(const ctrl_t *c, const sched_seg_t *s, uint32_t col, uint32_t seq, ctrl_token_t *out)
{
	fill_token_plain(c, s, col, seq, out);
	cu_tile_t *t = &out->t;
	if (s->pre) {
		/* Input phase: one block per (column tile, step, sequence). */
		t->tag.step = seq / c->L.batch;
		t->tag.seq = (uint16_t)(seq % c->L.batch);
	}
	if (c->a_cols != DLT_UNKNOWN) {
		/* a compacted tile: its used columns, the last one partial, and
		 * the segment ends at its a_nt-th tile */
		if (!s->pre)
			t->last = col + 1 == c->a_nt && !(c->merge && s->part == SCHED_PART_X) && !s->open;
		uint32_t k = c->a_cols > col * s->kc ? c->a_cols - col * s->kc : 0;
		t->cols = k < s->kc ? k : s->kc;
		t->useful_lanes = s->valid_rows * t->cols;
		t->useful_adds = t->cols ? s->valid_rows * (t->cols - 1) : 0;
	}
}

/* Used columns in the active delta segment's compacted tile a_c: Kc but
 * for the last (partial) one, 0 in the empty tile of a segment with none. */
static uint32_t ctrl_delta_tile_cols(const ctrl_t *c, const sched_seg_t *s)
{
	uint32_t done = c->a_c * s->kc, left = c->a_cols > done ? c->a_cols - done : 0;
	return left < s->kc ? left : s->kc;
}

/* The active segment's next token opens a weight group: its column tile
 * is read from the buffer now (an input-phase segment reads each tile once
 * for all its steps and sequences). */
static bool ctrl_reads_weights(const ctrl_t *c)
{
	return c->a_pre ? c->a_b == 0 : c->group == 1 || c->a_b % c->group == 0;
}

/* The weight set of the active segment's next token. */
static uint32_t ctrl_set(const ctrl_t *c)
{
	return c->a_pre ? 0 : c->a_b / c->group;
}

/* The active segment's next token reads column tile a_c (weight set
 * `set`) from the weight buffer through the decompression unit. False,
 * with the token a bubble of the cause, when either has not got it. */
CTRL_INLINE bool ctrl_read_tile(ctrl_t *c, const ctrl_view_t *v, const sched_seg_t *s, uint32_t set, ctrl_token_t *out)
{
	const tile_meta_t *m = sched_tile(c->L.prog, s, c->a_c);
	if (!c->a_free) {
		/* A delta layer is never interleaved (it runs functional): one set. */
		wbuf_wait_t w = c->a_cols == DLT_UNKNOWN ? wbuf_tile_ready(v->wbuf, c->a_seg, c->a_c, c->a_step, set)
							 : wbuf_cols_ready(v->wbuf, c->a_seg, c->a_c, c->a_step,
									   ctrl_delta_tile_cols(c, s));
		if (w != WBUF_READY) {
			/* A capped weight port also shows as a weight-fetch bubble;
			 * only a wait on DRAM counts towards a DRAM-bound run. */
			if (w == WBUF_WAIT_DRAM)
				c->dram_wait++;
			ctrl_bubble(c, out, IDLE_WEIGHT_FETCH);
			return false;
		}
		if (!dcmp_ready(v->dcmp, m)) {
			ctrl_bubble(c, out, IDLE_DECOMPRESS);
			return false;
		}
	}
	if (c->a_free)
		wbuf_tile_read_all_ready(v->wbuf, m);
	else if (c->a_cols == DLT_UNKNOWN)
		wbuf_tile_read(v->wbuf, m);
	else /* the used columns' weights only */
		wbuf_cols_read(v->wbuf, c->a_seg, c->a_c, ctrl_delta_tile_cols(c, s));
	dcmp_take(v->dcmp, m);
	c->tiles++;
	return true;
}

/* The active segment's issue as a slice on the controller track, at its
 * last token. */
static void ctrl_trace_issue(ctrl_t *c, const sched_seg_t *s)
{
	char args[160];
	snprintf(args, sizeof args,
		 "\"step\":%u,\"block\":%u,\"part\":\"%s\",\"rows\":\"%u..%u\",\"gates\":%u,\"config\":%u", c->a_step,
		 s->block, s->part == SCHED_PART_X ? "W.x" : "U.h", s->j0, s->j0 + s->valid_pg - 1, s->ngates, s->cfg);
	trace_slice(c->trace, TRACE_CTRL,
		    s->phase == CELL_PHASE_PROJ ? "issue W_proj.m"
		    : s->part == SCHED_PART_X	? "issue W.x"
						: "issue U.h",
		    c->seg_start, c->now + 1, args);
}

/* The active segment's token (a_c, a_b) is issued: filled into out,
 * counted, and the segment's cursor moved on. */
CTRL_INLINE void ctrl_issued(ctrl_t *c, const sched_seg_t *s, ctrl_token_t *out)
{
	if (c->a_pre) {
		/* Each input-phase token is a block of its own. */
		c->a_id = c->next_id++;
		ctrl_block_t *b = &c->ring[c->a_id % c->nring];
		b->id = c->a_id;
		b->seg = c->a_seg;
		b->step = c->a_b / c->L.batch;
		c->pre_issued++;
	}
	if (c->a_simple) /* not an input phase, not compacted: the template and the tag */
		fill_token_plain(c, s, c->a_c, c->a_b, out);
	else
		fill_token(c, s, c->a_c, c->a_b, out);
	c->busy++;
	if (++c->a_b == c->a_hold) {
		c->a_b = 0;
		if (++c->a_c == c->a_nt) {
			c->active = false;
			if (c->trace)
				ctrl_trace_issue(c, s);
		}
	}
}

/* The token of a CTRL_SEG_LAZY segment (a_lazy): its tile's template and
 * tag, the cursor moved on; its read and its `busy` are counted by
 * ctrl_settle (a_hold is 1, so a_b stays 0 and a token is a column). The
 * whole of a stepped cycle's issue while such a segment runs. */
CTRL_INLINE void ctrl_emit_lazy(ctrl_t *c, ctrl_token_t *out)
{
	const sched_seg_t *s = c->a_s;
	fill_token_plain(c, s, c->a_c, 0, out);
	if (++c->a_c == c->a_nt) {
		c->active = false;
		if (c->trace)
			ctrl_trace_issue(c, s);
	}
}

/* Issues the active segment's next (column tile, sequence), or a bubble. */
CTRL_INLINE void ctrl_emit_in(ctrl_t *c, const ctrl_view_t *v, ctrl_token_t *out)
{
	const sched_seg_t *s = c->a_s;
	if (c->a_lazy) {
		ctrl_emit_lazy(c, out);
		return;
	}
	if (c->a_simple) { /* every token reads its tile and nothing else waits */
		if (ctrl_read_tile(c, v, s, c->a_b, out))
			ctrl_issued(c, s, out);
		return;
	}
	if (c->elem_deps && c->a_b == 0 && s->part == SCHED_PART_H && s->phase == 0 && c->a_step > 0) {
		uint32_t hi = (sched_tile(c->L.prog, s, c->a_c)->col + 1) * s->kc;
		uint32_t need = (hi < c->L.hidden ? hi : c->L.hidden) * ctrl_active(c, c->a_step - 1);
		if (cellu_h_written(v->cellu, c->a_step - 1) < need) {
			ctrl_bubble(c, out, IDLE_DEPENDENCY);
			return;
		}
	}
	if (ctrl_reads_weights(c) && !ctrl_read_tile(c, v, s, ctrl_set(c), out))
		return;
	ctrl_issued(c, s, out);
}

void ctrl_emit(ctrl_t *c, const ctrl_view_t *v, ctrl_token_t *out)
{
	ctrl_emit_in(c, v, out);
}

/* Moves cursor (t, i) to the next segment: of the program (part < 0) or of
 * one partition, wrapping to the next step. */
CTRL_INLINE void ctrl_advance(const ctrl_t *c, uint32_t *t, uint32_t *i, int part)
{
	const sched_prog_t *p = c->L.prog;
	if (part < 0) {
		if (++*i == p->n) {
			*i = 0;
			++*t;
		}
		return;
	}
	*i = ctrl_next_of(c, *i + 1, (unsigned)part);
	if (*i == p->n) {
		*i = ctrl_next_of(c, 0, (unsigned)part);
		++*t;
	}
}

/* The issue of a segment of one tile and one token (a_nt and a_hold 1)
 * with a_free, whole: its read can only succeed and counts as the weight
 * buffer's all-ready read and the bypassed decompression unit's weights,
 * and its token is the template and the tag, after which the segment has
 * ended (at 64K every segment). */
CTRL_INLINE void ctrl_emit_one(ctrl_t *c, const ctrl_view_t *v, ctrl_token_t *out)
{
	const sched_seg_t *s = c->a_s;
	const tile_meta_t *m = sched_tile(c->L.prog, s, 0);
	wbuf_tile_read_all_ready(v->wbuf, m);
	dcmp_count(v->dcmp, m->dec_weights);
	c->tiles++;
	fill_token_plain(c, s, 0, 0, out);
	c->busy++;
	c->a_c = 1;
	c->active = false;
	if (c->trace)
		ctrl_trace_issue(c, s);
}

/* Segment seg of step `step`, CTRL_SEG_ONE with the layer's weights all in
 * (all_in), started and issued whole: what ctrl_start_seg_in and
 * ctrl_emit_one do for it, every test the segment's flags or the layer
 * answer left out, and every value read from its row of the per-layer
 * table (ctrl_t.one). The a_* fields describe the active segment and are
 * read only while one is (the snapshot, the emit, a burst), but for
 * a_lazy, which ctrl_settle reads: it is clear here (ctrl_launch sends a
 * start after a lazy segment to ctrl_launch_any, which settles it first),
 * and the segment ends here with nothing to settle, so none of them is
 * set. a_step and seg_start are set for the trace's slice only. */
CTRL_INLINE void ctrl_start_emit_one(ctrl_t *c, const ctrl_view_t *v, uint32_t seg, unsigned f, uint32_t step,
				     ctrl_token_t *out)
{
	const struct ctrl_seg_one *o = &c->one[seg];
	uint32_t vals = o->vals; /* one sequence */
	uint32_t id = f & CTRL_SEG_CONTINUES ? c->merge_id : c->next_id++;
	if (f & CTRL_SEG_MERGE_ID)
		c->merge_id = id;
	if (f & CTRL_SEG_IBUF)
		ibuf_alloc(v->ibuf, vals);
	uint32_t xq = f & CTRL_SEG_XQ_PUSH ? ctrl_xq_push(c, id) : UINT32_MAX;
	if (f & CTRL_SEG_XQ_POP)
		ctrl_xq_pop(c, v, vals);
	ctrl_ring_put(c, id, seg, step, xq);
	ctrl_count_start(c, o->cfg);
	wbuf_count_reads(v->wbuf, o->rows, o->bytes, o->bytes); /* wbuf_tile_read_all_ready */
	dcmp_count(v->dcmp, o->dec);
	c->tiles++;
	c->busy++;
	memcpy(out, o->tok, CTRL_TOK_HEAD);
	out->t.tag.step = step;
	out->t.tag.block = id;
	out->t.tag.seq = 0;
	if (c->trace) {
		c->a_step = step;
		c->seg_start = c->now;
		ctrl_trace_issue(c, &c->L.prog->seg[seg]);
	}
}

/* ctrl_launch's two ways, each out of line so that the test choosing
 * between them (inline in the picks) pays neither's register saves. */
CTRL_NOINLINE_API void ctrl_launch_one(ctrl_t *c, const ctrl_view_t *v, uint32_t *t, uint32_t *i, int part,
				       ctrl_token_t *out)
{
	uint32_t seg = *i, step = *t;
	ctrl_advance(c, t, i, part);
	ctrl_start_emit_one(c, v, seg, c->seg_flags[seg], step, out);
}

CTRL_NOINLINE_API void ctrl_launch_any(ctrl_t *c, const ctrl_view_t *v, uint32_t *t, uint32_t *i, int part,
				       ctrl_token_t *out)
{
	ctrl_start_seg_in(c, v, *i, *t);
	ctrl_advance(c, t, i, part);
	if (c->a_free && c->a_nt == 1 && c->a_hold == 1)
		ctrl_emit_one(c, v, out);
	else
		ctrl_emit_in(c, v, out);
}

idle_cause_t ctrl_idle_reason(const ctrl_t *c)
{
	return c->L.last ? IDLE_FILL_DRAIN : IDLE_DEPENDENCY;
}

/* Sequential, Batch, Intergate: segments start strictly in program order. */
void ctrl_pick_in_order(ctrl_t *c, const ctrl_view_t *v, ctrl_token_t *out)
{
	if (c->cur_t >= c->L.timesteps) {
		ctrl_bubble(c, out, ctrl_idle_reason(c));
		return;
	}
	const sched_seg_t *s = &c->L.prog->seg[c->cur_i];
	if (!ctrl_barrier_met(c, v, c->cur_i, c->cur_t)) {
		ctrl_bubble(c, out, IDLE_DEPENDENCY);
		return;
	}
	if (s->part == SCHED_PART_X && !ibuf_can_alloc(v->ibuf, s->valid_rows * ctrl_active(c, c->cur_t))) {
		ctrl_bubble(c, out, IDLE_BACKPRESSURE);
		return;
	}
	if (c->cur_i == 0)
		c->step_started = c->cur_t;
	ctrl_launch(c, v, &c->cur_t, &c->cur_i, -1, out);
}

bool ctrl_tick_lazy(ctrl_t *c, ctrl_token_t *out)
{
	/* A lazy segment's token but its last (its end may write a trace
	 * slice), and no delta layer (its tick watches the cell updater
	 * first): a_lazy_end. */
	if (c->a_c >= c->a_lazy_end)
		return false;
	c->step_started = -1;
	fill_token_plain(c, c->a_s, c->a_c++, 0, out);
	c->now++;
	return true;
}

bool ctrl_tick_lazy_mid(ctrl_t *c, ctrl_token_t *out)
{
	if (c->a_c >= c->a_lazy_end) /* as ctrl_tick_lazy */
		return false;
	c->step_started = -1;
	const unsigned char *tk = c->a_tok + (size_t)c->a_c * CTRL_TOK_HEAD;
	bool mid;
	memcpy(&mid, tk + offsetof(ctrl_token_t, mid), sizeof mid);
	if (c->L.mid_short && mid) {
		memcpy(out, tk, CTRL_TOK_MID);
		c->a_c++;
	} else {
		fill_token_plain(c, c->a_s, c->a_c++, 0, out);
	}
	c->now++;
	return true;
}

/* Forced inline (across units, by the link-time optimizer) into the
 * engine's cycle copies: every stepped cycle that is not a lazy token
 * calls it (at 64K all of them), and out of line its call, prologue and
 * epilogue cost about 15 instructions a cycle there (docs/performance.md,
 * "What the thirteenth round removed"). */
inline __attribute__((always_inline)) void ctrl_tick(ctrl_t *c, const ctrl_view_t *v, bool frozen, ctrl_token_t *out)
{
	c->step_started = -1;
	/* Delta: note the cycle each step's h is complete (the cell updater
	 * ticks first, so a step completed this cycle is seen this cycle). The
	 * U.h segments of step t read step t - 1's entry, and h_t cannot be
	 * complete before they issue, so a ring of 4 is never overrun. */
	while (c->L.delta && c->recurrent && c->dl_watch < c->L.timesteps &&
	       cellu_h_written(v->cellu, c->dl_watch) >= ctrl_elems(c, c->dl_watch))
		c->dl_done[c->dl_watch++ % 4] = c->now;
	if (frozen)
		c->stall++;
	else if (c->active && c->a_lazy)
		ctrl_emit_lazy(c, out);
	else if (c->active)
		ctrl_emit(c, v, out);
	else if (c->wait_on && cellu_h_written(v->cellu, c->wait_step) < c->wait_need &&
		 !ibuf_can_alloc(v->ibuf, c->wait_vals))
		ctrl_bubble(c, out, IDLE_DEPENDENCY);
	else {
		c->wait_on = false;
		c->sd->pick(c, v, out);
	}
	c->now++;
}

void ctrl_set_trace(ctrl_t *c, trace_t *t)
{
	c->trace = t;
}

uint64_t ctrl_run_length(const ctrl_t *c, const ctrl_token_t *head, uint32_t R)
{
	if (!c->active || c->a_pre || c->deps != DEPS_STEP || !head->is_tile || head->t.tag.block != c->a_id ||
	    c->L.delta)
		return 0;
	const sched_seg_t *s = &c->L.prog->seg[c->a_seg];
	uint64_t b = c->a_n, nt = s->ntiles;
	uint64_t u_head = (uint64_t)head->col * b + head->t.tag.seq;
	uint64_t u_next = (uint64_t)c->a_c * b + c->a_b;
	/* The line holds exactly the tokens u_head .. u_next-1 when no bubble
	 * sits between them; the head must not open a block. */
	if (u_next != u_head + R || head->col == 0)
		return 0;
	uint64_t accept = (nt - 1) * b > u_head ? (nt - 1) * b - u_head : 0; /* heads that are not `last` */
	uint64_t emit = nt * b - u_next;				     /* tokens left to issue */
	return accept < emit ? accept : emit;
}

void ctrl_run(ctrl_t *c, const ctrl_view_t *v, uint64_t k, ctrl_token_t *line, uint32_t R, uint32_t *idx)
{
	const sched_seg_t *s = &c->L.prog->seg[c->a_seg];
	uint64_t b = c->a_n;
	uint64_t u0 = (uint64_t)c->a_c * b + c->a_b;
	/* Weights are read once per column tile and weight group, with the
	 * group's first sequence: read r is token r * g, of tile r / sets. */
	uint64_t sets = c->L.sets, g = b / sets;
	uint64_t r_first = (u0 + g - 1) / g, r_end = (u0 + k + g - 1) / g;
	if (sets == 1 && r_end > r_first) {
		/* From the layer's read sums, as ctrl_settle counts: the peak
		 * already holds the segment's columns before r_first (read
		 * before this burst; a fast-forwarded run counts every read as
		 * it happens), so raising it to the segment's most through
		 * r_end - 1 is raising it to the most of r_first .. r_end - 1. */
		const struct ctrl_tile_sum *a = &c->tsum[s->tile0 + r_first], *e = &c->tsum[s->tile0 + r_end];
		wbuf_count_reads(v->wbuf, e->rows - a->rows, e->bytes - a->bytes, e[-1].peak);
		dcmp_count(v->dcmp, e->dec - a->dec);
	} else if (sets > 1) {
		for (uint64_t r = r_first; r < r_end; r++) {
			wbuf_read_run(v->wbuf, c->a_seg, (uint32_t)(r / sets), 1);
			dcmp_take_run(v->dcmp, sched_tile(c->L.prog, s, (uint32_t)(r / sets)), 1);
		}
	}
	c->tiles += r_end - r_first;
	c->busy += k;
	uint64_t from = k > R ? k - R : 0;
	for (uint64_t i = from; i < k; i++)
		fill_token(c, s, (uint32_t)((u0 + i) / b), (uint32_t)((u0 + i) % b), &line[(*idx + i) % R]);
	*idx = (uint32_t)((*idx + k) % R);
	c->now += k;
	c->step_started = -1;
	uint64_t u = u0 + k;
	c->a_c = (uint32_t)(u / b);
	c->a_b = (uint32_t)(u % b);
	if (c->a_c == s->ntiles)
		c->active = false;
}

int64_t ctrl_step_started(const ctrl_t *c)
{
	return c->step_started;
}

uint32_t ctrl_max_step(const ctrl_t *c)
{
	uint32_t m = c->cur_t;
	for (uint32_t i = 0; i < c->sd->n_fields; i++) {
		const snap_field_t *f = &c->sd->fields[i];
		uint32_t v = *(const uint32_t *)((const char *)c + f->off);
		if (f->kind == SNAP_STEP && v > m)
			m = v;
	}
	return m;
}

uint32_t ctrl_next_id(const ctrl_t *c)
{
	return c->next_id;
}

/* A read-line token: its cause when a bubble, its tile when a tile. */
static const snap_field_t token_fields[] = {
	SNAP_FIELD(ctrl_token_t, is_tile, SNAP_PLAIN),
	SNAP_FIELD_UNLESS(ctrl_token_t, cause, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, seg, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, col, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.cfg, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.first, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.last, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.has_init, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.tag.step, SNAP_STEP, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.tag.block, SNAP_ID, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.tag.gate, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.tag.seq, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.tag.row0, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.useful_lanes, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.useful_adds, SNAP_PLAIN, is_tile),
	SNAP_FIELD_IF(ctrl_token_t, t.cols, SNAP_PLAIN, is_tile),
};
const snap_table_t ctrl_token_state = SNAP_TABLE(token_fields);

/* The controller's cursors and the segment being issued. */
static const snap_field_t ctrl_fields[] = {
	SNAP_FIELD(struct ctrl, now, SNAP_TIME),
	SNAP_FIELD(struct ctrl, cur_t, SNAP_STEP),
	SNAP_FIELD(struct ctrl, cur_i, SNAP_PLAIN),
	SNAP_FIELD(struct ctrl, active, SNAP_PLAIN),
	SNAP_FIELD_IF(struct ctrl, a_seg, SNAP_PLAIN, active),
	SNAP_FIELD_IF(struct ctrl, a_step, SNAP_STEP, active),
	SNAP_FIELD_IF(struct ctrl, a_c, SNAP_PLAIN, active),
	SNAP_FIELD_IF(struct ctrl, a_b, SNAP_PLAIN, active),
	SNAP_FIELD_IF(struct ctrl, a_id, SNAP_ID, active),
	SNAP_FIELD_IF(struct ctrl, a_pre, SNAP_PLAIN, active),
	SNAP_FIELD_IF(struct ctrl, seg_start, SNAP_TIME, active),
	SNAP_FIELD_IF(struct ctrl, merge_id, SNAP_ID, merge),
	SNAP_FIELD(struct ctrl, last_cfg, SNAP_PLAIN),
};

void ctrl_snapshot(const ctrl_t *c, snap_t *s)
{
	snap_fields(s, c, (snap_table_t)SNAP_TABLE(ctrl_fields));
	snap_fields(s, c, (snap_table_t){ c->sd->fields, c->sd->n_fields }); /* the schedule's own */
	snap_put(s, c->pre_issued - c->pre_written);
	snap_put(s, c->xq_count);
	for (uint32_t i = 0; i < c->xq_count; i++) {
		uint32_t k = (c->xq_head + i) % c->xq_cap;
		snap_id(s, c->xq_id[k]);
		snap_put(s, c->xq_written[k]);
	}
	/* The ring by id, oldest first: only ids still able to be in flight. */
	for (uint32_t d = c->nring; d > 0; d--) {
		uint32_t id = c->next_id - d;
		const ctrl_block_t *b = &c->ring[id % c->nring];
		snap_put(s, b->id == id);
		if (b->id == id) {
			snap_put(s, b->seg);
			snap_step(s, b->step);
		}
	}
}

void ctrl_shift(ctrl_t *c, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	snap_fields_shift(c, (snap_table_t)SNAP_TABLE(ctrl_fields), cycles, steps, ids);
	snap_fields_shift(c, (snap_table_t){ c->sd->fields, c->sd->n_fields }, cycles, steps, ids);
	for (uint32_t i = 0; i < c->xq_count; i++)
		c->xq_id[(c->xq_head + i) % c->xq_cap] += ids;
	/* Ring slots are id % nring: move the live entries to their new ids. */
	ctrl_block_t *old = c->ring_tmp;
	memcpy(old, c->ring, sizeof *old * c->nring);
	for (uint32_t d = c->nring; d > 0; d--) {
		uint32_t id = c->next_id - d;
		const ctrl_block_t *b = &old[id % c->nring];
		ctrl_block_t *nb = &c->ring[(id + ids) % c->nring];
		if (b->id == id) {
			nb->id = id + ids;
			nb->seg = b->seg;
			nb->step = b->step + steps;
			nb->xq = b->xq; /* queue slots do not move in a jump */
		} else {
			nb->id = id + ids + 1; /* no live entry: a value ctrl_block never matches */
		}
	}
	c->next_id += ids;
	c->h_known = 0;			/* a memo of unshifted steps */
	c->h_hold = c->wait_on = false; /* and so are the pick's hold and wait */
}

bool ctrl_waits_for_dram(const ctrl_t *c, const ctrl_view_t *v)
{
	if (!c->active || !ctrl_reads_weights(c) || c->deps != DEPS_STEP)
		return false;
	return wbuf_tile_ready(v->wbuf, c->a_seg, c->a_c, c->a_step, ctrl_set(c)) == WBUF_WAIT_DRAM;
}

void ctrl_skip_wait(ctrl_t *c, uint64_t k)
{
	c->starve += k;
	c->dram_wait += k; /* only ever called over a wait on DRAM (ctrl_waits_for_dram) */
	c->now += k;
	c->step_started = -1;
}

bool ctrl_dram_need(const ctrl_t *c, const ctrl_view_t *v, int *stream, uint64_t *pos)
{
	return c->active && wbuf_tile_need(v->wbuf, c->a_seg, c->a_c, c->a_step, ctrl_set(c), stream, pos);
}

/* The unit interface (unit.h). */
static void ctrl_unit_snapshot(const void *u, snap_t *s)
{
	ctrl_snapshot(u, s);
}

static void ctrl_unit_shift(void *u, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	ctrl_shift(u, cycles, steps, ids);
}

const unit_ops_t ctrl_unit = {
	.name = "ctrl",
	.snapshot = ctrl_unit_snapshot,
	.shift = ctrl_unit_shift,
};
