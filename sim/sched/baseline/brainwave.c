/*
 * brainwave.c - BrainWave's schedule on this hardware (docs/hardware.md §3):
 * Sequential's gate-by-gate order on fixed config4 (native) tiles; its
 * deep pipeline is in its hardware config, not here.
 */
#include "../../ctrl/ctrl_impl.h"
#include "../registry.h"

const sched_desc_t sched_desc_brainwave = {
	.name = "brainwave",
	.description = "BrainWave: Sequential's gate-by-gate order on fixed native (config4) tiles",
	.flags = SCHED_F_FIXED_TILE | SCHED_F_WHOLE_VECTOR | SCHED_F_BASELINE,
	.order = sched_order_sequential,
	.pick = ctrl_pick_in_order,
};
