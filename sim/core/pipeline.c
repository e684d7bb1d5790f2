#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../approx/apx_anytime.h"
#include "../approx/apx_budget.h"
#include "../approx/apx_eval.h"
#include "../config/config.h"
#include "../machine/machine.h"

/* The run reports a problem with one layer of an otherwise valid config as
 * "layer N: ..." (the model knows layers, not files); put the layer's place
 * in the workload file in front, in the file:line:col form of every other
 * input error. */
static void pipeline_locate_layer_error(sim_err_t *err, const workload_t *w)
{
	unsigned long n;
	char tail;
	if (err->code != SIM_EINPUT || sscanf(err->msg, "layer %lu%c", &n, &tail) != 2 || n < 1 || n > w->n_layers ||
	    (tail != ':' && tail != ' '))
		return;
	const layer_cfg_t *l = &w->layers[n - 1];
	if (l->line > 0)
		sim_err_prefix(err, "%s:%d:%d: ", w->path, l->line, l->col);
	else
		sim_err_prefix(err, "%s: ", w->path);
}

/* SHARP is priced from the technology table; another machine prices
 * itself from the terms of its own section (machine.h). */
int run_price(const energy_tech_t *tech, const run_result_t *r, energy_report_t *e, sim_err_t *err)
{
	const machine_desc_t *m = machine_get((unsigned)r->hw.machine);
	if (!m)
		return energy_eval(tech, &r->hw, r->stats, r->cycles, e, err);
	machine_result_t view = { .cycles = r->cycles,
				  .load_cycles = r->load_cycles,
				  .useful_macs = r->useful_macs,
				  .issued_macs = r->issued_macs,
				  .stats = r->stats };
	memset(e, 0, sizeof *e);
	return m->price(r->hw.machine_cfg.bytes, r->hw.clock_mhz, &view, tech, e, err);
}

static bool pipeline_has_approx(const workload_t *w)
{
	for (size_t i = 0; i < w->n_layers; i++)
		if (w->layers[i].approx != APPROX_NONE)
			return true;
	return false;
}

/* A functional run of a progressive layer (apx_eval.h): the engine times
 * it, its values are evaluated in double beside the engine. The first
 * layer only, alone or followed by a classifier (fc layers and a softmax,
 * apx_eval_check_head) that is evaluated in double too: a recurrent layer
 * after it would need its outputs from the datapath. */
static int pipeline_run_approx(const run_job_t *job, run_outcome_t *out, sim_err_t *err)
{
	const workload_t *w = &out->w;
	const layer_cfg_t *l = &w->layers[0];
	if (l->approx == APPROX_NONE || l->skip_input)
		return sim_err_at(err, SIM_EINPUT, w->path, l->line, l->col,
				  "--functional evaluates a progressive layer (approx: svd_prune) on its own inputs, "
				  "expected it as the first layer, reading x_t (no skip_input)");
	int head = apx_eval_check_head(w, err);
	if (head < 0)
		return err->code;
	run_opts_t o = job->opts;
	o.functional = false;
	int rc = accel_run(&out->hw, w, &o, &out->r, err);
	if (rc)
		return rc;
	layer_result_t *lr = &out->r.layers[0];
	lr->refine_rel_error = calloc(l->approx_steps, sizeof *lr->refine_rel_error);
	lr->refine_cosine = calloc(l->approx_steps, sizeof *lr->refine_cosine);
	if (head) {
		lr->refine_kl = calloc(l->approx_steps, sizeof *lr->refine_kl);
		lr->refine_argmax = calloc(l->approx_steps, sizeof *lr->refine_argmax);
	}
	rc = !lr->refine_rel_error || !lr->refine_cosine || (head && (!lr->refine_kl || !lr->refine_argmax))
		     ? sim_err(err, SIM_ENOMEM, "out of memory")
		     : apx_eval_layer(w, 0, job->opts.seed, lr->refine_rel_error, lr->refine_cosine, lr->refine_kl,
				      lr->refine_argmax, job->opts.dump_dir, err);
	if (rc)
		run_result_free(&out->r);
	return rc;
}

/* The dense baseline's anytime curve (apx_anytime.h): the engine records
 * when each row block leaves the accumulators, the curve is evaluated in
 * double beside it. One unidirectional dense layer reading its whole h
 * (no projection), every sequence every step, so that its blocks and the
 * reference's h are one layer's. */
static int pipeline_run_anytime(const run_job_t *job, run_outcome_t *out, sim_err_t *err)
{
	const workload_t *w = &out->w;
	const layer_cfg_t *l = &w->layers[0];
	if (w->n_layers != 1 || l->approx != APPROX_NONE || l->direction != DIR_UNI || l->proj_size ||
	    l->sequence_lens.n || l->delta)
		return sim_err_at(err, SIM_EINPUT, w->path, l->line, l->col,
				  "--anytime reads a dense layer's h after each row block, expected a one-layer "
				  "workload with a dense (no approx), forward, unprojected layer without "
				  "sequence_lens or delta (a progressive layer reports its own curve)");
	int rc = accel_run(&out->hw, w, &job->opts, &out->r, err);
	if (!rc && job->opts.functional)
		rc = apx_anytime_eval(w, 0, job->opts.seed, out->r.layers[0].anytime, err);
	if (rc)
		run_result_free(&out->r);
	return rc;
}

int run_pipeline(const run_job_t *job, run_outcome_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	int rc = job->memo && job->hw_path
			 ? config_memo_hw(job->memo, job->hw_path, job->hw_over, job->n_hw, &out->hw, err)
			 : config_load_hw(job->hw_path, job->hw_over, job->n_hw, &out->hw, err);
	if (!rc)
		rc = job->memo && job->wl_path
			     ? config_memo_workload(job->memo, job->wl_path, job->wl_over, job->n_wl, &out->w, err)
			     : config_load_workload(job->wl_path, job->wl_over, job->n_wl, &out->w, err);
	if (rc) {
		workload_free(&out->w);
		return rc;
	}
	out->config_hash = config_hash(&out->hw, &out->w, job->version);
	char hash[17];
	snprintf(hash, sizeof hash, "%016llx", (unsigned long long)out->config_hash);
	if (job->expect_hash && strcmp(hash, job->expect_hash)) {
		workload_free(&out->w);
		return sim_err(err, SIM_EINPUT,
			       "%s, %s: changed since the sweep was expanded (config_hash %s, "
			       "expected %s)",
			       job->hw_path, job->wl_path, hash, job->expect_hash);
	}
	/* A time budget fixes each progressive layer's refinement steps before
	 * the run (apx_budget.h). */
	if (!rc)
		rc = apx_eval_check_factors(&out->w, err);
	if (!rc && job->opts.budget_us > 0)
		rc = apx_budget_fit(&out->hw, &out->w, &job->opts, job->opts.budget_us, err);
	if (!rc && job->opts.anytime)
		rc = pipeline_run_anytime(job, out, err);
	else if (!rc && job->opts.functional && pipeline_has_approx(&out->w))
		rc = pipeline_run_approx(job, out, err);
	else if (!rc)
		rc = accel_run(&out->hw, &out->w, &job->opts, &out->r, err);
	if (!rc && job->tech) {
		rc = run_price(job->tech, &out->r, &out->e, err);
		out->priced = rc == SIM_OK;
		if (rc)
			run_result_free(&out->r);
	}
	if (rc) {
		pipeline_locate_layer_error(err, &out->w);
		workload_free(&out->w);
	}
	return rc;
}

void run_outcome_free(run_outcome_t *o)
{
	run_result_free(&o->r);
	workload_free(&o->w);
}
