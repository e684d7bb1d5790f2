/*
 * bw_pipe.c - the sequencer and the pipeline of BrainWave's NPU.
 *
 * One chain passes every stage; the stages stream, so the next chain enters
 * as soon as this one has streamed its vectors in (in program order), but a
 * chain that reads another's result waits for that result's write-back:
 *
 *   cycle     s    s+R             s+R+S     +P_mvu    +M*mfu     +wb
 *   chain c   |rd |== stream S ==|~~ MVU ~~|~~ MFUs ~~|~ v_wr ~|   done = s + dur
 *   MVU feed       [ F cycles ]    (F = B * ceil(P/T) * n/L, P = tile passes)
 *   chain c+1      s' = s+S |rd |== stream ==| ...      (structural: one stream)
 *   dependent chain                                          s'' >= done(c)
 *
 *   S   = max(F, B * ceil(out/n) * n/L): the vector stream through the MFUs
 *         and the write-back runs at L elements a cycle, as the tiles read
 *   P_mvu = rf_to_lane + mult + accum + reduction + ceil(log2 T) (mv_mul only)
 *
 * The sequencer decodes instructions at issue_cycles each, in program order,
 * ahead of dispatch; a chain dispatches at the first cycle at which it is
 * decoded, the stream is free and every chain it reads has written back.
 *
 * MAC-unit accounting, every cycle, T*n*L unit-cycles:
 *   feeding cycle of a chain: each active tile engine multiplies lane slice j
 *     (columns jL..jL+L-1 of its native tile): useful MACs -> mvu.busy, the
 *     rest of its n*L -> idle.padding; tile engines without a tile pass this
 *     round -> idle.tiles;
 *   any other cycle, all units under one cause, first that holds:
 *     idle.stream      a chain is in its read or streaming stages without
 *                      tile passes (vector-only chains, the longer output
 *                      stream, the read latency);
 *     idle.fill_drain  every chain dispatched: the last write-backs (the
 *                      pass's fill is idle.issue, then idle.stream);
 *     idle.issue       the next chain is not yet decoded;
 *     idle.dependency  it waits for a write-back it reads.
 */
#include "bw_pipe.h"

#include <stdlib.h>
#include <string.h>

/* Feed windows that may still be open: a window outlives the next
 * dispatch by at most rf_read cycles, and dispatches are >= 1 cycle apart. */
#define BW_WINDOWS 32

typedef struct bw_geo {
	uint32_t cb, passes, rounds; /* native column blocks, tile passes (row-block major), rounds */
	uint64_t feed;		     /* F: cycles the chain feeds the tile engines */
	uint64_t stream;	     /* S */
	uint64_t dur;		     /* dispatch to write-back done */
} bw_geo_t;

typedef struct bw_window {
	uint64_t start, end; /* feed cycles [start, end) */
	uint32_t j;	     /* template index */
} bw_window_t;

struct bw_pipe {
	bw_cfg_t cfg;
	uint64_t q;    /* n/L: cycles per native vector */
	uint64_t macs; /* T*n*L */
	uint64_t *busy, *pad, *tiles, *stream, *drain, *issue, *dep;
	uint64_t *chains, *instrs, *passes, *mfu_ops, *rf_reads, *rf_writes;
	/* per pass */
	const bw_program_t *prog;
	uint32_t steps, batch;
	bw_geo_t geo[BW_MAX_CHAINS];
	uint64_t fin[2][BW_MAX_CHAINS]; /* write-back done, by step parity; 0 = met */
	bw_window_t win[BW_WINDOWS];
	unsigned n_win;
};

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static unsigned ceil_log2(uint32_t x)
{
	unsigned k = 0;
	while ((1ull << k) < x)
		k++;
	return k;
}

