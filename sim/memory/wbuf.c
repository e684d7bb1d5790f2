#include "wbuf.h"

#include <stdlib.h>
#include <string.h>

struct wbuf {
	wbuf_cfg_t cfg;
	dram_t *dram;
	bool port_limited;
	uint64_t tokens, token_cap, full_tile;
	/* plan */
	wbuf_layer_plan_t *plan;
	uint32_t nlayers;
	uint64_t *load_base, *stream_base;
	uint64_t load_total, load_freed;
	bool all_on_chip;
	/* current layer */
	uint32_t layer;
	uint32_t sets; /* the layer's weight sets (wbuf_begin_layer) */
	const sched_prog_t *prog;
	uint64_t r_eff, s_step, stream_consumed, stream_limit, last_req;
	uint64_t peak;
	bool all_ready; /* this layer: every tile readable at any time (resident, loaded, uncapped) */
	/* counters, plain fields (stats_field): bumped per tile read */
	uint64_t row_reads, read_bytes, write_bytes;
	stats_t *st;
};

wbuf_t *wbuf_create(const wbuf_cfg_t *cfg, uint32_t vs_units, uint32_t vs_width, dram_t *dram, stats_t *st)
{
	wbuf_t *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->cfg = *cfg;
	w->dram = dram;
	uint64_t full = (uint64_t)vs_units * vs_width * TILE_WEIGHT_BYTES; /* a full fp16 tile per cycle */
	w->port_limited = cfg->bytes_per_cycle && cfg->bytes_per_cycle < full;
	w->full_tile = full;
	w->token_cap = full;
	w->st = st;
	if (!stats_field(st, "wbuf.row_reads", STATS_EVENTS, "K-wide bank rows read", &w->row_reads) ||
	    !stats_field(st, "wbuf.read_bytes", STATS_BYTES, "bytes read from the weight buffer", &w->read_bytes) ||
	    !stats_field(st, "wbuf.write_bytes", STATS_BYTES, "bytes written into the weight buffer from DRAM",
			 &w->write_bytes)) {
		wbuf_destroy(w);
		return NULL;
	}
	return w;
}

void wbuf_destroy(wbuf_t *w)
{
	if (!w)
		return;
	stats_seal(w->st); /* its counters are fields of w */
	free(w->plan);
	free(w->load_base);
	free(w->stream_base);
	free(w);
}

int wbuf_plan(wbuf_t *w, const wbuf_layer_plan_t *layers, uint32_t n, bool all_on_chip, bool warm)
{
	w->plan = malloc(sizeof *w->plan * n);
	w->load_base = calloc(n + 1, sizeof(uint64_t));
	w->stream_base = calloc(n + 1, sizeof(uint64_t));
	if (!w->plan || !w->load_base || !w->stream_base)
		return SIM_ENOMEM;
	memcpy(w->plan, layers, sizeof *w->plan * n);
	w->nlayers = n;
	w->all_on_chip = all_on_chip;
	/* Load order is layer order: a layer's resident weights sit in the
	 * DRAM_LOAD stream after those of the layers before it. */
	for (uint32_t l = 0; l < n; l++)
		w->load_base[l + 1] =
			w->load_base[l] + (layers[l].load_live || (l == 0 && warm) ? layers[l].resident : 0);
	w->load_total = w->load_base[n];
	if (warm && n)
		dram_preload(w->dram, DRAM_LOAD, layers[0].load_live ? 0 : w->load_base[1]);
	w->last_req = dram_requested(w->dram, DRAM_STREAM) + dram_requested(w->dram, DRAM_LOAD);
	return SIM_OK;
}

/* How far layer loads may run: the buffer holds the loaded-but-not-freed
 * resident weights of all layers, plus the staging area while the current
 * layer streams. A policy that keeps every layer on chip has no bound. */
static void wbuf_load_window(wbuf_t *w)
{
	uint64_t lim = w->load_total;
	if (!w->all_on_chip) {
		uint64_t room = w->cfg.bytes - (w->s_step ? w->cfg.stage_bytes : 0);
		if (w->load_freed + room < lim)
			lim = w->load_freed + room;
	}
	dram_set_limit(w->dram, DRAM_LOAD, lim);
}

