/*
 * accel_trace.c - naming of the VS array's trace slices: each segment by
 * its partition and gates, each idle stretch by its cause.
 */
#include <stdio.h>

#include "accel_impl.h"
#include "../cell/cell.h"

/* "W.x i", "U.h n", "W.x all gates", or "W.x" for a one-gate cell;
 * "W_proj.m" for an LSTMP projection. */
static const char *accel_seg_name(const accel_t *a, const sched_seg_t *s, char *buf, size_t size)
{
	static const char *const part[2] = { "W.x", "U.h" };
	const cell_desc_t *d = cell_get(a->w->layers[a->layer].cell);
	if (s->phase == CELL_PHASE_PROJ)
		snprintf(buf, size, "W_proj.m");
	else if (s->ngates > 1)
		snprintf(buf, size, "%s all gates", part[s->part]);
	else if (d->gate_names[s->gate[0]])
		snprintf(buf, size, "%s %s", part[s->part], d->gate_names[s->gate[0]]);
	else
		snprintf(buf, size, "%s", part[s->part]);
	return buf;
}

void accel_trace_segment(accel_t *a, uint32_t id, uint64_t end)
{
	const ctrl_block_t *b = ctrl_block(a->ctrl, id);
	if (!b)
		return;
	const sched_seg_t *s = &a->progs[a->layer].seg[b->seg];
	const plan_pass_t *pp = &a->plan->pass[a->layer];
	char args[224], name[32];
	/* Layers counted from 1, as --trace-layer and the reports count them. */
	snprintf(args, sizeof args,
		 "\"layer\":%u,\"pass\":\"%s\",\"step\":%u,\"block\":%u,\"rows\":\"%u..%u\",\"gates\":%u,"
		 "\"config\":%u,\"tiles\":%u",
		 pp->layer + 1,
		 pp->sets > 1	? "both"
		 : pp->backward ? "backward"
				: "forward",
		 b->step, s->block, s->j0, s->j0 + s->valid_pg - 1, s->ngates, s->cfg, s->ntiles);
	trace_slice(a->trace, TRACE_VS, accel_seg_name(a, s, name, sizeof name), a->seg_start, end, args);
}

void accel_trace_idle(accel_t *a, int cause)
{
	if (cause == a->idle_cause)
		return;
	if (a->idle_cause >= 0)
		trace_slice(a->trace, TRACE_VS_IDLE, ctrl_cause_name((idle_cause_t)a->idle_cause), a->idle_start,
			    a->now, NULL);
	a->idle_cause = cause;
	a->idle_start = a->now;
}

/* The counter tracks' levels that no counter holds, sampled at a->now. */
void accel_trace_sample(accel_t *a)
{
	trace_levels_t lv = {
		.dram_in_flight = dram_requested(a->dram, DRAM_STREAM) + dram_requested(a->dram, DRAM_LOAD) -
				  dram_arrived(a->dram, DRAM_STREAM) - dram_arrived(a->dram, DRAM_LOAD),
		.ibuf_used = ibuf_used(a->ibuf),
		.ibuf_capacity = ibuf_capacity(a->ibuf),
		.preact_items = fifo_count(a->preact),
		.acc_in_flight = cu_in_flight(a->cu),
	};
	trace_sample(a->trace, a->now, a->st, &lv);
}
