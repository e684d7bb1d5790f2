/*
 * pipeline.h - the one path from files to priced results: load -> plan ->
 * run -> price. `sharpsim run`, `compare` and each point of `sweep` take it,
 * so a change to how a run is prepared is made once.
 */
#ifndef SHARPSIM_PIPELINE_H
#define SHARPSIM_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../config/config_memo.h"
#include "../energy/energy.h"
#include "run.h"

typedef struct run_job {
	const char *hw_path;
	const char *const *hw_over; /* -p key=value overrides */
	size_t n_hw;
	const char *wl_path;
	const char *const *wl_over; /* -w key=value overrides */
	size_t n_wl;
	const char *version;	 /* hashed into config_hash */
	const char *expect_hash; /* non-NULL: the loaded files must still hash to it */
	/* Non-NULL: the process's config memo (for the paths that are set),
	 * kept across its runs; the configs it gives are what loading gives. */
	config_memo_t *memo;
	run_opts_t opts;
	const energy_tech_t *tech; /* NULL: not priced */
} run_job_t;

typedef struct run_outcome {
	hw_cfg_t hw; /* as loaded (autos unresolved; r.hw has them resolved) */
	workload_t w;
	uint64_t config_hash;
	run_result_t r;
	bool priced;
	energy_report_t e;
} run_outcome_t;

/* Energy and area of a finished run: SHARP's from the technology table,
 * another machine's from the terms of its own section (machine.h). */
int run_price(const energy_tech_t *tech, const run_result_t *r, energy_report_t *e, sim_err_t *err);
/* On error *out holds nothing to free. */
int run_pipeline(const run_job_t *job, run_outcome_t *out, sim_err_t *err);
void run_outcome_free(run_outcome_t *o);

#endif