void wbuf_begin_layer(wbuf_t *w, uint32_t l, const sched_prog_t *prog, uint32_t sets)
{
	w->layer = l;
	w->prog = prog;
	w->sets = sets;
	const wbuf_layer_plan_t *p = &w->plan[l];
	/* The first tile that does not fit whole in the resident space starts
	 * the streamed part: tiles are fetched whole. */
	w->r_eff = prog->step_bytes;
	if (prog->tile_end_max * sets > p->resident) /* else every tile fits */
		for (uint32_t t = 0; t < prog->ntile; t++)
			if ((prog->tile[t].off + prog->tile[t].bytes) * sets > p->resident) {
				w->r_eff = prog->tile[t].off;
				break;
			}
	w->s_step = prog->step_bytes - w->r_eff;
	/* The bucket holds at least the largest read of the layer: a tile of
	 * narrow weights with its scales can exceed a full fp16 tile on a small
	 * array, and a bucket smaller than a read would never serve it. */
	w->token_cap = prog->bank_bytes_max > w->full_tile ? prog->bank_bytes_max : w->full_tile;
	w->stream_base[l + 1] = w->stream_base[l] + w->s_step * p->timesteps;
	w->stream_consumed = 0;
	uint64_t layer_stream = w->s_step * p->timesteps;
	uint64_t ahead = w->cfg.stage_bytes < layer_stream ? w->cfg.stage_bytes : layer_stream;
	w->stream_limit = w->stream_base[l] + ahead;
	dram_set_limit(w->dram, DRAM_STREAM, w->stream_limit);
	w->all_ready = false;
	wbuf_load_window(w);
}

void wbuf_end_layer(wbuf_t *w, uint32_t l)
{
	w->load_freed += w->load_base[l + 1] - w->load_base[l];
	w->s_step = 0; /* the layer's staging area is free too */
	wbuf_load_window(w);
}

/* Where the resident tile m of weight set `set` ends in the layer's load:
 * the sets of a tile sit side by side, so both directions' first tiles
 * arrive first. */
static uint64_t wbuf_load_end(const wbuf_t *w, const tile_meta_t *m, uint32_t set)
{
	return w->load_base[w->layer] + m->off * w->sets + (uint64_t)(set + 1) * m->bytes;
}

wbuf_wait_t wbuf_tile_ready(const wbuf_t *w, uint32_t seg, uint32_t c, uint32_t step, uint32_t set)
{
	if (w->all_ready)
		return WBUF_READY;
	const tile_meta_t *m = sched_tile(w->prog, &w->prog->seg[seg], c);
	uint64_t off = m->off, bytes = m->bytes;
	if (off >= w->r_eff) {
		uint64_t end = w->stream_base[w->layer] + (uint64_t)step * w->s_step + (off - w->r_eff) + bytes;
		if (dram_arrived(w->dram, DRAM_STREAM) < end)
			return WBUF_WAIT_DRAM;
	} else if (w->load_base[w->layer + 1] > w->load_base[w->layer]) {
		if (dram_arrived(w->dram, DRAM_LOAD) < wbuf_load_end(w, m, set))
			return WBUF_WAIT_DRAM;
	}
	if (w->port_limited && w->tokens < m->bank_bytes)
		return WBUF_WAIT_PORT;
	return WBUF_READY;
}

bool wbuf_tile_need(const wbuf_t *w, uint32_t seg, uint32_t c, uint32_t step, uint32_t set, int *stream, uint64_t *pos)
{
	if (w->all_ready)
		return false;
	const tile_meta_t *m = sched_tile(w->prog, &w->prog->seg[seg], c);
	uint64_t off = m->off, bytes = m->bytes;
	if (off >= w->r_eff) {
		*stream = DRAM_STREAM;
		*pos = w->stream_base[w->layer] + (uint64_t)step * w->s_step + (off - w->r_eff) + bytes;
	} else if (w->load_base[w->layer + 1] > w->load_base[w->layer]) {
		*stream = DRAM_LOAD;
		*pos = wbuf_load_end(w, m, set);
	} else {
		return false;
	}
	return dram_arrived(w->dram, *stream) < *pos;
}

