#include "apx_budget.h"

#include <string.h>

#include "../core/run.h"

/* Cycles of layer l alone over t steps, warm, timing only. */
static int layer_cycles(const hw_cfg_t *hw, const workload_t *w, const layer_cfg_t *l, uint32_t t,
			const run_opts_t *opts, uint64_t *out, sim_err_t *err)
{
	layer_cfg_t one = *l;
	one.timesteps = t;
	workload_t w1 = { .layers = &one, .n_layers = 1 };
	memcpy(w1.name, w->name, sizeof w1.name);
	memcpy(w1.path, w->path, sizeof w1.path);
	run_opts_t o = { .fast_forward = true, .schedules = opts->schedules, .tile_cache = opts->tile_cache };
	run_result_t r;
	int rc = accel_run(hw, &w1, &o, &r, err);
	if (rc)
		return rc;
	*out = r.cycles;
	run_result_free(&r);
	return SIM_OK;
}

/* P(k) of layer l: the period with k refinement steps. */
static int period(const hw_cfg_t *hw, const workload_t *w, const layer_cfg_t *l, uint32_t k, const run_opts_t *opts,
		  uint64_t *p, sim_err_t *err)
{
	layer_cfg_t lk = *l;
	lk.approx_steps = k;
	uint64_t c3, c4;
	int rc = layer_cycles(hw, w, &lk, 3, opts, &c3, err);
	if (!rc)
		rc = layer_cycles(hw, w, &lk, 4, opts, &c4, err);
	if (!rc)
		*p = c4 - c3;
	return rc;
}

int apx_budget_fit(const hw_cfg_t *hw, workload_t *w, const run_opts_t *opts, double budget_us, sim_err_t *err)
{
	/* In cycles; a budget given in decimal microseconds that names a whole
	 * cycle count (0.106 us at 500 MHz: 53) is that count, not a rounding
	 * error below it. */
	double budget = budget_us * hw->clock_mhz * (1 + 1e-12);
	bool any = false;
	for (size_t i = 0; i < w->n_layers; i++) {
		layer_cfg_t *l = &w->layers[i];
		if (l->approx == APPROX_NONE)
			continue;
		any = true;
		uint64_t p1;
		int rc = period(hw, w, l, 1, opts, &p1, err);
		if (rc)
			return rc;
		if ((double)p1 > budget)
			return sim_err_at(
				err, SIM_EINPUT, w->path, l->line, l->col,
				"layer %zu: a time budget of %g us is %.3g cycles at %g MHz, shorter than one "
				"refinement step (a time step with one takes %llu cycles), expected "
				"--budget-us of at least %g",
				i + 1, budget_us, budget_us * hw->clock_mhz, hw->clock_mhz, (unsigned long long)p1,
				(double)p1 / hw->clock_mhz);
		/* P(lo) fits; P(hi + 1) does not, or hi is the layer's own N. */
		uint32_t lo = 1, hi = l->approx_steps;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo + 1) / 2;
			uint64_t pm;
			if ((rc = period(hw, w, l, mid, opts, &pm, err)))
				return rc;
			if ((double)pm <= budget)
				lo = mid;
			else
				hi = mid - 1;
		}
		l->approx_steps = lo;
	}
	if (!any)
		return sim_err(err, SIM_EINPUT,
			       "%s: a time budget applies to progressive layers and the workload has none, "
			       "expected a layer with approx: svd_prune",
			       w->path);
	return SIM_OK;
}
