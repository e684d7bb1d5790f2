/*
 * sequential.c - SHARP's Sequential schedule (docs/hardware.md §3): gate by gate;
 * each gate's hidden range in segments of Kr rows, each a row block over
 * [x; h] (its W.x segment, then its U.h segment). Segments start in
 * program order behind the step barrier; an element's cell update starts
 * once its last gate (o) is activated, so the updates of one o block
 * overlap the next o block's MVM (cell_update: vector waits for the whole
 * vector instead, the earlier reading).
 */
#include "../ctrl/ctrl_impl.h"
#include "registry.h"

void sched_order_sequential(sched_order_t *o)
{
	for (unsigned gi = 0; gi < o->ng; gi++) {
		uint32_t nr = sched_order_ranges(o, 1);
		for (uint32_t r = 0; r < nr; r++, o->block++) {
			if (o->has_x)
				sched_order_add(o, SCHED_PART_X, r, &o->gates[gi], 1, o->block);
			sched_order_add(o, SCHED_PART_H, r, &o->gates[gi], 1, o->block);
		}
	}
}

const sched_desc_t sched_desc_sequential = {
	.name = "sequential",
	.description = "gate by gate, Kr rows of one gate per row block (SHARP's baseline order)",
	.flags = 0,
	.order = sched_order_sequential,
	.pick = ctrl_pick_in_order,
};
