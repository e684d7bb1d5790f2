#include "run.h"

#include <stdlib.h>
#include <string.h>

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
	const tile_table_t *table = NULL;
	tile_stale_t stale = { 0 };
	const sched_desc_t *sd =
		sched_registry_get(opts->schedules ? opts->schedules : sched_registry_builtin(), (size_t)hw->scheduler);
	bool fixed = sd && (sd->flags & SCHED_F_FIXED_TILE);
	/* Without the caller's cache the table is loaded for this run alone. */
	tile_cache_t *own = NULL, *cache = opts->tile_cache;
	if (hw->compute.tile == TILE_AUTO && !fixed) {
		if (!cache && !(cache = own = tile_cache_create()))
			return sim_err(err, SIM_ENOMEM, "out of memory");
		rc = resolve_tile_table(hw, cache, &table, &stale, err);
	}
	plan_t plan;
	if (!rc)
		rc = plan_build(hw, w, table, opts->schedules, &plan, err);
	tile_cache_destroy(own);
	if (rc)
		return rc;
	rc = accel_run_plan(&plan, opts, out, err);
	out->tile_stale = stale; /* accel_run_plan starts from a zeroed result */
	plan_free(&plan);
	return rc;
}

void run_result_free(run_result_t *r)
{
	stats_destroy(r->stats);
	free(r->layers);
	r->stats = NULL;
	r->layers = NULL;
}
