#include "cellu.h"

#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>

#include "../arith/act.h"
#include "cell.h"

/* The cell updater's function evaluations other than sigmoid and tanh
 * (those run on its tanh units, a sigmoid as (1 + tanh(x/2))/2, and count
 * in cell.tanh), in act_fn_t order from ACT_RELU. Static text: the
 * registry keeps it by pointer. */
static const struct {
	const char *name, *desc;
} fn_counter[ACT_N_FN - 2] = {
	{ "cell.relu", "relus in the cell updater (a layer's act_f, act_g, act_h)" },
	{ "cell.leaky_relu", "leaky relus in the cell updater" },
	{ "cell.hard_sigmoid", "hard sigmoids in the cell updater" },
	{ "cell.affine", "affine functions in the cell updater" },
	{ "cell.thresholded_relu", "thresholded relus in the cell updater" },
	{ "cell.softsign", "softsigns in the cell updater" },
	{ "cell.scaled_tanh", "scaled tanhs in the cell updater" },
	{ "cell.elu", "elus in the cell updater" },
	{ "cell.softplus", "softpluses in the cell updater" },
};

typedef struct cellu_done {
	uint64_t ready;
	uint32_t step, e0, n;
} cellu_done_t;

struct cellu {
	cell_cfg_t cfg;
	uint32_t latency; /* this layer's depth (cellu_begin_layer) */
	const layer_cfg_t *lc;
	uint32_t hidden, timesteps;
	/* H * B when every sequence runs every step (no sequence_lens), else
	 * 0: the elements of any step, kept so the common case reads no
	 * workload (asked several times a cycle) */
	uint32_t elems_all;
	uint32_t elems; /* of the step being read (c->step): H * its active sequences */
	uint64_t now;
	uint32_t step, taken;		/* step being read, elements read of it */
	uint32_t w_step[2], w_count[2]; /* h written, per step parity */
	int64_t full_through;		/* last step whose h is fully written */
	bool done_layer;
	cellu_done_t *q;
	cellu_sink_fn sink;
	void *sink_ctx;
	trace_t *trace;
	const gbuf_t *in; /* its input, the gate buffer (cellu_connect) */
	uint64_t step_start[2];
	uint32_t cap, head, count;
	unsigned mults, adds, tanhs, cread, cwrite, hread;
	unsigned fn_evals[ACT_N_FN - 2]; /* per element, from ACT_RELU (tanhs: sigmoid and tanh) */
	uint64_t *fns[ACT_N_FN - 2];
	bool carried; /* reads c_{t-1} or h_{t-1} per element: waits until it is written */
	/* Counted every cycle: plain fields the statistics registry reads
	 * (stats_field) until the run, or cellu_destroy, seals it. */
	stats_t *st;
	uint64_t busy, starve, wait_c;
	/* Elements read since the last cellu_flush: the per-element counts
	 * below are this times the layer's per-element work, added at the
	 * flush rather than counter by counter every cycle. */
	uint64_t pend;
	uint64_t *updates, *nmul, *nadd, *ntanh, *ih_w, *ih_r, *c_r, *c_w;
};

static bool cellu_fn_counters(cellu_t *c, stats_t *st)
{
	for (unsigned f = 0; f < ACT_N_FN - 2; f++)
		if (!(c->fns[f] = stats_counter(st, fn_counter[f].name, STATS_OPS, fn_counter[f].desc)))
			return false;
	return true;
}

cellu_t *cellu_create(const cell_cfg_t *cfg, stats_t *st)
{
	/* tanh_latency must be resolved (resolve_hw); the depth is at least it. */
	if (!cfg->lanes || !cfg->tanh_latency)
		return NULL;
	cellu_t *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->cfg = *cfg;
	/* One entry started per cycle, for the deepest layer (a peephole one). */
	c->cap = cfg->latency + 2 * cfg->tanh_latency + cfg->peephole_latency + 2;
	c->q = malloc(sizeof *c->q * c->cap);
	c->st = st;
	bool counted = stats_field(st, "cell.busy", STATS_CYCLES, "cycles the cell updater read elements", &c->busy) &&
		       stats_field(st, "cell.starve", STATS_CYCLES, "cycles with no ready element", &c->starve);
	c->updates = stats_counter(st, "cell.updates", STATS_VALUES, "hidden elements updated");
	c->nmul = stats_counter(st, "cell.mults", STATS_OPS, "multiplies in the cell updater");
	c->nadd = stats_counter(st, "cell.adds", STATS_OPS, "adds in the cell updater");
	c->ntanh = stats_counter(st, "cell.tanh", STATS_OPS,
				 "tanhs in the cell updater (and sigmoids, evaluated on its tanh units)");
	c->ih_w = stats_counter(st, "ihbuf.writes", STATS_VALUES, "h elements written to the I/H buffer");
	c->ih_r = stats_counter(st, "ihbuf.reads", STATS_VALUES, "elements read from the I/H buffer");
	c->c_r = stats_counter(st, "cellbuf.reads", STATS_VALUES, "c elements read");
	c->c_w = stats_counter(st, "cellbuf.writes", STATS_VALUES, "c elements written");
	counted = counted && stats_field(st, "cell.wait_recurrence", STATS_CYCLES,
					 "cycles with ready elements whose c or h of the previous step was not yet "
					 "written (the element-wise recurrence binds: qrnn)",
					 &c->wait_c);
	if (!c->q || !counted || !c->updates || !c->nmul || !c->nadd || !c->ntanh || !c->ih_w || !c->ih_r || !c->c_r ||
	    !c->c_w || !cellu_fn_counters(c, st)) {
		cellu_destroy(c);
		return NULL;
	}
	return c;
}

