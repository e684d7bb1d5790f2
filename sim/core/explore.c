#include "explore.h"

#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "resolve.h"
#include "run.h"

/* A client of the engine: each candidate is a plan with its tile fixed, so
 * planning here never explores again. */
int explore_layer(const hw_cfg_t *hw, const sched_registry_t *registry, const layer_cfg_t *l, tile_entry_t *out,
		  sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	out->vs_units = hw->compute.vs_units;
	out->vs_width = resolve_lanes(hw);
	out->scheduler = hw->scheduler;
	out->cell = l->cell;
	out->input_size = l->skip_input ? 0 : l->input_size;
	out->hidden_size = l->hidden_size;
	out->timesteps = l->timesteps;
	out->batch = l->batch_size;
	out->layer_key = resolve_layer_key(hw, l);
	layer_cfg_t one = *l; /* one pass: what the plan asks about */
	one.direction = resolve_interleaved(hw, l) ? DIR_BI : DIR_UNI;
	one.delta = false; /* a delta layer's timing follows its data: it takes the dense layer's config */
	/* a magnitude mask's zeros follow the weights: explored with a seeded
	 * mask of the same sparsity and pattern */
	one.sparsity_mask = SMASK_SEEDED;
	workload_t w = { .name = "explore", .layers = &one, .n_layers = 1 };
	/* Exact, and cheap at any T: the steady-state jump. */
	run_opts_t o = { .fast_forward = true };
	uint64_t best = UINT64_MAX;
	/* The first refusal (the tallest config's), said when none forms. */
	sim_err_t why = { 0 };
	unsigned why_c = 0;
	for (unsigned c = 4; c >= 1; c--) {
		hw_cfg_t h = *hw;
		h.compute.tile = (tile_sel_t)c;
		h.memory.weights = WEIGHTS_RESIDENT;
		run_result_t r;
		sim_err_t e;
		plan_t p;
		int rc = plan_build(&h, &w, NULL, NULL, registry, &p, &e);
		if (!rc) {
			rc = accel_run_plan(&p, &o, &r, &e);
			plan_free(&p);
		}
		if (rc == SIM_EINPUT) {
			/* The plan names the one-layer copy "layer 1"; the caller
			 * locates the real layer, so that label is dropped. */
			if (!why_c) {
				const char *m = e.msg, *own = "layer 1: ";
				if (!strncmp(m, own, strlen(own)))
					m += strlen(own);
				snprintf(why.msg, sizeof why.msg, "%s", m);
				why_c = c;
			}
			continue; /* a config this layer cannot form */
		}
		if (rc) {
			*err = e;
			return rc;
		}
		out->cycles[c - 1] = r.cycles;
		if (r.cycles < best) {
			best = r.cycles;
			out->best = (tile_sel_t)c;
		}
		run_result_free(&r);
	}
	if (best == UINT64_MAX)
		return sim_err(err, SIM_EINPUT,
			       "no tile config can be formed by N=%u, K=%u for a %s layer of hidden %u (config%u: %s)",
			       hw->compute.vs_units, resolve_lanes(hw), workload_cell_name(l->cell), l->hidden_size,
			       why_c, why.msg);
	return SIM_OK;
}