bool wbuf_seg_in_window(const wbuf_t *w, uint32_t seg, uint32_t step)
{
	const sched_seg_t *s = &w->prog->seg[seg];
	const tile_meta_t *m = sched_tile(w->prog, s, s->ntiles - 1);
	if (m->off < w->r_eff)
		return true;
	uint64_t end = w->stream_base[w->layer] + (uint64_t)step * w->s_step + (m->off - w->r_eff) + m->bytes;
	return end <= w->stream_limit;
}

uint64_t wbuf_tile_read(wbuf_t *w, const tile_meta_t *m)
{
	uint64_t bb = m->bank_bytes;
	w->row_reads += m->bank_rows;
	w->read_bytes += bb;
	if (bb > w->peak)
		w->peak = bb;
	if (w->port_limited)
		w->tokens -= bb;
	if (m->off >= w->r_eff) {
		w->stream_consumed += m->bytes;
		uint64_t layer_stream = w->s_step * w->plan[w->layer].timesteps;
		uint64_t ahead = w->stream_consumed + w->cfg.stage_bytes;
		w->stream_limit = w->stream_base[w->layer] + (ahead < layer_stream ? ahead : layer_stream);
		dram_set_limit(w->dram, DRAM_STREAM, w->stream_limit);
	}
	return bb;
}

void wbuf_tile_read_all_ready(wbuf_t *w, const tile_meta_t *m)
{
	w->row_reads += m->bank_rows;
	w->read_bytes += m->bank_bytes;
	if (m->bank_bytes > w->peak)
		w->peak = m->bank_bytes;
}

/* A compacted tile's bank bytes: tile c's, times cols / its columns. */
static uint64_t wbuf_cols_bytes(const tile_meta_t *m, uint32_t cols)
{
	return m->cols ? (uint64_t)m->bank_bytes * cols / m->cols : 0;
}

wbuf_wait_t wbuf_cols_ready(const wbuf_t *w, uint32_t seg, uint32_t c, uint32_t step, uint32_t cols)
{
	wbuf_wait_t r = wbuf_tile_ready(w, seg, c, step, 0); /* a delta layer has one weight set */
	if (r != WBUF_WAIT_PORT)
		return r;
	const tile_meta_t *m = sched_tile(w->prog, &w->prog->seg[seg], c);
	return w->tokens < wbuf_cols_bytes(m, cols) ? WBUF_WAIT_PORT : WBUF_READY;
}

uint64_t wbuf_cols_read(wbuf_t *w, uint32_t seg, uint32_t c, uint32_t cols)
{
	const tile_meta_t *m = sched_tile(w->prog, &w->prog->seg[seg], c);
	uint64_t rows = m->cols ? (uint64_t)m->bank_rows * cols / m->cols : 0;
	uint64_t bb = wbuf_cols_bytes(m, cols);
	w->row_reads += rows;
	w->read_bytes += bb;
	if (bb > w->peak)
		w->peak = bb;
	if (w->port_limited)
		w->tokens -= bb;
	return bb;
}

void wbuf_tick(wbuf_t *w)
{
	/* Once the layer's weights are all in and the port is uncapped, no
	 * tile waits again until the next layer: remember it, so the per-tile
	 * check is one branch. DRAM writes are counted as they happen. */
	if (!w->all_ready && !w->port_limited && wbuf_quiet(w))
		w->all_ready = true;
	if (w->port_limited) {
		w->tokens += w->cfg.bytes_per_cycle;
		if (w->tokens > w->token_cap)
			w->tokens = w->token_cap;
	}
	uint64_t req = dram_requested(w->dram, DRAM_STREAM) + dram_requested(w->dram, DRAM_LOAD);
	w->write_bytes += req - w->last_req;
	w->last_req = req;
}

bool wbuf_all_ready(const wbuf_t *w)
{
	return w->all_ready;
}

uint64_t wbuf_peak_bytes(const wbuf_t *w)
{
	return w->peak;
}

bool wbuf_settled(const wbuf_t *w)
{
	return w->all_ready && !w->port_limited &&
	       w->last_req == dram_requested(w->dram, DRAM_STREAM) + dram_requested(w->dram, DRAM_LOAD);
}

bool wbuf_quiet(const wbuf_t *w)
{
	if (w->all_ready)
		return !dram_busy(w->dram);
	if (w->port_limited || w->r_eff != w->prog->step_bytes || dram_busy(w->dram))
		return false;
	uint64_t need = w->load_base[w->layer + 1];
	return need == w->load_base[w->layer] || dram_arrived(w->dram, DRAM_LOAD) >= need;
}