void cellu_destroy(cellu_t *c)
{
	if (!c)
		return;
	stats_seal(c->st); /* its counters are fields of c */
	free(c->q);
	free(c);
}

/* Sequences active in step t: the whole batch unless the layer has
 * sequence_lens. */
static uint32_t cellu_active(const cellu_t *c, uint32_t t)
{
	return c->lc->sequence_lens.n ? workload_active(c->lc, t) : c->lc->batch_size;
}

/* Elements of step t (asked every cycle, so the common case is a field). */
static uint32_t cellu_elems(const cellu_t *c, uint32_t t)
{
	return c->elems_all ? c->elems_all : c->hidden * cellu_active(c, t);
}

void cellu_flush(cellu_t *c)
{
	uint64_t n = c->pend;
	if (!n)
		return;
	*c->updates += n;
	*c->nmul += n * c->mults;
	*c->nadd += n * c->adds;
	*c->ntanh += n * c->tanhs;
	for (unsigned f = 0; f < ACT_N_FN - 2; f++)
		*c->fns[f] += n * c->fn_evals[f];
	*c->ih_w += n;
	*c->ih_r += n * c->hread;
	*c->c_r += n * c->cread;
	*c->c_w += n * c->cwrite;
	c->pend = 0;
}

void cellu_begin_layer(cellu_t *c, const layer_cfg_t *lc)
{
	cellu_flush(c); /* the previous layer's elements, at its per-element work */
	const cell_desc_t *d = cell_get(lc->cell);
	const cell_ops_t *ops = &cell_variant(d, lc->gru_form)->ops;
	/* The arithmetic around one tanh; a peephole cell's i, f, o sigmoids
	 * add a second tanh pass and its own arithmetic (docs/hardware.md §2.5). */
	c->latency = c->cfg.latency + c->cfg.tanh_latency +
		     (d->flags & CELL_F_PEEPHOLE ? c->cfg.peephole_latency + c->cfg.tanh_latency : 0);
	c->lc = lc;
	c->hidden = lc->hidden_size;
	c->timesteps = lc->timesteps;
	c->elems_all = lc->sequence_lens.n ? 0 : lc->hidden_size * lc->batch_size;
	c->elems = cellu_elems(c, 0);
	c->step = c->taken = 0;
	c->w_step[0] = c->w_step[1] = UINT32_MAX;
	c->w_count[0] = c->w_count[1] = 0;
	c->full_through = -1;
	c->done_layer = false;
	c->head = c->count = 0;
	/* Operations per element: the cell's (sim/cell/cell.h). */
	c->mults = ops->mults, c->adds = ops->adds, c->tanhs = 0;
	/* Each role's evaluations by the function the layer gives it. */
	for (unsigned f = 0; f < ACT_N_FN - 2; f++)
		c->fn_evals[f] = 0;
	for (unsigned r = 0; r < LAYER_ROLES; r++) {
		act_fn_t fn = (act_fn_t)(workload_role_act(lc, r) - 1);
		if (fn == ACT_SIGMOID || fn == ACT_TANH)
			c->tanhs += ops->role_evals[r];
		else
			c->fn_evals[fn - 2] += ops->role_evals[r];
	}
	c->cread = ops->c_reads, c->cwrite = ops->c_writes, c->hread = ops->h_reads;
	c->carried = ops->c_reads || ops->h_reads;
}

