#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cell/cell.h"
#include "../machine/machine.h"
#include "plan.h"
#include "resolve.h"

/* A run on another machine than SHARP (sim/machine/machine.h): the
 * machine's own units and clock, its result told in run_result_t's terms.
 * Its layers carry no tile and no weight placement (the report leaves those
 * columns empty). */
static int run_machine(const hw_cfg_t *hw, const workload_t *w, const run_opts_t *opts, run_result_t *out,
		       sim_err_t *err)
{
	const machine_desc_t *m = machine_get((unsigned)hw->machine);
	if (!m)
		return sim_err(err, SIM_EINTERNAL, "machine index %d is not registered", hw->machine);
	if (opts->functional || opts->trace_path || opts->dump_dir || opts->cu_mode != CU_BACKEND_C)
		return sim_err(err, SIM_EINPUT,
			       "machine %s models timing and energy only, expected a run without --functional, "
			       "--trace, --dump or an RTL backend (those run on machine sharp)",
			       m->name);
	/* LSTMP and finished sequences are SHARP's alone: the other machines'
	 * step models have no projection product and run every sequence all T
	 * steps. */
	for (size_t i = 0; i < w->n_layers; i++)
		if (w->layers[i].proj_size || w->layers[i].sequence_lens.n)
			return sim_err(err, SIM_EINPUT,
				       "%s: layer %zu has %s; machine %s models none, expected %s or machine sharp",
				       w->path, i + 1,
				       w->layers[i].proj_size ? "a projection (proj_size)" : "sequence_lens", m->name,
				       w->layers[i].proj_size ? "proj_size: 0" : "no sequence_lens");
	for (size_t i = 0; i < w->n_layers; i++) {
		unsigned cf = cell_get(w->layers[i].cell)->flags;
		if ((cf & CELL_F_STATE) && !(cf & CELL_F_RECURRENT))
			return sim_err(err, SIM_EINPUT,
				       "%s: layer %zu is %s, whose products read x only; machine %s models cells "
				       "with U.h or fc, expected another cell or machine sharp",
				       w->path, i + 1, workload_cell_name(w->layers[i].cell), m->name);
	}
	/* A progressive layer's program exists on SHARP's datapath only; another
	 * machine would time the dense layer under the progressive one's name. */
	for (size_t i = 0; i < w->n_layers; i++)
		if (w->layers[i].approx != APPROX_NONE)
			return sim_err_at(err, SIM_EINPUT, w->path, w->layers[i].line, w->layers[i].col,
					  "layer %zu is progressive (approx: svd_prune), which is modelled on SHARP's "
					  "datapath, not on machine %s's, expected a SHARP config (machine: sharp)",
					  i + 1, m->name);
	/* Likewise a softmax's program (smx_prog.h): another machine would time
	 * it as a K x K product. */
	for (size_t i = 0; i < w->n_layers; i++)
		if (cell_get(w->layers[i].cell)->flags & CELL_F_SOFTMAX)
			return sim_err_at(err, SIM_EINPUT, w->path, w->layers[i].line, w->layers[i].col,
					  "layer %zu is a softmax, which is modelled on SHARP's datapath, not on "
					  "machine %s's, expected a SHARP config (machine: sharp)",
					  i + 1, m->name);
	machine_opts_t mo = { .fast_forward = opts->fast_forward, .cold = opts->cold };
	machine_result_t mr;
	memset(&mr, 0, sizeof mr);
	int rc = m->run(hw->machine_cfg.bytes, hw->clock_mhz, w, &mo, &mr, err);
	if (rc)
		return rc;
	uint64_t want = 0, macs = m->macs(hw->machine_cfg.bytes);
	for (size_t i = 0; i < w->n_layers; i++)
		want += workload_layer_macs(&w->layers[i]);
	if (mr.useful_macs != want || mr.issued_macs < mr.useful_macs || !macs) {
		rc = sim_err(err, SIM_EINTERNAL,
			     "machine %s counted %llu useful and %llu issued MACs on %llu MAC units; the workload "
			     "has %llu",
			     m->name, (unsigned long long)mr.useful_macs, (unsigned long long)mr.issued_macs,
			     (unsigned long long)macs, (unsigned long long)want);
		machine_result_free(&mr);
		return rc;
	}
	out->layers = calloc(mr.n_passes ? mr.n_passes : 1, sizeof *out->layers);
	if (!out->layers) {
		machine_result_free(&mr);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	out->hw = *hw;
	out->cycles = mr.cycles;
	out->load_cycles = mr.load_cycles;
	out->cold = opts->cold;
	out->weights = WEIGHTS_RESIDENT;
	out->weights_fit = true;
	out->useful_macs = mr.useful_macs;
	out->issued_macs = mr.issued_macs;
	out->macs_per_cycle = macs;
	out->utilization = mr.cycles ? (double)mr.useful_macs / ((double)mr.cycles * (double)macs) : 0;
	out->latency_us = (double)mr.cycles / hw->clock_mhz;
	out->peak_gflops = 2.0 * (double)macs * hw->clock_mhz / 1000.0;
	out->n_layers = mr.n_passes;
	for (size_t i = 0; i < mr.n_passes; i++) {
		const machine_pass_t *p = &mr.passes[i];
		layer_result_t *l = &out->layers[i];
		l->cfg = w->layers[p->layer];
		l->layer = p->layer;
		l->backward = p->backward;
		l->cycles = p->cycles;
		l->useful_macs = p->useful_macs;
		l->issued_macs = p->issued_macs;
		l->weights = WEIGHTS_RESIDENT;
		l->weights_fit = true;
	}
	out->stats = mr.stats;
	snprintf(out->note, sizeof out->note, "%s", mr.note);
	mr.stats = NULL;
	machine_result_free(&mr);
	return SIM_OK;
}

int accel_run(const hw_cfg_t *hw, const workload_t *w, const run_opts_t *opts, run_result_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!w->n_layers)
		return sim_err(err, SIM_EINPUT, "%s: the workload has no layers, expected at least one", w->path);
	if (hw->machine)
		return run_machine(hw, w, opts, out, err);
	int rc = accel_check_opts(w, opts, err);
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
		rc = plan_build(hw, w, table, cache, opts->schedules, &plan, err);
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
	for (size_t i = 0; r->layers && i < r->n_layers; i++)
		free(r->layers[i].err.delta_used_step), free(r->layers[i].refine_at),
			free(r->layers[i].refine_rel_error), free(r->layers[i].refine_cosine),
			free(r->layers[i].refine_kl), free(r->layers[i].refine_argmax),
			run_anytime_free(r->layers[i].anytime);
	free(r->layers);
	r->stats = NULL;
	r->layers = NULL;
}

void run_anytime_free(run_anytime_t *a)
{
	if (!a)
		return;
	free(a->j0), free(a->rows), free(a->left_at), free(a->rel_error), free(a->cosine);
	free(a);
}

const char *run_pass_direction(const layer_result_t *l)
{
	return l->both ? "both" : l->backward ? "backward" : "forward";
}
