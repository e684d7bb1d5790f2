/*
 * epur.c - E-PUR's schedule on this hardware (docs/hardware.md §3): an input
 * phase first, the W.x segments of ALL steps, each weight tile held while
 * x_0 .. x_{T-1} pass (weight locality), summed into a precompute store;
 * then per step the U.h segments, all gates together (E-PUR's four gate
 * units), each starting from its precomputed W.x. Fixed config4 tiles,
 * weights on chip.
 */
#include <stddef.h>

#include "../../ctrl/ctrl_impl.h"
#include "../registry.h"

static void epur_order(sched_order_t *o)
{
	uint32_t nr = sched_order_ranges(o, o->ng);
	if (o->has_x)
		for (uint32_t r = 0; r < nr; r++) {
			sched_seg_t *s = sched_order_add(o, SCHED_PART_X, r, o->gates, o->ng, o->block + r);
			if (s)
				s->pre = 1;
		}
	for (uint32_t r = 0; r < nr; r++, o->block++)
		sched_order_add(o, SCHED_PART_H, r, o->gates, o->ng, o->block);
}

static void epur_begin_layer(ctrl_t *c)
{
	const sched_prog_t *p = c->L.prog;
	c->pre_i = 0;
	while (c->pre_i < p->n && !p->seg[c->pre_i].pre)
		c->pre_i++;
	c->cur_i = ctrl_next_of(c, 0, SCHED_PART_H); /* after the input phase */
}

/* The input phase's segments once, then the H segments step by step (in
 * order, behind the step barrier) once every input-phase block has been
 * written to the precompute store. */
static void epur_pick(ctrl_t *c, const ctrl_view_t *v, ctrl_token_t *out)
{
	const sched_prog_t *p = c->L.prog;
	if (c->pre_i < p->n) {
		ctrl_start_seg(c, v, c->pre_i, 0);
		do
			c->pre_i++;
		while (c->pre_i < p->n && !p->seg[c->pre_i].pre);
		ctrl_emit(c, v, out);
		return;
	}
	if (c->pre_written < c->pre_issued) {
		ctrl_bubble(c, out, IDLE_DEPENDENCY);
		return;
	}
	if (c->cur_t >= c->L.timesteps) {
		ctrl_bubble(c, out, ctrl_idle_reason(c));
		return;
	}
	if (!ctrl_barrier_met(c, v, c->cur_i, c->cur_t)) {
		ctrl_bubble(c, out, IDLE_DEPENDENCY);
		return;
	}
	if (c->cur_i == ctrl_next_of(c, 0, SCHED_PART_H))
		c->step_started = c->cur_t;
	ctrl_launch(c, v, &c->cur_t, &c->cur_i, SCHED_PART_H, out);
}

const sched_desc_t sched_desc_epur = {
	.name = "epur",
	.description = "E-PUR: W.x of all steps first into a precompute store, then U.h of all gates per step",
	.flags = SCHED_F_FIXED_TILE | SCHED_F_NEEDS_RESIDENT | SCHED_F_X_PRECOMPUTED | SCHED_F_GATES_SHARE |
		 SCHED_F_BASELINE,
	.order = epur_order,
	.begin_layer = epur_begin_layer,
	.pick = epur_pick,
	.fields = { SNAP_FIELD(struct ctrl, pre_i, SNAP_PLAIN) },
	.n_fields = 1,
};
