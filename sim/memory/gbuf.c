#include "gbuf.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A step's per-element gate counts (cnt) are kept for the elements past
 * its ready prefix only: an element below the frontier is complete (all
 * its gates written) and its count is 0, whether or not it was read.
 * So a packet of every gate that continues the prefix (a row block at
 * 64K, in order) moves the frontier and writes no count, the cell
 * updater's read clears none, and the prefix is scanned only while a
 * complete element lies past it. A whole-vector layer (g->whole) keeps
 * every count until it is read, as its frontier jumps from 0 to the
 * step's end. */
typedef struct gbuf_step {
	uint32_t step;	   /* which step this parity holds (UINT32_MAX: none) */
	uint32_t frontier; /* ready prefix */
	uint32_t consumed;
	uint32_t rh;
	uint32_t proj;	   /* LSTMP: projected h elements written */
	uint32_t complete; /* elements with every gate written */
	uint32_t batch;	   /* sequences active in the step, and its elements H*batch */
	uint32_t elems;
	uint8_t *cnt; /* gates written per element */
} gbuf_step_t;

struct gbuf {
	uint32_t max, hidden;
	const layer_cfg_t *lc;
	unsigned gates;
	bool whole;
	gbuf_step_t s[2];
	/* Gate values written and not yet read (a function of the per-element
	 * counts, so the snapshot covers it), and its largest value. */
	uint64_t live, peak;
	/* writes and reads: plain fields (stats_field), bumped per packet and
	 * per cell-updater read */
	uint64_t writes, reads;
	uint64_t *overruns, *peak_values;
	stats_t *st;
};

gbuf_t *gbuf_create(uint32_t max_elems, stats_t *st)
{
	gbuf_t *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->max = max_elems;
	for (int i = 0; i < 2; i++)
		if (!(g->s[i].cnt = calloc(max_elems, 1))) {
			gbuf_destroy(g);
			return NULL;
		}
	g->st = st;
	bool fields = stats_field(st, "gatebuf.writes", STATS_VALUES, "activated gate values written", &g->writes) &&
		      stats_field(st, "gatebuf.reads", STATS_VALUES, "gate values read by the cell updater", &g->reads);
	g->overruns = stats_counter(st, "gatebuf.overruns", STATS_EVENTS,
				    "writes for a step with no free slot (must stay 0)");
	g->peak_values = stats_counter(st, "gatebuf.peak_values", STATS_VALUES,
				       "most activated gate values held at once (fp32 each): the buffer the run "
				       "needs (docs/energy.md prices it)");
	if (!fields || !g->overruns || !g->peak_values) {
		gbuf_destroy(g);
		return NULL;
	}
	return g;
}

void gbuf_destroy(gbuf_t *g)
{
	if (!g)
		return;
	stats_seal(g->st); /* its counters are fields of g */
	free(g->s[0].cnt);
	free(g->s[1].cnt);
	free(g);
}

void gbuf_begin_layer(gbuf_t *g, const layer_cfg_t *lc, unsigned gates, bool whole_vector)
{
	g->whole = whole_vector;
	g->lc = lc;
	g->hidden = lc->hidden_size;
	g->gates = gates;
	for (int i = 0; i < 2; i++) {
		g->s[i].step = UINT32_MAX;
		g->s[i].frontier = g->s[i].consumed = g->s[i].rh = g->s[i].proj = g->s[i].complete = 0;
		g->s[i].batch = g->s[i].elems = 0;
		memset(g->s[i].cnt, 0, (size_t)lc->hidden_size * lc->batch_size);
	}
}

/* Slot s taken over for `step` (its parity's), or NULL while the step two
 * back is not fully consumed: once a step, so out of line. */
static __attribute__((noinline)) gbuf_step_t *slot_take(gbuf_t *g, gbuf_step_t *s, uint32_t step)
{
	if (s->step != UINT32_MAX && s->consumed != s->elems)
		return NULL;
	s->step = step;
	s->frontier = s->consumed = s->rh = s->proj = s->complete = 0;
	s->batch = workload_active(g->lc, step);
	s->elems = g->hidden * s->batch;
	return s;
}

