/*
 * check.c - what the engine checks while and after it runs: the watchdog's
 * progress mark and its deadlock report, and the end-of-run invariants
 * (every lane-cycle counted once, the useful MACs equal to the workload's).
 */
#include <stdio.h>

#include "accel_impl.h"

/* Something moved this cycle: a tile or block went through, DRAM moved a
 * byte, or a value is inside the MFU or cell updater (it will come out). */
bool accel_units_idle(const accel_t *a)
{
	for (uint32_t i = 0; i < a->nunits; i++)
		if (a->units[i].ops->idle && !a->units[i].ops->idle(a->units[i].self))
			return false;
	return true;
}

uint64_t accel_progress(const accel_t *a)
{
	uint64_t dram = dram_requested(a->dram, DRAM_STREAM) + dram_requested(a->dram, DRAM_LOAD);
	return a->vs_busy + a->acc_busy + dram;
}

int accel_deadlock(const accel_t *a, sim_err_t *err)
{
	const ctrl_token_t *head = a->head;
	uint64_t overruns = 0;
	stats_find(a->st, "gatebuf.overruns", &overruns);
	if (overruns)
		return sim_err(err, SIM_EINTERNAL,
			       "the gate buffer was written for a step it had no room for "
			       "(%llu times), so the cell updater waits forever",
			       (unsigned long long)overruns);
	return sim_err(
		err, SIM_EDEADLOCK,
		"deadlock: nothing moved for %llu cycles (cycle %llu, layer %u): "
		"preact FIFO %u/%u, accumulators in flight %u, intermediate buffer %llu/%llu values, "
		"weight-read head %s%s, cell updater %s, MFU %s",
		(unsigned long long)a->hw.watchdog, (unsigned long long)a->now, a->layer + 1, fifo_count(a->preact),
		fifo_depth(a->preact), cu_in_flight(a->cu), (unsigned long long)ibuf_used(a->ibuf),
		(unsigned long long)ibuf_capacity(a->ibuf),
		head->is_tile ? "tile" : "bubble: ", head->is_tile ? "" : ctrl_cause_name((idle_cause_t)head->cause),
		cellu_idle(a->cellu) ? "idle" : "busy", mfu_idle(a->mfu) ? "idle" : "busy");
}

int accel_check(const accel_t *a, run_result_t *r, sim_err_t *err)
{
	uint64_t lanes = a->useful;
	for (int i = 0; i < IDLE_NCAUSES; i++)
		lanes += a->idle[i];
	if (lanes != a->now * a->nk)
		return sim_err(err, SIM_EINTERNAL,
			       "lane conservation broken: cycles*N*K = %llu but useful + idle = %llu",
			       (unsigned long long)(a->now * a->nk), (unsigned long long)lanes);
	uint64_t overruns = 0;
	stats_find(a->st, "gatebuf.overruns", &overruns);
	if (overruns)
		return sim_err(err, SIM_EINTERNAL,
			       "the gate buffer was written for a step it had no room for (%llu times)",
			       (unsigned long long)overruns);
	uint64_t want = 0;
	bool sparse = false;
	for (size_t i = 0; i < a->w->n_layers; i++) {
		const layer_cfg_t *l = &a->w->layers[i];
		sparse |= workload_sparse(l);
		if (l->delta) /* the compacted tiles' lanes (fpipe.h) */
			want += r->layers[i].err.delta_macs;
		else if (l->approx != APPROX_NONE)
			want += apx_layer_macs(l);
		else
			want += workload_sparse(l) ? a->plan->pass[i].nnz_per_step * workload_seq_steps(l)
						   : workload_layer_macs(l);
	}
	if (a->useful != want)
		return sim_err(err, SIM_EINTERNAL, "useful MACs %llu differ from %s = %llu",
			       (unsigned long long)a->useful,
			       sparse ? "the non-zeros of the masks * T * B (G*H*(I+H)*T*B for dense layers)"
				      : "G*H*(I+H)*T*B",
			       (unsigned long long)want);
	return SIM_OK;
}