/* cellu_h_written, inlined where the unit asks it itself every tick. */
static inline uint32_t cellu_written_of(const cellu_t *c, uint32_t step)
{
	unsigned p = step & 1;
	if ((int64_t)step <= c->full_through)
		return cellu_elems(c, step);
	return c->w_step[p] == step ? c->w_count[p] : 0;
}

/* Of the next `want` elements of the step being read, how many have their
 * c_{t-1} (or h_{t-1}) written: element j*n + b of step t is j*n' + b of
 * step t-1 (n, n' their active sequences), and step t-1's are written in
 * order, a prefix. A cell whose U.h waits for all of h_{t-1} never waits
 * here; a qrnn, whose products run ahead, does. */
static uint32_t cellu_carried(const cellu_t *c, uint32_t want)
{
	if (!c->carried || c->step == 0 || !want)
		return want;
	/* Every step the same elements (no sequence_lens) and the last step
	 * all written: each of the step's elements has its c_{t-1} (the
	 * answer below, without asking the per-step counts). */
	if (c->elems_all && (int64_t)c->step - 1 <= c->full_through)
		return want;
	uint32_t done = cellu_written_of(c, c->step - 1);
	uint32_t n = cellu_active(c, c->step), np = cellu_active(c, c->step - 1);
	if (n == np)
		return done > c->taken ? (done - c->taken < want ? done - c->taken : want) : 0;
	uint32_t k = 0;
	for (; k < want; k++) {
		uint32_t e = c->taken + k;
		if ((e / n) * np + e % n >= done)
			break;
	}
	return k;
}

/* Step `step`'s slice on the trace, once its last element is written. Out
 * of line: its buffer and calls cost cellu_tick a stack frame and
 * register saves on every tick, traced or not. */
static __attribute__((noinline)) void cellu_trace_step(const cellu_t *c, uint32_t step, uint32_t elems)
{
	char args[64];
	snprintf(args, sizeof args, "\"step\":%u,\"elements\":%u", step, elems);
	trace_slice(c->trace, TRACE_CELL, "cell update", c->step_start[step & 1], c->now + 1, args);
}

static void cellu_written(cellu_t *c, uint32_t step, uint32_t n)
{
	unsigned p = step & 1;
	if (c->w_step[p] != step) {
		c->w_step[p] = step;
		c->w_count[p] = 0;
	}
	c->w_count[p] += n;
	uint32_t elems = cellu_elems(c, step);
	if (c->w_count[p] == elems) {
		c->full_through = step; /* steps finish in order */
		if (c->trace)
			cellu_trace_step(c, step, elems);
	}
	if (step + 1 == c->timesteps && c->w_count[p] == elems)
		c->done_layer = true;
}

/* cellu_quiet_for's answer given whether ready elements are left unread:
 * 0 when they are, else the cycles until the next element is written. */
static inline uint64_t cellu_quiet(const cellu_t *c, bool unread)
{
	if (unread)
		return 0;
	return c->count ? c->q[c->head].ready - c->now : UINT64_MAX;
}

/* Forced inline (across units, by the link-time optimizer) into the
 * engine's two cycle copies: at 64K the tick runs on nine cycles in ten,
 * and out of line its call, prologue and epilogue and the registers it
 * saved cost about 16 instructions a cycle (docs/performance.md, "What
 * the thirteenth round removed"). The MFU's tick, forced inline the same
 * way, cost the engine's loop more than its call. */
inline __attribute__((always_inline)) cellu_tick_t cellu_tick(cellu_t *c, gbuf_t *in)
{
	while (c->count && c->q[c->head].ready <= c->now) {
		const cellu_done_t *d = &c->q[c->head];
		if (c->sink)
			c->sink(c->sink_ctx, d->step, d->e0, d->n);
		cellu_written(c, d->step, d->n);
		c->head = c->head + 1 == c->cap ? 0 : c->head + 1;
		c->count--;
	}
	uint32_t avail = c->step < c->timesteps ? gbuf_ready(in, c->step) - c->taken : 0;
	uint32_t ready = avail < c->cfg.lanes ? avail : c->cfg.lanes;
	uint32_t take = cellu_carried(c, ready);
	if (ready && !take)
		c->wait_c++;
	/* Ready elements left unread: the gate buffer's ready prefix does not
	 * move within the tick (only the MFU writes it), so what cellu_quiet_for
	 * would read after the tick is this, unless the step moves on. */
	uint32_t left = avail - take;
	if (take) {
		if (c->taken == 0)
			c->step_start[c->step & 1] = c->now;
		gbuf_consume(in, c->step, take);
		uint32_t tail = (c->head + c->count) % c->cap;
		c->q[tail].ready = c->now + c->latency;
		c->q[tail].step = c->step;
		c->q[tail].e0 = c->taken;
		c->q[tail].n = take;
		c->count++;
		c->taken += take;
		c->pend += take;
		c->busy++;
		if (c->taken == c->elems) {
			c->step++;
			c->taken = 0;
			c->elems = cellu_elems(c, c->step);
			left = c->step < c->timesteps ? gbuf_ready(in, c->step) : 0;
		}
	} else {
		c->starve++;
	}
	c->now++;
	/* cellu_quiet_for's answer, from what the tick already read */
	return (cellu_tick_t){ .quiet = cellu_quiet(c, left != 0), .took = take != 0 };
}

