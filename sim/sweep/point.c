#include "point.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../config/config.h"
#include "../core/resolve.h"
#include "../core/pipeline.h"
#include "../ctrl/ctrl.h"
#include "../energy/energy.h"

static int point_row(const sweep_point_t *pt, const run_result_t *r, const energy_report_t *e, bool cold,
		     const char *version, sweep_rec_t *row)
{
	int rc = sweep_rec_add(row, "version", 's', version);
	rc |= sweep_rec_add(row, "config_hash", 's', pt->hash);
	rc |= sweep_rec_add(row, "hw", 's', r->hw.name);
	rc |= sweep_rec_add(row, "workload", 's', pt->wl_name);
	rc |= sweep_rec_add(row, "scheduler", 's', hw_design_name(&r->hw));
	for (size_t i = 0; i < sweep_rec_len(pt->label); i++)
		rc |= sweep_rec_add(row, sweep_rec_key(pt->label, i), sweep_rec_type(pt->label, i),
				    sweep_rec_value(pt->label, i));
	rc |= sweep_rec_add_u64(row, "macs_per_cycle", r->macs_per_cycle);
	/* The machine as it ran (overrides applied): figures label results
	 * with it rather than with the preset's name. Another machine than
	 * SHARP reads as macs_per_cycle units of width 1. */
	rc |= sweep_rec_add_u64(row, "eff_n", r->hw.machine ? r->macs_per_cycle : r->hw.compute.vs_units);
	rc |= sweep_rec_add_u64(row, "eff_k", r->hw.machine ? 1 : resolve_lanes(&r->hw));
	rc |= sweep_rec_add_num(row, "eff_clock_mhz", "%g", r->hw.clock_mhz);
	rc |= sweep_rec_add(row, "weights", 's',
			    r->weights == WEIGHTS_RESIDENT ? "resident"
			    : r->weights == WEIGHTS_STREAM ? "streamed"
							   : "mixed");
	rc |= sweep_rec_add(row, "weights_fit", 'b', r->weights_fit ? "true" : "false");
	rc |= sweep_rec_add(row, "cold", 'b', cold ? "true" : "false");
	rc |= sweep_rec_add_u64(row, "cycles", r->cycles);
	rc |= sweep_rec_add_u64(row, "load_cycles", r->load_cycles);
	rc |= sweep_rec_add_num(row, "latency_us", "%.6f", r->latency_us);
	rc |= sweep_rec_add_num(row, "utilization", "%.6f", r->utilization);
	rc |= sweep_rec_add_u64(row, "useful_macs", r->useful_macs);
	rc |= sweep_rec_add_u64(row, "issued_macs", r->issued_macs);
	rc |= sweep_rec_add_num(row, "peak_gflops", "%.3f", r->peak_gflops);
	for (int c = 0; c < IDLE_NCAUSES; c++) {
		char name[64], col[64];
		uint64_t v = 0;
		snprintf(name, sizeof name, "idle.%s", ctrl_cause_name((idle_cause_t)c));
		snprintf(col, sizeof col, "idle_%s", ctrl_cause_name((idle_cause_t)c));
		stats_find(r->stats, name, &v);
		rc |= sweep_rec_add_u64(row, col, v);
	}
	if (e) {
		rc |= sweep_rec_add_num(row, "energy_uj", "%.6f", e->energy_uj);
		rc |= sweep_rec_add_num(row, "avg_power_w", "%.6f", e->avg_power_w);
		rc |= sweep_rec_add_num(row, "area_mm2", "%.6f", e->area_mm2);
		rc |= sweep_rec_add_num(row, "gflops_per_w", "%.6f", e->gflops_per_w);
	}
	return rc ? SIM_ENOMEM : SIM_OK;
}

int sweep_point_run(const sweep_spec_t *s, size_t i, const energy_tech_t *tech, tile_cache_t *tiles,
		    const char *version, sweep_rec_t **out, sim_err_t *err)
{
	const sweep_point_t *pt = &s->pts[i];
	/* The point was hashed when the spec was expanded; a config or workload
	 * file edited since would label this row with a stale hash. */
	run_job_t job = {
		.hw_path = pt->hw_path,
		.hw_over = (const char *const *)pt->p,
		.n_hw = pt->np,
		.wl_path = pt->wl_path,
		.wl_over = (const char *const *)pt->w,
		.n_wl = pt->nw,
		.version = version,
		.expect_hash = pt->hash,
		.tech = s->energy ? tech : NULL,
		.opts = { .cold = s->cold, .fast_forward = s->fast_forward, .tile_cache = tiles },
	};
	run_outcome_t o;
	int rc = run_pipeline(&job, &o, err);
	if (rc)
		return rc;
	sweep_rec_t *row = sweep_rec_create();
	if (!row || point_row(pt, &o.r, o.priced ? &o.e : NULL, s->cold, version, row))
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	run_outcome_free(&o);
	if (rc) {
		sweep_rec_free(row);
		return rc;
	}
	*out = row;
	return SIM_OK;
}
