#include "mfu.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "../arith/act.h"
#include "../cell/cell.h"

/* Evaluations of each function, in act_fn_t order (docs/hardware.md §2.4
 * lists what each needs; docs/energy.md prices each). The registry keeps
 * the descriptions by pointer: static text. */
static const struct {
	const char *name, *desc;
} fn_counter[ACT_N_FN] = {
	{ "mfu.sigmoid", "sigmoids evaluated by the MFUs (role f or g selects the function)" },
	{ "mfu.tanh", "tanhs evaluated by the MFUs (role f or g selects the function)" },
	{ "mfu.relu", "relus evaluated by the MFUs (a layer's act_f, act_g)" },
	{ "mfu.leaky_relu", "leaky relus evaluated by the MFUs (a layer's act_f, act_g)" },
	{ "mfu.hard_sigmoid", "hard sigmoids evaluated by the MFUs (a layer's act_f, act_g)" },
	{ "mfu.affine", "affine functions evaluated by the MFUs (a layer's act_f, act_g)" },
	{ "mfu.thresholded_relu", "thresholded relus evaluated by the MFUs (a layer's act_f, act_g)" },
	{ "mfu.softsign", "softsigns evaluated by the MFUs (a layer's act_f, act_g)" },
	{ "mfu.scaled_tanh", "scaled tanhs evaluated by the MFUs (a layer's act_f, act_g)" },
	{ "mfu.elu", "elus evaluated by the MFUs (a layer's act_f, act_g)" },
	{ "mfu.softplus", "softpluses evaluated by the MFUs (a layer's act_f, act_g)" },
};

typedef struct mfu_done {
	uint64_t start, ready;
	mfu_packet_t p;
} mfu_done_t;

struct mfu {
	mfu_cfg_t cfg;
	const cell_variant_t *cell; /* the layer's cell: what each gate evaluates */
	int fn[CELL_MAX_GATES];	    /* the act_fn_t gate g's activation evaluates, -1: none */
	uint64_t now;
	bool has_cur;
	mfu_packet_t cur;
	uint32_t cur_left;
	mfu_done_t *done;
	uint32_t cap, head, count;
	mfu_sink_fn sink;
	void *sink_ctx;
	trace_t *trace;
	const fifo_t *in; /* its input queue (mfu_connect) */
	uint64_t cur_start;
	/* per cycle and per packet: plain fields (stats_field), sealed with
	 * the registry by mfu_destroy */
	uint64_t busy, starve, acts, bias;
	uint64_t *fns[ACT_N_FN];
	/* Rows of the packets since the last mfu_flush whose gates were all
	 * pend_gate (pend_n of them): their function counts are pend_pg
	 * times each gate's, added at the flush rather than gate by gate per
	 * packet (consecutive packets of a layer mostly carry the same
	 * gates; another set flushes first). */
	uint64_t pend_pg;
	uint8_t pend_gate[4], pend_n;
	stats_t *st;
};
/* mfu_account compares a packet's gates with pend_gate as one word */
_Static_assert(sizeof((mfu_packet_t *)0)->gate == sizeof(uint32_t), "a packet's gates are one 32-bit word");

mfu_t *mfu_create(const mfu_cfg_t *cfg, stats_t *st)
{
	mfu_t *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->cfg = *cfg;
	/* Every packet holds at least one value, so at most `units` packets
	 * start per cycle and they finish `latency` cycles later. */
	m->cap = (cfg->latency + 1) * cfg->units + 1;
	m->done = malloc(sizeof *m->done * m->cap);
	m->st = st;
	bool ok = m->done && stats_field(st, "mfu.busy", STATS_CYCLES, "cycles some MFU started a value", &m->busy) &&
		  stats_field(st, "mfu.starve", STATS_CYCLES, "cycles with no value to start", &m->starve) &&
		  stats_field(st, "mfu.activations", STATS_VALUES, "values passed through the MFUs", &m->acts);
	/* sigmoid and tanh before the bias adds, as they always were listed */
	for (unsigned f = 0; f < ACT_N_FN; f++) {
		ok = ok && (m->fns[f] = stats_counter(st, fn_counter[f].name, STATS_OPS, fn_counter[f].desc));
		if (f == ACT_TANH)
			ok = ok && stats_field(st, "mfu.bias_adds", STATS_OPS, "fp32 bias adds", &m->bias);
	}
	if (!ok) {
		mfu_destroy(m);
		return NULL;
	}
	return m;
}

void mfu_destroy(mfu_t *m)
{
	if (!m)
		return;
	stats_seal(m->st); /* its counters are fields of m */
	free(m->done);
	free(m);
}

void mfu_flush(mfu_t *m)
{
	if (!m->pend_pg)
		return;
	for (unsigned i = 0; i < m->pend_n; i++) {
		int f = m->fn[m->pend_gate[i]];
		if (f >= 0)
			*m->fns[f] += m->pend_pg;
	}
	m->pend_pg = 0;
}

