#include "point.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../config/config.h"
#include "../core/resolve.h"
#include "../core/run.h"
#include "../ctrl/ctrl.h"
#include "../energy/energy.h"

static int point_row(const sweep_point_t *pt, const run_result_t *r, const energy_report_t *e, bool cold,
		     sweep_rec_t *row)
{
	int rc = sweep_rec_add(row, "config_hash", 's', pt->hash);
	rc |= sweep_rec_add(row, "hw", 's', r->hw.name);
	rc |= sweep_rec_add(row, "workload", 's', pt->wl_name);
	rc |= sweep_rec_add(row, "scheduler", 's', hw_sched_name(r->hw.scheduler));
	for (size_t i = 0; i < sweep_rec_len(pt->label); i++)
		rc |= sweep_rec_add(row, sweep_rec_key(pt->label, i), sweep_rec_type(pt->label, i),
				    sweep_rec_value(pt->label, i));
	rc |= sweep_rec_add_u64(row, "macs_per_cycle",
				(unsigned long long)r->hw.compute.vs_units * resolve_lanes(&r->hw));
	rc |= sweep_rec_add(row, "weights", 's',
			    r->weights == WEIGHTS_RESIDENT ? "resident" : r->weights == WEIGHTS_STREAM ? "streamed" : "mixed");
	rc |= sweep_rec_add(row, "weights_fit", 'b', r->weights_fit ? "true" : "false");
	rc |= sweep_rec_add(row, "cold", 'b', cold ? "true" : "false");
	rc |= sweep_rec_add_u64(row, "cycles", r->cycles);
	rc |= sweep_rec_add_u64(row, "load_cycles", r->load_cycles);
	rc |= sweep_rec_add_num(row, "latency_us", "%.6f", r->latency_us);
	rc |= sweep_rec_add_num(row, "utilization", "%.6f", r->utilization);
	rc |= sweep_rec_add_u64(row, "useful_macs", r->useful_macs);
	rc |= sweep_rec_add_u64(row, "issued_macs", r->issued_macs);
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

int sweep_point_run(const sweep_spec_t *s, size_t i, const char *tech, const char *version, sweep_rec_t **out,
		    sim_err_t *err)
{
	const sweep_point_t *pt = &s->pts[i];
	hw_cfg_t hw;
	workload_t w = { 0 };
	int rc = config_load_hw(pt->hw_path, (const char *const *)pt->p, pt->np, &hw, err);
	if (!rc)
		rc = config_load_workload(pt->wl_path, (const char *const *)pt->w, pt->nw, &w, err);
	if (rc) {
		workload_free(&w);
		return rc;
	}
	/* The point was hashed when the spec was expanded; a config or workload
	 * file edited since would label this row with a stale hash. */
	char hash[17];
	snprintf(hash, sizeof hash, "%016llx", (unsigned long long)config_hash(&hw, &w, version));
	if (strcmp(hash, pt->hash)) {
		workload_free(&w);
		return sim_err(err, SIM_EINPUT, "%s, %s: changed since the sweep was expanded (config_hash %s, "
			       "expected %s)", pt->hw_path, pt->wl_path, hash, pt->hash);
	}
	run_opts_t o = { .cold = s->cold, .fast_forward = s->fast_forward };
	run_result_t r;
	rc = accel_run(&hw, &w, &o, &r, err);
	workload_free(&w);
	if (rc)
		return rc;
	energy_report_t e;
	energy_tech_t *t = NULL;
	if (s->energy && tech && *tech) {
		rc = energy_tech_load(tech, &t, err);
		if (!rc)
			rc = energy_eval(t, &r.hw, r.stats, r.cycles, &e, err);
		energy_tech_destroy(t);
	}
	sweep_rec_t *row = rc ? NULL : sweep_rec_create();
	if (!rc && (!row || point_row(pt, &r, s->energy && tech && *tech ? &e : NULL, s->cold, row)))
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	run_result_free(&r);
	if (rc) {
		sweep_rec_free(row);
		return rc;
	}
	*out = row;
	return SIM_OK;
}
