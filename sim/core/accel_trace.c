/*
 * accel_trace.c - naming of the VS array's trace slices: each segment by
 * its partition and gates, each idle stretch by its cause.
 */
#include <stdio.h>

#include "accel_impl.h"

static const char *accel_seg_name(const accel_t *a, const sched_seg_t *s)
{
	static const char *const lstm[2][4] = {
		{ "W.x i", "W.x f", "W.x g", "W.x o" }, { "U.h i", "U.h f", "U.h g", "U.h o" },
	};
	static const char *const gru[2][3] = { { "W.x r", "W.x z", "W.x n" }, { "U.h r", "U.h z", "U.h n" } };
	static const char *const all[2] = { "W.x all gates", "U.h all gates" }, *const one[2] = { "W.x", "U.h" };
	cell_kind_t c = a->w->layers[a->layer].cell;
	if (s->ngates > 1)
		return all[s->part];
	if (c == CELL_LSTM)
		return lstm[s->part][s->gate[0]];
	return c == CELL_GRU ? gru[s->part][s->gate[0]] : one[s->part];
}

void accel_trace_segment(accel_t *a, uint32_t id, uint64_t end)
{
	const ctrl_block_t *b = ctrl_block(a->ctrl, id);
	if (!b)
		return;
	const sched_seg_t *s = &a->progs[a->layer].seg[b->seg];
	char args[192];
	snprintf(args, sizeof args,
		 "\"layer\":%u,\"step\":%u,\"block\":%u,\"rows\":\"%u..%u\",\"gates\":%u,\"config\":%u,\"tiles\":%u",
		 a->layer, b->step, s->block, s->j0, s->j0 + s->valid_pg - 1, s->ngates, s->cfg, s->ntiles);
	trace_slice(a->trace, TRACE_VS, accel_seg_name(a, s), a->seg_start, end, args);
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
