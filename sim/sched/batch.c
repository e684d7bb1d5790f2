/*
 * batch.c - SHARP's Batch schedule (docs/hardware.md §3): for each range of Kr
 * hidden indices, gate i, f, g, o in turn (each a row block over [x; h]),
 * so the cell updater can start on a range as soon as its last gate is
 * done. Segments start in program order behind the step barrier.
 */
#include "../ctrl/ctrl_impl.h"
#include "registry.h"

static void batch_order(sched_order_t *o)
{
	uint32_t nr = sched_order_ranges(o, 1);
	for (uint32_t r = 0; r < nr; r++)
		for (unsigned gi = 0; gi < o->ng; gi++, o->block++) {
			if (o->has_x)
				sched_order_add(o, SCHED_PART_X, r, &o->gates[gi], 1, o->block);
			sched_order_add(o, SCHED_PART_H, r, &o->gates[gi], 1, o->block);
		}
}

const sched_desc_t sched_desc_batch = {
	.name = "batch",
	.description = "per Kr-row range, every gate in turn, so ranges finish one by one",
	.order = batch_order,
	.pick = ctrl_pick_in_order,
};