/* Inline: every packet asks, and all but a step's first find the slot
 * already theirs. */
static inline gbuf_step_t *slot(gbuf_t *g, uint32_t step)
{
	gbuf_step_t *s = &g->s[step & 1];
	return s->step == step ? s : slot_take(g, s, step);
}

/* Eight gate counts at once (SWAR). A count never exceeds the cell's
 * gates (at most 4), so a byte's sum never carries into the next, and
 * x + 0x7f sets a byte's top bit exactly when the byte x is non-zero. */
#define GBUF_ONES 0x0101010101010101ull

static uint64_t gbuf_load8(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/* Bytes of w equal to v (every byte of w and v below 0x80). */
static unsigned gbuf_count_eq8(uint64_t w, unsigned v)
{
	uint64_t x = w ^ (v * GBUF_ONES);
	uint64_t nz = ((x + 0x7f * GBUF_ONES) | x) & (0x80 * GBUF_ONES);
	return 8u - (unsigned)(((nz >> 7) * GBUF_ONES) >> 56); /* the top bits, summed */
}

/* Sets the n counts at c to v: a cell-updater read clears them, a packet
 * of every gate fills them; a few words, stored inline rather than
 * through a call to memset. */
static void gbuf_set(uint8_t *c, uint32_t n, unsigned v)
{
	const uint64_t w = v * GBUF_ONES;
	uint32_t i = 0;
	for (; i + 8 <= n; i += 8)
		memcpy(c + i, &w, sizeof w);
	for (; i < n; i++)
		c[i] = (uint8_t)v;
}

/* Adds ng to the n counts at c, returns how many now equal gates. */
static uint32_t gbuf_add_run(uint8_t *c, uint32_t n, unsigned ng, unsigned gates)
{
	uint32_t done = 0, i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w = gbuf_load8(c + i) + ng * GBUF_ONES;
		memcpy(c + i, &w, sizeof w);
		done += gbuf_count_eq8(w, gates);
	}
	for (; i < n; i++) {
		c[i] = (uint8_t)(c[i] + ng);
		done += c[i] == gates;
	}
	return done;
}

int gbuf_write(gbuf_t *g, uint32_t step, unsigned ngates, uint32_t j0, uint32_t n, uint32_t seq)
{
	gbuf_step_t *s = slot(g, step);
	if (!s) {
		(*g->overruns)++;
		return -1;
	}
	uint32_t b = s->batch;
	/* A packet of every gate (B = 1) completes its row range at once: a
	 * count never exceeds the cell's gates, so each of its rows held 0,
	 * and the rows join the ready prefix whole when they continue it. */
	bool whole_rows = b == 1 && ngates == g->gates;
	if (whole_rows && !g->whole && s->frontier == j0) {
		s->frontier = j0 + n; /* past the prefix its counts stay 0 */
		s->complete += n;
	} else if (whole_rows) {
		gbuf_set(s->cnt + j0, n, ngates);
		s->complete += n;
	} else if (b == 1) {
		s->complete += gbuf_add_run(s->cnt + j0, n, ngates, g->gates);
	} else {
		for (uint32_t j = j0; j < j0 + n; j++) {
			uint8_t *c = &s->cnt[j * b + seq];
			*c = (uint8_t)(*c + ngates);
			s->complete += *c == g->gates;
		}
	}
	g->writes += (uint64_t)ngates * n;
	g->live += (uint64_t)ngates * n;
	if (g->live > g->peak)
		g->peak = g->live;
	if (g->whole)
		s->frontier = s->complete == s->elems ? s->elems : 0;
	else if (s->complete > s->frontier) {
		/* a complete element past the prefix: the prefix takes in the
		 * complete ones that now continue it, their counts cleared */
		uint64_t full = g->gates * GBUF_ONES;
		while (s->frontier + 8 <= s->elems && gbuf_load8(s->cnt + s->frontier) == full) {
			memset(s->cnt + s->frontier, 0, 8);
			s->frontier += 8;
		}
		while (s->frontier < s->elems && s->cnt[s->frontier] == g->gates)
			s->cnt[s->frontier++] = 0;
	}
	return 0;
}

