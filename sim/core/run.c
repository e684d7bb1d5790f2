#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "../config/config.h"
#include "plan.h"
#include "resolve.h"

int accel_run(const hw_cfg_t *hw, const workload_t *w, const run_opts_t *opts, run_result_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!w->n_layers)
		return sim_err(err, SIM_EINPUT, "%s: the workload has no layers, expected at least one", w->path);
	int rc = accel_check_opts(w, false, opts, err);
	if (rc)
		return rc;
	tile_table_t table;
	bool have = false;
	const sched_desc_t *sd = sched_registry_get(opts->schedules ? opts->schedules : sched_registry_builtin(),
						     (size_t)hw->scheduler);
	bool fixed = sd && (sd->flags & SCHED_F_FIXED_TILE);
	if (hw->compute.tile == TILE_AUTO && !fixed && (rc = resolve_tile_table(hw, &table, &have, err)))
		return rc;
	plan_t plan;
	rc = plan_build(hw, w, have ? &table : NULL, opts->schedules, &plan, err);
	if (have)
		config_tile_table_free(&table);
	if (rc)
		return rc;
	rc = accel_run_plan(&plan, opts, out, err);
	plan_free(&plan);
	return rc;
}

int accel_counter_help(FILE *f, sim_err_t *err)
{
	hw_cfg_t hw;
	config_hw_defaults(&hw);
	hw.compute.tile = TILE_CONFIG4;
	hw.memory.weights = WEIGHTS_RESIDENT;
	layer_cfg_t l = { .cell = CELL_LSTM, .input_size = 16, .hidden_size = 16, .timesteps = 2, .batch_size = 1 };
	workload_t w = { .name = "counters", .path = "counters", .layers = &l, .n_layers = 1 };
	run_opts_t o = { 0 };
	run_result_t r;
	int rc = accel_run(&hw, &w, &o, &r, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < stats_size(r.stats); i++)
		fprintf(f, "%-26s %s\n", stats_name(r.stats, i), stats_desc(r.stats, i));
	run_result_free(&r);
	return SIM_OK;
}

void run_result_free(run_result_t *r)
{
	stats_destroy(r->stats);
	free(r->layers);
	r->stats = NULL;
	r->layers = NULL;
}
