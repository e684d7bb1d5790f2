/*
 * intergate.c - SHARP's Intergate schedule (docs/hardware.md §3): each row block
 * holds floor(Kr/G) rows of every gate, so all G pre-activations of a
 * hidden range leave the accumulators together. Segments start in program
 * order behind the step barrier.
 */
#include "../ctrl/ctrl_impl.h"
#include "registry.h"

static void intergate_order(sched_order_t *o)
{
	uint32_t nr = sched_order_ranges(o, o->ng);
	for (uint32_t r = 0; r < nr; r++, o->block++) {
		if (o->has_x)
			sched_order_add(o, SCHED_PART_X, r, o->gates, o->ng, o->block);
		sched_order_add(o, SCHED_PART_H, r, o->gates, o->ng, o->block);
	}
}

const sched_desc_t sched_desc_intergate = {
	.name = "intergate",
	.description = "floor(Kr/G) rows of every gate per row block, all gates of a range together",
	.flags = SCHED_F_GATES_SHARE,
	.order = intergate_order,
	.pick = ctrl_pick_in_order,
};