uint32_t cellu_h_written(const cellu_t *c, uint32_t step)
{
	return cellu_written_of(c, step);
}

bool cellu_layer_done(const cellu_t *c)
{
	return c->done_layer;
}

bool cellu_idle(const cellu_t *c)
{
	return c->count == 0;
}

void cellu_set_sink(cellu_t *c, cellu_sink_fn fn, void *ctx)
{
	c->sink = fn;
	c->sink_ctx = ctx;
}

uint64_t cellu_quiet_for(const cellu_t *c, const gbuf_t *in)
{
	return cellu_quiet(c, c->step < c->timesteps && gbuf_ready(in, c->step) > c->taken);
}

void cellu_skip(cellu_t *c, uint64_t k)
{
	c->starve += k;
	c->now += k;
}

uint64_t cellu_now(const cellu_t *c)
{
	return c->now;
}

void cellu_connect(cellu_t *c, const gbuf_t *in)
{
	c->in = in;
}

void cellu_set_trace(cellu_t *c, trace_t *t)
{
	c->trace = t;
}

/* The updater's state: the step it reads, h written per step parity, and
 * the ring of elements in flight. */
static const snap_field_t cellu_fields[] = {
	SNAP_FIELD(struct cellu, now, SNAP_TIME),
	SNAP_FIELD(struct cellu, step, SNAP_STEP),
	SNAP_FIELD(struct cellu, taken, SNAP_PLAIN),
	SNAP_FIELD_NONE_MAX(struct cellu, w_step[0], SNAP_STEP),
	SNAP_FIELD_IF_SET(struct cellu, w_count[0], SNAP_PLAIN, w_step[0]),
	SNAP_FIELD_NONE_MAX(struct cellu, w_step[1], SNAP_STEP),
	SNAP_FIELD_IF_SET(struct cellu, w_count[1], SNAP_PLAIN, w_step[1]),
	SNAP_FIELD(struct cellu, full_through, SNAP_STEP),
	SNAP_FIELD(struct cellu, done_layer, SNAP_PLAIN),
};
static const snap_field_t done_fields[] = {
	SNAP_FIELD(cellu_done_t, ready, SNAP_TIME),
	SNAP_FIELD(cellu_done_t, step, SNAP_STEP),
	SNAP_FIELD(cellu_done_t, e0, SNAP_PLAIN),
	SNAP_FIELD(cellu_done_t, n, SNAP_PLAIN),
};

void cellu_snapshot(const cellu_t *c, snap_t *s)
{
	snap_fields(s, c, (snap_table_t)SNAP_TABLE(cellu_fields));
	snap_ring(s, c->q, sizeof *c->q, c->head, c->count, c->cap, (snap_table_t)SNAP_TABLE(done_fields));
}

void cellu_shift(cellu_t *c, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	snap_fields_shift(c, (snap_table_t)SNAP_TABLE(cellu_fields), cycles, steps, ids);
	snap_ring_shift(c->q, sizeof *c->q, c->head, c->count, c->cap, (snap_table_t)SNAP_TABLE(done_fields), cycles,
			steps, ids);
}

/* The unit interface (unit.h). */
static void cellu_unit_snapshot(const void *u, snap_t *s)
{
	cellu_snapshot(u, s);
}

static void cellu_unit_shift(void *u, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	cellu_shift(u, cycles, steps, ids);
}

static uint64_t cellu_unit_quiet_for(const void *u)
{
	const cellu_t *c = u;
	return cellu_quiet_for(c, c->in);
}

static void cellu_unit_skip(void *u, uint64_t k)
{
	cellu_skip(u, k);
}

static bool cellu_unit_idle(const void *u)
{
	return cellu_idle(u);
}

const unit_ops_t cellu_unit = {
	.name = "cellu",
	.snapshot = cellu_unit_snapshot,
	.shift = cellu_unit_shift,
	.quiet_for = cellu_unit_quiet_for,
	.skip = cellu_unit_skip,
	.idle = cellu_unit_idle,
};
