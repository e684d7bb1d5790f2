#include "pipeline.h"

#include <stdio.h>
#include <string.h>

#include "../config/config.h"

int run_pipeline(const run_job_t *job, run_outcome_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	int rc = config_load_hw(job->hw_path, job->hw_over, job->n_hw, &out->hw, err);
	if (!rc)
		rc = config_load_workload(job->wl_path, job->wl_over, job->n_wl, &out->w, err);
	if (rc) {
		workload_free(&out->w);
		return rc;
	}
	out->config_hash = config_hash(&out->hw, &out->w, job->version);
	char hash[17];
	snprintf(hash, sizeof hash, "%016llx", (unsigned long long)out->config_hash);
	if (job->expect_hash && strcmp(hash, job->expect_hash)) {
		workload_free(&out->w);
		return sim_err(err, SIM_EINPUT, "%s, %s: changed since the sweep was expanded (config_hash %s, "
			       "expected %s)", job->hw_path, job->wl_path, hash, job->expect_hash);
	}
	rc = accel_run(&out->hw, &out->w, &job->opts, &out->r, err);
	if (!rc && job->tech) {
		rc = energy_eval(job->tech, &out->r.hw, out->r.stats, out->r.cycles, &out->e, err);
		out->priced = rc == SIM_OK;
		if (rc)
			run_result_free(&out->r);
	}
	if (rc)
		workload_free(&out->w);
	return rc;
}

void run_outcome_free(run_outcome_t *o)
{
	run_result_free(&o->r);
	workload_free(&o->w);
}