void mfu_begin_layer(mfu_t *m, const layer_cfg_t *lc)
{
	mfu_flush(m); /* the previous layer's packets, at its gates' functions */
	m->cell = cell_variant(cell_get(lc->cell), lc->gru_form);
	/* A sigmoid-kind gate evaluates role f's function, a tanh-kind one
	 * role g's (cellmath's cm_gate does the same in values). */
	for (unsigned g = 0; g < CELL_MAX_GATES; g++) {
		unsigned a = m->cell->act[g];
		m->fn[g] = a == CELL_ACT_NONE
				   ? -1
				   : (int)workload_role_act(lc, a == CELL_ACT_TANH ? LAYER_ROLE_G : LAYER_ROLE_F) - 1;
	}
}

/* Counts the functions a finished packet evaluated (see mfu.h). */
static void mfu_account(mfu_t *m, const mfu_packet_t *p)
{
	m->acts += p->values;
	if (p->phase == CELL_PHASE_PROJ)
		return; /* LSTMP's projected h: narrowed, no bias, no activation */
	m->bias += p->values;
	/* the gate bytes past ngates take part: a packet whose differ only
	 * there flushes once more, still exact */
	uint32_t key, pend;
	memcpy(&key, p->gate, sizeof key);
	memcpy(&pend, m->pend_gate, sizeof pend);
	if (key != pend || p->ngates != m->pend_n) {
		mfu_flush(m);
		m->pend_n = p->ngates;
		memcpy(m->pend_gate, p->gate, sizeof m->pend_gate);
	}
	m->pend_pg += p->valid_pg;
}

static uint32_t mfu_finish(mfu_t *m, gbuf_t *out)
{
	uint32_t released = 0;
	while (m->count && m->done[m->head].ready <= m->now) {
		const mfu_packet_t *p = &m->done[m->head].p;
		if (p->phase == CELL_PHASE_PROJ)
			gbuf_proj_add(out, p->step, p->valid_pg);
		else
			gbuf_write(out, p->step, p->ngates, p->j0, p->valid_pg, p->seq);
		if (m->cell->rh_gate >= 0 && p->phase == 0 && p->gate[0] == (unsigned)m->cell->rh_gate)
			gbuf_rh_add(out, p->step, p->valid_pg);
		if (m->sink)
			m->sink(m->sink_ctx, p);
		if (m->trace) {
			char args[128];
			snprintf(args, sizeof args, "\"step\":%u,\"seq\":%u,\"rows\":\"%u..%u\",\"values\":%u", p->step,
				 p->seq, p->j0, p->j0 + p->valid_pg - 1, p->values);
			trace_slice(m->trace, TRACE_MFU,
				    p->phase == CELL_PHASE_PROJ ? "project h"
				    : p->phase			? "activate n"
								: "activate",
				    m->done[m->head].start, m->now + 1, args);
		}
		released += p->x_values;
		m->head = m->head + 1 == m->cap ? 0 : m->head + 1;
		m->count--;
	}
	return released;
}

/* Packet p, whose values all started by this cycle (the first at cycle
 * start), enters the pipeline: it leaves cfg.latency cycles from now. */
static void mfu_issue(mfu_t *m, const mfu_packet_t *p, uint64_t start)
{
	uint32_t tail = (m->head + m->count) % m->cap;
	m->done[tail].ready = m->now + m->cfg.latency;
	m->done[tail].start = start;
	m->done[tail].p = *p;
	m->count++;
	mfu_account(m, p);
}

/* The packet that took more than a cycle's budget has all started. Out of
 * line: rare where the MFU ticks every cycle, and inlined it cost the
 * engine's cycle registers (docs/performance.md). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void
mfu_issue_cur(mfu_t *m)
{
	mfu_issue(m, &m->cur, m->cur_start);
	m->has_cur = false;
}

/* Cycles from now during which a tick would only count starvation
 * (mfu_quiet_for's contract), inline in the tick that answers it too. */
static inline uint64_t mfu_quiet(const mfu_t *m, const fifo_t *in)
{
	if (m->has_cur || !fifo_empty(in))
		return 0;
	return m->count ? m->done[m->head].ready - m->now : UINT64_MAX;
}

mfu_tick_t mfu_tick(mfu_t *m, fifo_t *in, gbuf_t *out)
{
	uint32_t released = mfu_finish(m, out);
	uint32_t budget = m->cfg.units;
	while (budget) {
		if (!m->has_cur) {
			if (fifo_empty(in))
				break;
			const mfu_packet_t *q = fifo_peek(in);
			if (q->values <= budget) {
				/* Started whole this cycle (a row block at 64K): from
				 * the FIFO straight into the pipeline, not through cur. */
				budget -= q->values;
				mfu_issue(m, q, m->now);
				fifo_pop(in);
				continue;
			}
			m->cur = *q;
			fifo_pop(in);
			m->has_cur = true;
			m->cur_left = m->cur.values;
			m->cur_start = m->now;
		}
		uint32_t take = m->cur_left < budget ? m->cur_left : budget;
		m->cur_left -= take;
		budget -= take;
		if (m->cur_left == 0)
			mfu_issue_cur(m);
	}
	bool started = budget < m->cfg.units;
	if (started)
		m->busy++;
	else
		m->starve++;
	m->now++;
	/* mfu_quiet_for's answer: the FIFO's state is what the loop left */
	return (mfu_tick_t){ .quiet = mfu_quiet(m, in), .released = released, .started = started };
}

