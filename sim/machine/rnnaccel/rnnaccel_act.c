#include "rnnaccel_act.h"

#include <stdlib.h>

/* Stage s of the pipeline is slot[(clock - s) % depth]: the batch that
 * entered at cycle c lives in slot[c % depth] until cycle c + depth, when
 * tick() retires it before refilling the slot. */
typedef struct act_slot {
	uint32_t n;
	unsigned ev;
} act_slot_t;

struct rnnaccel_act {
	uint32_t depth, rate;
	uint64_t clock;
	act_slot_t *slot;
	uint64_t in_flight; /* values in the pipeline */
	uint32_t in_n;	    /* values waiting in the input buffer */
	uint32_t in_taken;  /* of the buffered tile, values already taken */
	rnnaccel_event_t in_ev[2];
	uint32_t in_n_ev;
	uint64_t *c_values, *c_busy;
};

int rnnaccel_act_create(uint32_t depth, uint32_t rate, stats_t *st, rnnaccel_act_t **out, sim_err_t *err)
{
	rnnaccel_act_t *a = calloc(1, sizeof *a);
	if (!a || depth == 0 || rate == 0 || !(a->slot = calloc(depth, sizeof *a->slot))) {
		free(a);
		return sim_err(err, depth && rate ? SIM_ENOMEM : SIM_EINTERNAL,
			       "rnnaccel: cannot create the activation unit");
	}
	a->depth = depth;
	a->rate = rate;
	a->c_values =
		stats_counter(st, "act.values", STATS_OPS,
			      "piecewise-linear activations evaluated (one per gate value, with its cell update)");
	a->c_busy = stats_counter(st, "act.busy", STATS_CYCLES, "cycles the activation unit took values in");
	if (!a->c_values || !a->c_busy) {
		rnnaccel_act_destroy(a);
		return sim_err(err, SIM_EINTERNAL, "rnnaccel: activation counters already registered");
	}
	*out = a;
	return SIM_OK;
}

void rnnaccel_act_destroy(rnnaccel_act_t *a)
{
	if (a)
		free(a->slot);
	free(a);
}

unsigned rnnaccel_act_tick(rnnaccel_act_t *a)
{
	act_slot_t *s = &a->slot[a->clock % a->depth];
	unsigned ev = s->ev;
	a->in_flight -= s->n;
	s->n = 0;
	s->ev = 0;
	if (a->in_n > a->in_taken) {
		uint32_t k = a->in_n - a->in_taken < a->rate ? a->in_n - a->in_taken : a->rate;
		for (uint32_t i = 0; i < a->in_n_ev; i++)
			if (a->in_ev[i].pos >= a->in_taken && a->in_ev[i].pos < a->in_taken + k)
				s->ev |= a->in_ev[i].kind;
		s->n = k;
		a->in_taken += k;
		a->in_flight += k;
		*a->c_values += k;
		*a->c_busy += 1;
		if (a->in_taken == a->in_n)
			a->in_n = a->in_taken = a->in_n_ev = 0;
	}
	a->clock++;
	return ev;
}

bool rnnaccel_act_inbuf_free(const rnnaccel_act_t *a)
{
	return a->in_n == 0;
}

void rnnaccel_act_push(rnnaccel_act_t *a, uint32_t n, const rnnaccel_event_t *ev, uint32_t n_ev)
{
	a->in_n = n;
	a->in_taken = 0;
	a->in_n_ev = n_ev < 2 ? n_ev : 2;
	for (uint32_t i = 0; i < a->in_n_ev; i++)
		a->in_ev[i] = ev[i];
}

bool rnnaccel_act_empty(const rnnaccel_act_t *a)
{
	return a->in_n == 0 && a->in_flight == 0;
}

void rnnaccel_act_skip(rnnaccel_act_t *a, uint64_t n)
{
	a->clock += n;
}