int bw_pipe_create(const bw_cfg_t *cfg, stats_t *st, bw_pipe_t **out, sim_err_t *err)
{
	bw_pipe_t *p = calloc(1, sizeof *p);
	if (!p)
		return sim_err(err, SIM_ENOMEM, "brainwave: out of memory");
	p->cfg = *cfg;
	p->q = cfg->native_dim / cfg->lanes;
	p->macs = (uint64_t)cfg->tiles * cfg->native_dim * cfg->lanes;
	struct {
		uint64_t **ptr;
		const char *name;
		stats_unit_t unit;
		const char *desc;
	} c[] = {
		{ &p->busy, "mvu.busy", STATS_LANE_CYCLES,
		  "MAC-unit cycles multiplying a workload weight (useful MACs)" },
		{ &p->pad, "idle.padding", STATS_LANE_CYCLES,
		  "MAC-unit cycles of a tile pass spent on padding to the native dimension" },
		{ &p->tiles, "idle.tiles", STATS_LANE_CYCLES,
		  "MAC-unit cycles of tile engines without a tile pass in a feeding round" },
		{ &p->stream, "idle.stream", STATS_LANE_CYCLES,
		  "MAC-unit cycles while a chain reads or streams without tile passes" },
		{ &p->drain, "idle.fill_drain", STATS_LANE_CYCLES,
		  "MAC-unit cycles of the pipeline drain after the last dispatch of a pass" },
		{ &p->issue, "idle.issue", STATS_LANE_CYCLES, "MAC-unit cycles waiting for the sequencer to decode" },
		{ &p->dep, "idle.dependency", STATS_LANE_CYCLES,
		  "MAC-unit cycles waiting for a write-back the next chain reads" },
		{ &p->chains, "seq.chains", STATS_EVENTS, "instruction chains dispatched" },
		{ &p->instrs, "seq.instructions", STATS_EVENTS, "instructions decoded" },
		{ &p->passes, "mvu.tile_passes", STATS_EVENTS, "native tiles multiplied by a native vector" },
		{ &p->mfu_ops, "mfu.ops", STATS_OPS, "elementwise operations in the MFU chain" },
		{ &p->rf_reads, "rf.reads", STATS_VALUES, "vector elements read by v_rd" },
		{ &p->rf_writes, "rf.writes", STATS_VALUES, "vector elements written by v_wr" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		*c[i].ptr = stats_counter(st, c[i].name, c[i].unit, c[i].desc);
		if (!*c[i].ptr) {
			free(p);
			return sim_err(err, SIM_EINTERNAL, "brainwave: cannot register counter %s", c[i].name);
		}
	}
	*out = p;
	return SIM_OK;
}

void bw_pipe_destroy(bw_pipe_t *p)
{
	free(p);
}

static bw_geo_t geometry(const bw_pipe_t *p, const bw_chain_t *c)
{
	const bw_cfg_t *k = &p->cfg;
	bw_geo_t g;
	memset(&g, 0, sizeof g);
	uint64_t out = (uint64_t)p->batch * ceil_div(c->out_len, k->native_dim) * p->q;
	uint64_t mvu = 0;
	if (c->mv_rows) {
		g.cb = (uint32_t)ceil_div(c->mv_cols, k->native_dim);
		g.passes = (uint32_t)ceil_div(c->mv_rows, k->native_dim) * g.cb;
		g.rounds = (uint32_t)ceil_div(g.passes, k->tiles);
		g.feed = (uint64_t)p->batch * g.rounds * p->q;
		mvu = (uint64_t)k->lat.rf_to_lane + k->lat.mult + k->lat.accum + k->lat.reduction + ceil_log2(k->tiles);
	}
	g.stream = g.feed > out ? g.feed : out;
	g.dur = k->lat.rf_read + g.stream + mvu + (uint64_t)k->mfus * k->lat.mfu + k->lat.write_back;
	return g;
}

/* The expanded program, in order: step k (-1 .. steps-1), template index j. */
typedef struct bw_cursor {
	int64_t k;
	uint32_t j;
} bw_cursor_t;

static bool cur_done(const bw_pipe_t *p, const bw_cursor_t *c)
{
	return c->k >= (int64_t)p->steps;
}

static void cur_skip(const bw_pipe_t *p, bw_cursor_t *c)
{
	while (!cur_done(p, c) && !bw_program_holds(p->prog, c->j, c->k, p->steps)) {
		if (++c->j == p->prog->n) {
			c->j = 0;
			c->k++;
		}
	}
}

static void cur_next(const bw_pipe_t *p, bw_cursor_t *c)
{
	if (++c->j == p->prog->n) {
		c->j = 0;
		c->k++;
	}
	cur_skip(p, c);
}

static uint64_t *fin_row(bw_pipe_t *p, int64_t k)
{
	return p->fin[(k + 1) & 1];
}

/* The cycle at which every chain c reads has written back. */
static uint64_t deps_done(bw_pipe_t *p, const bw_cursor_t *c)
{
	const bw_chain_t *ch = &p->prog->chain[c->j];
	uint64_t t = 0;
	for (unsigned i = 0; i < ch->n_deps; i++) {
		int64_t k = c->k - ch->dep[i].back;
		if (k < -1)
			continue;
		uint64_t f = fin_row(p, k)[ch->dep[i].idx];
		if (f > t)
			t = f;
	}
	return t;
}

/* Dispatches chain c at cycle s: its write-back time, its feed window, and
 * the counters every dispatch adds (the same in both modes). */
static int dispatch(bw_pipe_t *p, const bw_cursor_t *c, uint64_t s, uint64_t *stream_free, uint64_t *front,
		    uint64_t *end, sim_err_t *err)
{
	const bw_chain_t *ch = &p->prog->chain[c->j];
	const bw_geo_t *g = &p->geo[c->j];
	/* The first chain of step k takes over step k-2's row: every chain of
	 * step k-1 has dispatched (program order), and no chain reads further
	 * back than one step. */
	bool first = true;
	for (uint32_t j = 0; j < c->j; j++)
		if (bw_program_holds(p->prog, j, c->k, p->steps))
			first = false;
	if (first)
		memset(fin_row(p, c->k), 0, sizeof p->fin[0]);
	fin_row(p, c->k)[c->j] = s + g->dur;
	if (s + g->dur > *end)
		*end = s + g->dur;
	*stream_free = s + g->stream;
	if (s + p->cfg.lat.rf_read + g->stream > *front)
		*front = s + p->cfg.lat.rf_read + g->stream;
	if (g->feed) {
		if (p->n_win == BW_WINDOWS)
			return sim_err(err, SIM_EINTERNAL, "brainwave: more than %d feed windows open", BW_WINDOWS);
		bw_window_t *w = &p->win[p->n_win++];
		w->start = s + p->cfg.lat.rf_read;
		w->end = w->start + g->feed;
		w->j = c->j;
	}
	*p->chains += 1;
	*p->instrs += ch->instrs;
	*p->passes += (uint64_t)p->batch * g->passes;
	*p->mfu_ops += (uint64_t)p->batch * ch->out_len * ch->mfu_ops;
	*p->rf_reads += (uint64_t)p->batch * (ch->mv_rows ? ch->mv_cols : ch->out_len);
	*p->rf_writes += (uint64_t)p->batch * ch->out_len;
	return SIM_OK;
}

/* Drops the windows that closed at or before t. */
static void prune(bw_pipe_t *p, uint64_t t)
{
	unsigned n = 0;
	for (unsigned i = 0; i < p->n_win; i++)
		if (p->win[i].end > t)
			p->win[n++] = p->win[i];
	p->n_win = n;
}

/* One feeding cycle t of window w, tile pass by tile pass. */
static void feed_cycle(bw_pipe_t *p, const bw_window_t *w, uint64_t t)
{
	const bw_cfg_t *k = &p->cfg;
	const bw_chain_t *ch = &p->prog->chain[w->j];
	const bw_geo_t *g = &p->geo[w->j];
	uint64_t o = (t - w->start) % ((uint64_t)g->rounds * p->q);
	uint64_t round = o / p->q, slice = o % p->q;
	uint64_t first = round * k->tiles, last = first + k->tiles;
	if (last > g->passes)
		last = g->passes;
	uint64_t useful = 0;
	for (uint64_t pass = first; pass < last; pass++) {
		uint64_t ri = pass / g->cb, ci = pass % g->cb;
		uint64_t rows = ch->mv_rows - ri * k->native_dim, cols = ch->mv_cols - ci * k->native_dim;
		if (rows > k->native_dim)
			rows = k->native_dim;
		if (cols > k->native_dim)
			cols = k->native_dim;
		uint64_t lo = slice * k->lanes;
		uint64_t lanes = cols > lo ? cols - lo : 0;
		useful += rows * (lanes < k->lanes ? lanes : k->lanes);
	}
	uint64_t unit = (uint64_t)k->native_dim * k->lanes;
	*p->busy += useful;
	*p->pad += (last - first) * unit - useful;
	*p->tiles += (k->tiles - (last - first)) * unit;
}

/* A whole feed window at once: the sums of feed_cycle() over its cycles. */
static void feed_window(bw_pipe_t *p, uint32_t j)
{
	const bw_cfg_t *k = &p->cfg;
	const bw_chain_t *ch = &p->prog->chain[j];
	const bw_geo_t *g = &p->geo[j];
	uint64_t unit = (uint64_t)k->native_dim * k->lanes, b = p->batch;
	uint64_t useful = b * ch->mv_rows * ch->mv_cols;
	*p->busy += useful;
	*p->pad += b * p->q * g->passes * unit - useful;
	*p->tiles += b * p->q * ((uint64_t)g->rounds * k->tiles - g->passes) * unit;
}

/* Cause of a non-feeding cycle (see the header comment). */
static uint64_t *idle_cause(bw_pipe_t *p, uint64_t t, uint64_t front, bool all_sent, bool decoded)
{
	if (t < front)
		return p->stream;
	if (all_sent)
		return p->drain;
	return decoded ? p->dep : p->issue;
}

static int run_step(bw_pipe_t *p, uint64_t *cycles, sim_err_t *err)
{
	bw_cursor_t dec = { -1, 0 }, disp = { -1, 0 };
	cur_skip(p, &dec);
	cur_skip(p, &disp);
	uint64_t n_dec = 0, n_disp = 0; /* chains decoded / dispatched so far */
	uint64_t dec_left = (uint64_t)p->prog->chain[dec.j].instrs * p->cfg.issue_cycles;
	uint64_t stream_free = 0, front = 0, end = 0;
	for (uint64_t t = 0;; t++) {
		if (!cur_done(p, &disp) && n_disp < n_dec && stream_free <= t && deps_done(p, &disp) <= t) {
			int rc = dispatch(p, &disp, t, &stream_free, &front, &end, err);
			if (rc)
				return rc;
			cur_next(p, &disp);
			n_disp++;
		}
		if (cur_done(p, &disp) && t >= end) {
			*cycles = t;
			return SIM_OK;
		}
		prune(p, t);
		const bw_window_t *w = NULL;
		for (unsigned i = 0; i < p->n_win; i++)
			if (p->win[i].start <= t)
				w = &p->win[i];
		if (w)
			feed_cycle(p, w, t);
		else
			*idle_cause(p, t, front, cur_done(p, &disp), n_disp < n_dec) += p->macs;
		/* the decoder works through cycle t */
		if (!cur_done(p, &dec) && --dec_left == 0) {
			n_dec++;
			cur_next(p, &dec);
			if (!cur_done(p, &dec))
				dec_left = (uint64_t)p->prog->chain[dec.j].instrs * p->cfg.issue_cycles;
		}
	}
}

/* Non-feeding cycles of [a, b) that are not in an open feed window, all
 * before `front` (feed windows end by then). */
static uint64_t unfed(bw_pipe_t *p, uint64_t a, uint64_t b)
{
	uint64_t n = b - a;
	for (unsigned i = 0; i < p->n_win; i++) {
		uint64_t lo = p->win[i].start > a ? p->win[i].start : a;
		uint64_t hi = p->win[i].end < b ? p->win[i].end : b;
		if (hi > lo)
			n -= hi - lo;
	}
	return n;
}

/* Accounts the non-feeding cycles of [a, b), with the dispatched chains so
 * far; `decoded_at`: when the next chain is decoded (UINT64_MAX: none left). */
static void account_gap(bw_pipe_t *p, uint64_t a, uint64_t b, uint64_t front, uint64_t decoded_at)
{
	if (b <= a)
		return;
	uint64_t m = front < b ? front : b;
	if (m > a) {
		*p->stream += unfed(p, a, m) * p->macs;
		a = m;
	}
	if (a >= b)
		return;
	if (decoded_at == UINT64_MAX) {
		*p->drain += (b - a) * p->macs;
		return;
	}
	uint64_t d = decoded_at < a ? a : decoded_at > b ? b : decoded_at;
	*p->issue += (d - a) * p->macs;
	*p->dep += (b - d) * p->macs;
}

static int run_fast(bw_pipe_t *p, uint64_t *cycles, sim_err_t *err)
{
	bw_cursor_t c = { -1, 0 };
	cur_skip(p, &c);
	uint64_t t = 0, decoded = 0, stream_free = 0, front = 0, end = 0;
	while (!cur_done(p, &c)) {
		decoded += (uint64_t)p->prog->chain[c.j].instrs * p->cfg.issue_cycles;
		uint64_t s = decoded;
		if (stream_free > s)
			s = stream_free;
		uint64_t d = deps_done(p, &c);
		if (d > s)
			s = d;
		prune(p, t);
		account_gap(p, t, s, front, decoded);
		int rc = dispatch(p, &c, s, &stream_free, &front, &end, err);
		if (rc)
			return rc;
		if (p->geo[c.j].feed)
			feed_window(p, c.j);
		t = s;
		cur_next(p, &c);
	}
	prune(p, t);
	account_gap(p, t, end, front, UINT64_MAX);
	*cycles = end;
	return SIM_OK;
}

int bw_pipe_run(bw_pipe_t *p, const bw_program_t *prog, uint32_t steps, uint32_t batch, bool fast, uint64_t *cycles,
		uint64_t *useful, uint64_t *issued, sim_err_t *err)
{
	p->prog = prog;
	p->steps = steps;
	p->batch = batch;
	p->n_win = 0;
	memset(p->fin, 0, sizeof p->fin);
	for (uint32_t j = 0; j < prog->n; j++)
		p->geo[j] = geometry(p, &prog->chain[j]);
	uint64_t busy = *p->busy, pad = *p->pad;
	int rc = fast ? run_fast(p, cycles, err) : run_step(p, cycles, err);
	if (rc)
		return rc;
	*useful = *p->busy - busy;
	*issued = *useful + *p->pad - pad;
	return SIM_OK;
}