uint32_t gbuf_ready(const gbuf_t *g, uint32_t step)
{
	const gbuf_step_t *s = &g->s[step & 1];
	return s->step == step ? s->frontier : 0;
}

void gbuf_consume(gbuf_t *g, uint32_t step, uint32_t n)
{
	gbuf_step_t *s = &g->s[step & 1];
	if (g->whole) /* else the prefix's counts are 0 already */
		gbuf_set(s->cnt + s->consumed, n, 0);
	s->consumed += n;
	g->reads += (uint64_t)n * g->gates;
	g->live -= (uint64_t)n * g->gates;
}

void gbuf_finish(gbuf_t *g)
{
	*g->peak_values = g->peak;
}

void gbuf_rh_add(gbuf_t *g, uint32_t step, uint32_t n)
{
	gbuf_step_t *s = slot(g, step);
	if (s)
		s->rh += n;
	else
		(*g->overruns)++;
}

uint32_t gbuf_rh(const gbuf_t *g, uint32_t step)
{
	const gbuf_step_t *s = &g->s[step & 1];
	return s->step == step ? s->rh : 0;
}

void gbuf_proj_add(gbuf_t *g, uint32_t step, uint32_t n)
{
	gbuf_step_t *s = slot(g, step);
	if (s)
		s->proj += n;
	else
		(*g->overruns)++;
}

uint32_t gbuf_proj(const gbuf_t *g, uint32_t step)
{
	const gbuf_step_t *s = &g->s[step & 1];
	return s->step == step ? s->proj : 0;
}

/* One step parity's slot (none while its step is UINT32_MAX). */
static const snap_field_t slot_fields[] = {
	SNAP_FIELD_NONE_MAX(gbuf_step_t, step, SNAP_STEP),
	SNAP_FIELD_IF_SET(gbuf_step_t, frontier, SNAP_PLAIN, step),
	SNAP_FIELD_IF_SET(gbuf_step_t, consumed, SNAP_PLAIN, step),
	SNAP_FIELD_IF_SET(gbuf_step_t, rh, SNAP_PLAIN, step),
	SNAP_FIELD_IF_SET(gbuf_step_t, proj, SNAP_PLAIN, step),
	SNAP_FIELD_IF_SET(gbuf_step_t, complete, SNAP_PLAIN, step),
};

void gbuf_snapshot(const gbuf_t *g, snap_t *s)
{
	for (int i = 0; i < 2; i++) {
		const gbuf_step_t *p = &g->s[i];
		snap_fields(s, p, (snap_table_t)SNAP_TABLE(slot_fields));
		if (p->step == UINT32_MAX)
			continue;
		/* The per-element gate counts, eight to a word, copied whole:
		 * the last word's unused bytes are zero, so two snapshots'
		 * words are equal exactly when their counts are (those below
		 * the frontier, a field, are 0, or in a whole-vector layer
		 * those below `consumed`). */
		size_t words = ((size_t)p->elems + 7) / 8;
		uint64_t *o = words ? snap_room(s, words) : NULL;
		if (!o)
			continue;
		o[words - 1] = 0;
		memcpy(o, p->cnt, p->elems);
		s->n += words;
	}
}

void gbuf_shift(gbuf_t *g, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	for (int i = 0; i < 2; i++)
		snap_fields_shift(&g->s[i], (snap_table_t)SNAP_TABLE(slot_fields), cycles, steps, ids);
}

/* The unit interface (unit.h). */
static void gbuf_unit_snapshot(const void *u, snap_t *s)
{
	gbuf_snapshot(u, s);
}

static void gbuf_unit_shift(void *u, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	gbuf_shift(u, cycles, steps, ids);
}

const unit_ops_t gbuf_unit = {
	.name = "gbuf",
	.snapshot = gbuf_unit_snapshot,
	.shift = gbuf_unit_shift,
};