void wbuf_read_run(wbuf_t *w, uint32_t seg, uint32_t c0, uint32_t n)
{
	const tile_meta_t *m = sched_tile(w->prog, &w->prog->seg[seg], c0);
	uint64_t rows = 0, bytes = 0, peak = w->peak;
	for (uint32_t i = 0; i < n; i++) {
		rows += m[i].bank_rows;
		bytes += m[i].bank_bytes;
		peak = m[i].bank_bytes > peak ? m[i].bank_bytes : peak;
	}
	w->row_reads += rows;
	w->read_bytes += bytes;
	w->peak = peak;
}

void wbuf_count_reads(wbuf_t *w, uint64_t rows, uint64_t bytes, uint64_t peak)
{
	w->row_reads += rows;
	w->read_bytes += bytes;
	if (peak > w->peak)
		w->peak = peak;
}

void wbuf_skip(wbuf_t *w, uint64_t k)
{
	if (w->port_limited) {
		uint64_t room = w->token_cap - w->tokens;
		w->tokens += k * w->cfg.bytes_per_cycle < room ? k * w->cfg.bytes_per_cycle : room;
	}
	uint64_t req = dram_requested(w->dram, DRAM_STREAM) + dram_requested(w->dram, DRAM_LOAD);
	w->write_bytes += req - w->last_req;
	w->last_req = req;
}

bool wbuf_jump_ok(const wbuf_t *w)
{
	if (wbuf_quiet(w) && dram_steady(w->dram))
		return true;
	/* Streaming: what the layer streams repeats every step (the same
	 * tiles, s_step bytes), so the buffer's and the channel's state, taken
	 * relative to the step's position in the stream, can repeat too; the
	 * snapshots decide. The loads must be over: they do not repeat. */
	return w->s_step && w->sets == 1 && dram_stream_idle(w->dram, DRAM_LOAD);
}

uint32_t wbuf_jump_margin(const wbuf_t *w)
{
	if (!w->s_step)
		return 0;
	return (uint32_t)((w->cfg.stage_bytes + w->s_step - 1) / w->s_step) + 1;
}

/* The stream's position at the start of step `step`, as if every step
 * consumed s_step bytes: the reference byte totals are taken against. */
static uint64_t wbuf_step_pos(const wbuf_t *w, uint64_t step)
{
	return w->stream_base[w->layer] + step * w->s_step;
}

static void wbuf_snapshot(const wbuf_t *w, snap_t *s)
{
	uint64_t pos = wbuf_step_pos(w, s->step);
	snap_put(s, w->all_ready);
	snap_put(s, w->tokens);
	snap_put(s, w->stream_consumed - s->step * w->s_step);
	snap_put(s, w->stream_limit - pos);
	snap_put(s, w->last_req - pos);
	dram_snapshot(w->dram, s, DRAM_STREAM, pos);
}

static void wbuf_shift(wbuf_t *w, uint32_t steps)
{
	uint64_t bytes = (uint64_t)steps * w->s_step;
	w->stream_consumed += bytes;
	w->stream_limit += bytes;
	w->last_req += bytes;
	dram_shift_stream(w->dram, 0, DRAM_STREAM, bytes); /* the channel's clock is its own shift's */
}

/* The unit interface (unit.h): the buffer's state is the plan's and its
 * layer's, which never moves, and the stream's byte positions, which a
 * jump over streamed steps moves by s_step a step; it has a clock for the
 * port and the DRAM write count. The snapshot carries the channel's state
 * too, because only the buffer knows where in the stream a step starts. */
static void wbuf_unit_skip(void *u, uint64_t k)
{
	wbuf_skip(u, k);
}

static void wbuf_unit_snapshot(const void *u, snap_t *s)
{
	wbuf_snapshot(u, s);
}

static void wbuf_unit_shift(void *u, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	(void)cycles; /* the port's bucket holds no time; the DRAM shifts its own clock */
	(void)ids;
	wbuf_shift(u, steps);
}

const unit_ops_t wbuf_unit = {
	.name = "wbuf",
	.snapshot = wbuf_unit_snapshot,
	.shift = wbuf_unit_shift,
	.skip = wbuf_unit_skip,
};