bool mfu_idle(const mfu_t *m)
{
	return !m->has_cur && m->count == 0;
}

void mfu_set_sink(mfu_t *m, mfu_sink_fn fn, void *ctx)
{
	m->sink = fn;
	m->sink_ctx = ctx;
}

uint64_t mfu_quiet_for(const mfu_t *m, const fifo_t *in)
{
	return mfu_quiet(m, in);
}

void mfu_skip(mfu_t *m, uint64_t k)
{
	m->starve += k;
	m->now += k;
}

uint64_t mfu_now(const mfu_t *m)
{
	return m->now;
}

void mfu_connect(mfu_t *m, const fifo_t *in)
{
	m->in = in;
}

void mfu_set_trace(mfu_t *m, trace_t *t)
{
	m->trace = t;
}

/* A packet's state (the MFU's current packet, its in-flight ones, and the
 * items of its input FIFO). */
static const snap_field_t packet_fields[] = {
	SNAP_FIELD(mfu_packet_t, step, SNAP_STEP),	SNAP_FIELD(mfu_packet_t, seg, SNAP_PLAIN),
	SNAP_FIELD(mfu_packet_t, seq, SNAP_PLAIN),	SNAP_FIELD(mfu_packet_t, phase, SNAP_PLAIN),
	SNAP_FIELD(mfu_packet_t, ngates, SNAP_PLAIN),	SNAP_FIELD(mfu_packet_t, gate[0], SNAP_PLAIN),
	SNAP_FIELD(mfu_packet_t, gate[1], SNAP_PLAIN),	SNAP_FIELD(mfu_packet_t, gate[2], SNAP_PLAIN),
	SNAP_FIELD(mfu_packet_t, gate[3], SNAP_PLAIN),	SNAP_FIELD(mfu_packet_t, j0, SNAP_PLAIN),
	SNAP_FIELD(mfu_packet_t, valid_pg, SNAP_PLAIN), SNAP_FIELD(mfu_packet_t, values, SNAP_PLAIN),
	SNAP_FIELD(mfu_packet_t, x_values, SNAP_PLAIN),
};
const snap_table_t mfu_packet_state = SNAP_TABLE(packet_fields);

/* The MFU's own state: the packet being started, and the ring of packets
 * in flight. */
static const snap_field_t mfu_fields[] = {
	SNAP_FIELD(struct mfu, now, SNAP_TIME),
	SNAP_FIELD(struct mfu, has_cur, SNAP_PLAIN),
	SNAP_FIELD_IF(struct mfu, cur_left, SNAP_PLAIN, has_cur),
	SNAP_FIELD_IF(struct mfu, cur_start, SNAP_TIME, has_cur),
};
static const snap_field_t done_fields[] = {
	SNAP_FIELD(mfu_done_t, start, SNAP_TIME),
	SNAP_FIELD(mfu_done_t, ready, SNAP_TIME),
};

void mfu_snapshot(const mfu_t *m, snap_t *s)
{
	snap_fields(s, m, (snap_table_t)SNAP_TABLE(mfu_fields));
	if (m->has_cur)
		snap_fields(s, &m->cur, mfu_packet_state);
	snap_ring(s, m->done, sizeof *m->done, m->head, m->count, m->cap, (snap_table_t)SNAP_TABLE(done_fields));
	for (uint32_t i = 0; i < m->count; i++)
		snap_fields(s, &m->done[(m->head + i) % m->cap].p, mfu_packet_state);
}

void mfu_shift(mfu_t *m, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	snap_fields_shift(m, (snap_table_t)SNAP_TABLE(mfu_fields), cycles, steps, ids);
	snap_fields_shift(&m->cur, mfu_packet_state, cycles, steps, ids);
	snap_ring_shift(m->done, sizeof *m->done, m->head, m->count, m->cap, (snap_table_t)SNAP_TABLE(done_fields),
			cycles, steps, ids);
	for (uint32_t i = 0; i < m->count; i++)
		snap_fields_shift(&m->done[(m->head + i) % m->cap].p, mfu_packet_state, cycles, steps, ids);
}

/* The unit interface (unit.h). */
static void mfu_unit_snapshot(const void *u, snap_t *s)
{
	mfu_snapshot(u, s);
}

static void mfu_unit_shift(void *u, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	mfu_shift(u, cycles, steps, ids);
}

static uint64_t mfu_unit_quiet_for(const void *u)
{
	const mfu_t *m = u;
	return mfu_quiet_for(m, m->in);
}

static void mfu_unit_skip(void *u, uint64_t k)
{
	mfu_skip(u, k);
}

static bool mfu_unit_idle(const void *u)
{
	return mfu_idle(u);
}

const unit_ops_t mfu_unit = {
	.name = "mfu",
	.snapshot = mfu_unit_snapshot,
	.shift = mfu_unit_shift,
	.quiet_for = mfu_unit_quiet_for,
	.skip = mfu_unit_skip,
	.idle = mfu_unit_idle,
};
