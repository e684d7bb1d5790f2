#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "../arith/act.h"
#include "../common/json.h"
#include "../config/params.h"
#include "../ctrl/ctrl.h"

static const char *const stage_names[] = { "ctrl", "vs", "acc", "mfu", "cell" };
#define NSTAGES (sizeof stage_names / sizeof stage_names[0])

static uint64_t counter(const run_result_t *r, const char *name)
{
	uint64_t v = 0;
	stats_find(r->stats, name, &v);
	return v;
}

static uint64_t stage_counter(const run_result_t *r, const char *stage, const char *what)
{
	char key[64];
	snprintf(key, sizeof key, "%s.%s", stage, what);
	return counter(r, key);
}

/* Another machine's idle causes: its counters "idle.*", in registration
 * order (SHARP's are the fixed list of ctrl.h). */
static void machine_idle_json(FILE *f, const run_result_t *r)
{
	bool first = true;
	for (size_t i = 0; i < stats_size(r->stats); i++)
		if (!strncmp(stats_name(r->stats, i), "idle.", 5)) {
			fprintf(f, "%s\n    \"%s\": %" PRIu64, first ? "" : ",", stats_name(r->stats, i) + 5,
				stats_value(r->stats, i));
			first = false;
		}
}

static const char *weights_word(const run_result_t *r)
{
	return r->weights == WEIGHTS_RESIDENT ? "resident" : r->weights == WEIGHTS_STREAM ? "streamed" : "mixed";
}

int report_parse_format(const char *s, report_format_t *out)
{
	static const char *const names[] = { "text", "json", "csv" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*out = (report_format_t)i;
			return 0;
		}
	return -1;
}

static double wbuf_gbps(const run_result_t *r)
{
	return (double)r->wbuf_peak_bytes_per_cycle * r->hw.clock_mhz * 1e6 / 1e9;
}

/* The activation functions' largest error against libm over their input
 * range [-range, range], on a 200 001-point grid: 0 for exact activations.
 * Returns false if the table cannot be built. */
static bool act_errors(const hw_cfg_t *hw, double *sig, double *tanh_err)
{
	*sig = *tanh_err = 0;
	if (hw->activation.mode != ACT_PWL)
		return true;
	act_t *a = act_create(&hw->activation);
	if (!a)
		return false;
	double r = hw->activation.range;
	*sig = act_max_error(a, ACT_SIGMOID, -r, r, 200001);
	*tanh_err = act_max_error(a, ACT_TANH, -r, r, 200001);
	act_destroy(a);
	return true;
}

/* The largest error over [-range, range] (as act_errors) of each table
 * function other than sigmoid and tanh that a layer of the run selects
 * (act_f, act_g, act_h), with its parameters (the worst over layers using
 * it): err[fn] >= 0 for those, -1 for the others; all -1 unless pwl. */
static void act_extra_errors(const run_result_t *r, double err[ACT_N_FN])
{
	for (int k = 0; k < ACT_N_FN; k++)
		err[k] = -1;
	act_t *a = r->hw.activation.mode == ACT_PWL ? act_create(&r->hw.activation) : NULL;
	double range = r->hw.activation.range;
	for (size_t i = 0; a && i < r->n_layers; i++) {
		const layer_cfg_t *l = &r->layers[i].cfg;
		for (unsigned k = 0; k < workload_act_roles(l->cell); k++) {
			if (l->act[k] == LACT_AUTO)
				continue;
			act_fn_t fn = (act_fn_t)(l->act[k] - 1);
			if (fn == ACT_SIGMOID || fn == ACT_TANH || act_is_linear(fn))
				continue;
			act_spec_t s = act_default(fn);
			if (act_takes_alpha(fn) && l->act_alpha[k] != 0)
				s.alpha = l->act_alpha[k];
			if (act_takes_beta(fn) && l->act_beta[k] != 0)
				s.beta = l->act_beta[k];
			err[fn] = fmax(err[fn], act_max_error_spec(a, &s, -range, range, 200001));
		}
	}
	act_destroy(a);
}

/* "max_abs": A, "max_rel": B, "rms": C; a non-finite error (an overflow
 * in the simulated datapath) is written null. */
static void write_err_fields(FILE *f, const func_err_t *e)
{
	fputs("\"max_abs\": ", f);
	json_write_number(f, "%.9g", e->max_abs);
	fputs(", \"max_rel\": ", f);
	json_write_number(f, "%.9g", e->max_rel);
	fputs(", \"rms\": ", f);
	json_write_number(f, "%.9g", e->rms);
}

/* Whether pass i is one of a bidirectional layer's two passes, or a
 * reverse layer's backward pass (labelled by direction). */
/* T rows of nb values each, as a JSON array of arrays. */
static void report_rows_u64(FILE *f, const uint64_t *v, uint32_t T, uint32_t nb)
{
	for (uint32_t t = 0; t < T; t++) {
		fprintf(f, "%s[", t ? ", " : "");
		for (uint32_t b = 0; b < nb; b++)
			fprintf(f, "%s%" PRIu64, b ? ", " : "", v[(size_t)t * nb + b]);
		fputc(']', f);
	}
}

static void report_rows_dbl(FILE *f, const double *v, uint32_t T, uint32_t nb, int digits)
{
	for (uint32_t t = 0; t < T; t++) {
		fprintf(f, "%s[", t ? ", " : "");
		for (uint32_t b = 0; b < nb; b++)
			fprintf(f, "%s%.*g", b ? ", " : "", digits, v[(size_t)t * nb + b]);
		fputc(']', f);
	}
}

/* A dense layer's anytime record (--anytime; run.h, docs/outputs.md). */
static void report_anytime_json(FILE *f, const run_anytime_t *a, uint32_t T)
{
	fprintf(f, ", \"anytime\": {\"blocks\": %u, \"block_rows\": [", a->nblock);
	for (uint32_t b = 0; b < a->nblock; b++)
		fprintf(f, "%s[%u, %u]", b ? ", " : "", a->j0[b], a->rows[b]);
	fprintf(f, "], \"left_at_cycles\": [");
	report_rows_u64(f, a->left_at, T, a->nblock);
	fputc(']', f);
	if (a->rel_error) {
		fprintf(f, ", \"rel_error\": [");
		report_rows_dbl(f, a->rel_error, T, a->nblock, 9);
		fprintf(f, "], \"cosine\": [");
		report_rows_dbl(f, a->cosine, T, a->nblock, 12);
		fputc(']', f);
	}
	fputc('}', f);
}

static bool pass_bidir(const run_result_t *r, size_t i)
{
	const layer_result_t *l = r->layers;
	return l[i].backward || (i + 1 < r->n_layers && l[i + 1].backward && l[i + 1].layer == l[i].layer);
}

/* "layer N" for the values table, with the direction when the layer is
 * bidirectional (one row per pass). */
static void pass_name(const run_result_t *r, size_t i, char *out, size_t len)
{
	if (pass_bidir(r, i))
		snprintf(out, len, "layer %u %s", r->layers[i].layer + 1, r->layers[i].backward ? "bwd" : "fwd");
	else
		snprintf(out, len, "layer %u", r->layers[i].layer + 1);
}

static bool err_finite(const func_err_t *e)
{
	return isfinite(e->max_abs) && isfinite(e->max_rel) && isfinite(e->rms);
}

static void write_err(FILE *f, const char *name, const func_err_t *e, bool comma)
{
	fprintf(f, "%s\"%s\": {", comma ? ", " : "", name);
	write_err_fields(f, e);
	fputc('}', f);
}

/* Dense-equivalent throughput: the MACs the layer (or run) would take with
 * every weight non-zero, 2 FLOP each, over its time. Equal to the achieved
 * throughput for a dense run. */
static double effective_gflops(const run_result_t *r, const layer_result_t *l)
{
	double us = l ? (double)l->cycles / r->hw.clock_mhz : r->latency_us;
	uint64_t macs = l ? workload_layer_macs(&l->cfg) : r->dense_macs ? r->dense_macs : r->useful_macs;
	return us > 0 ? 2.0 * (double)macs / us / 1000.0 : 0;
}

/* The fraction of delta-encoded columns skipped, over the run's delta
 * layers (l NULL) or one layer; false when there is none. */
static bool delta_skip(const run_result_t *r, const layer_result_t *l, double *out)
{
	uint64_t used = 0, skipped = 0;
	bool any = false;
	for (size_t i = 0; i < r->n_layers; i++) {
		const func_layer_err_t *e = &r->layers[i].err;
		if ((l && l != &r->layers[i]) || !e->delta)
			continue;
		any = true;
		used += e->delta_x_used + e->delta_h_used;
		skipped += e->delta_x_skipped + e->delta_h_skipped;
	}
	*out = used + skipped ? (double)skipped / (double)(used + skipped) : 0;
	return any;
}

/* A ratio of skipped to all, 0 when there is nothing. */
/* `"key": [v0, v1, ...], ` with each value in fmt, a non-finite one as
 * null (a KL is infinite when a datapath logit is). */
static void report_json_list(FILE *f, const char *key, const double *v, uint32_t n, const char *fmt)
{
	fprintf(f, "\"%s\": [", key);
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		json_write_number(f, fmt, v[i]);
	}
	fputs("], ", f);
}

static double delta_ratio(uint64_t skipped, uint64_t used)
{
	return used + skipped ? (double)skipped / (double)(used + skipped) : 0;
}

static void write_json(FILE *f, const report_ctx_t *c)
{
	const run_result_t *r = c->r;
	fprintf(f, "{\n  \"version\": ");
	json_write_string(f, c->version);
	fprintf(f, ",\n  \"config_hash\": \"%016" PRIx64 "\",\n  \"hw\": ", c->config_hash);
	json_write_string(f, r->hw.name);
	fprintf(f, ",\n  \"workload\": ");
	json_write_string(f, c->w->name);
	if (r->hw.machine)
		fprintf(f, ",\n  \"machine\": \"%s\"", hw_design_name(&r->hw));
	fprintf(f, ",\n  \"scheduler\": \"%s\",\n", hw_design_name(&r->hw));
	if (!r->hw.machine)
		fprintf(f, "  \"deps\": \"%s\",\n", r->hw.deps == DEPS_STEP ? "step" : "element");
	/* Another machine places its weights its own way (its docs and
	 * counters say how): SHARP's placement words do not apply. */
	if (r->hw.machine)
		fprintf(f, "  \"weights\": null,\n  \"weights_fit\": null,\n  \"cold\": %s,\n",
			r->cold ? "true" : "false");
	else
		fprintf(f, "  \"weights\": \"%s\",\n  \"weights_fit\": %s,\n  \"cold\": %s,\n", weights_word(r),
			r->weights_fit ? "true" : "false", r->cold ? "true" : "false");
	fprintf(f, "  \"dram_bound\": %s,\n  \"dram_wait_fraction\": %.6f,\n", r->dram_bound ? "true" : "false",
		r->dram_wait_fraction);
	fprintf(f, "  \"cycles\": %" PRIu64 ",\n  \"load_cycles\": %" PRIu64 ",\n", r->cycles, r->load_cycles);
	fprintf(f, "  \"latency_us\": %.6f,\n", r->latency_us);
	fprintf(f, "  \"useful_macs\": %" PRIu64 ",\n  \"issued_macs\": %" PRIu64 ",\n", r->useful_macs,
		r->issued_macs);
	fprintf(f, "  \"utilization\": %.6f,\n  \"peak_gflops\": %.3f,\n", r->utilization, r->peak_gflops);
	fprintf(f, "  \"peak_convention\": \"2 FLOP per MAC per cycle\",\n");
	/* Only a run with pruned weights says its dense equivalent: a dense
	 * report stays as it was. */
	if (r->sparse)
		fprintf(f,
			"  \"dense_macs\": %" PRIu64 ",\n  \"achieved_gflops\": %.3f,\n  \"effective_gflops\": %.3f,\n",
			r->dense_macs, r->latency_us > 0 ? 2.0 * (double)r->useful_macs / r->latency_us / 1000.0 : 0,
			effective_gflops(r, NULL));
	fprintf(f, "  \"macs_per_cycle\": %" PRIu64 ",\n", r->macs_per_cycle);
	fprintf(f, "  \"wbuf_peak_gbps\": %.3f,\n", wbuf_gbps(r));
	fprintf(f, "  \"layers\": [");
	bool m = r->hw.machine != 0;
	for (size_t i = 0; i < r->n_layers; i++) {
		const layer_result_t *l = &r->layers[i];
		const layer_cfg_t *lc = &l->cfg;
		/* Another machine has no SHARP tile or weight placement. */
		char tile[16] = "null";
		if (!m)
			snprintf(tile, sizeof tile, "\"%s\"", hw_tile_name(l->tile));
		fprintf(f,
			"%s\n    {\"layer\": %u, \"pass\": \"%s\", \"cell\": \"%s\", \"input_size\": %u, \"hidden_size\": %u, \"timesteps\": %u, "
			"\"batch_size\": %u, \"skip_input\": %s, \"tile\": %s, \"weights\": %s, "
			"\"weights_fit\": %s, \"weight_bytes\": %" PRIu64 ", \"cycles\": %" PRIu64
			", \"useful_macs\": %" PRIu64 ", \"issued_macs\": %" PRIu64,
			i ? "," : "", l->layer + 1, run_pass_direction(l), workload_cell_name(lc->cell), lc->input_size,
			lc->hidden_size, lc->timesteps, lc->batch_size, lc->skip_input ? "true" : "false", tile,
			m				 ? "null"
			: l->weights == WEIGHTS_RESIDENT ? "\"resident\""
							 : "\"streamed\"",
			m		 ? "null"
			: l->weights_fit ? "true"
					 : "false",
			l->weight_bytes, l->cycles, l->useful_macs, l->issued_macs);
		/* Only a compressed layer says how it is stored: an fp16 report
		 * stays as it was before weight_bits existed. */
		if (lc->weight_bits != WBITS_16)
			fprintf(f,
				", \"weight_bits\": %u, \"fp16_weight_bytes\": %" PRIu64
				", \"fits_only_compressed\": %s",
				workload_weight_bits(lc), l->fp16_weight_bytes,
				l->fits_only_compressed ? "true" : "false");
		/* Only a codebook layer says how its weights are indexed. */
		if (lc->weight_codebook != WCB_NONE)
			fprintf(f,
				", \"weight_codebook\": \"%s\", \"fp16_weight_bytes\": %" PRIu64
				", \"fits_only_compressed\": %s",
				param_wcb_names[lc->weight_codebook], l->fp16_weight_bytes,
				l->fits_only_compressed ? "true" : "false");
		if (workload_sparse(lc))
			fprintf(f,
				", \"sparsity\": %g, \"sparsity_pattern\": \"%s\", \"sparse_format\": \"%s\", "
				"\"nonzero_weights\": %" PRIu64,
				lc->sparsity, param_sparse_pattern_names[lc->sparsity_pattern],
				param_sparse_format_names[lc->sparse_format], l->nnz_per_step);
		/* Only a delta layer (functional) says what its encoder skipped. */
		const func_layer_err_t *e = &l->err;
		if (e->delta) {
			fprintf(f,
				", \"delta\": {\"threshold_x\": %.9g, \"threshold_h\": %.9g, \"x_columns\": %u, "
				"\"h_columns\": %u, \"x_skipped\": %" PRIu64 ", \"h_skipped\": %" PRIu64
				", \"skip_ratio\": %.6f, \"skip_ratio_x\": %.6f, \"skip_ratio_h\": %.6f, \"skip_per_step\": [",
				lc->delta_threshold_x, lc->delta_threshold_h, e->delta_nx, e->delta_nh,
				e->delta_x_skipped, e->delta_h_skipped,
				delta_ratio(e->delta_x_skipped + e->delta_h_skipped, e->delta_x_used + e->delta_h_used),
				delta_ratio(e->delta_x_skipped, e->delta_x_used),
				delta_ratio(e->delta_h_skipped, e->delta_h_used));
			uint32_t w = e->delta_nx + e->delta_nh;
			for (uint32_t t = 0; t < lc->timesteps; t++)
				fprintf(f, "%s%.6f", t ? ", " : "",
					w ? 1.0 - (double)e->delta_used_step[t] / (double)w : 0.0);
			fprintf(f, "]}");
		}
		/* Only a progressive layer says when each refinement reached
		 * every row, per time step (run cycles; docs/outputs.md). */
		if (l->refine_at) {
			uint32_t k = l->refine_steps;
			fprintf(f,
				", \"progressive\": {\"nz\": %u, \"steps\": %u, \"value_bits\": %u, \"index_bits\": %u, "
				"\"order\": \"%s\", \"steps_completed\": [",
				lc->approx_nz, k, lc->approx_value_bits, lc->approx_index_bits,
				lc->approx_order == APPROX_ORDER_REFINEMENT ? "refinement" : "block");
			for (uint32_t t = 0; t < lc->timesteps; t++) {
				uint32_t done = 0;
				while (done < k && l->refine_at[(size_t)t * k + done])
					done++;
				fprintf(f, "%s%u", t ? ", " : "", done);
			}
			fprintf(f, "], ");
			if (l->refine_rel_error) {
				report_json_list(f, "rel_error", l->refine_rel_error, k, "%.9g");
				report_json_list(f, "cosine", l->refine_cosine, k, "%.12g");
			}
			if (l->refine_kl) {
				report_json_list(f, "kl", l->refine_kl, k, "%.17g");
				report_json_list(f, "argmax_agreement", l->refine_argmax, k, "%.12g");
			}
			fprintf(f, "\"refine_at_cycles\": [");
			for (uint32_t t = 0; t < lc->timesteps; t++) {
				fprintf(f, "%s[", t ? ", " : "");
				for (uint32_t n = 0; n < k; n++)
					fprintf(f, "%s%" PRIu64, n ? ", " : "", l->refine_at[(size_t)t * k + n]);
				fputc(']', f);
			}
			fprintf(f, "]}");
		}
		if (l->anytime)
			report_anytime_json(f, l->anytime, lc->timesteps);
		fputc('}', f);
	}
	fprintf(f, "\n  ],\n");
	if (r->hw.machine) {
		fprintf(f, "  \"idle_causes\": {");
		machine_idle_json(f, r);
		fprintf(f, "\n  },\n");
	}
	if (!r->hw.machine) {
		fprintf(f, "  \"stages\": {");
		for (size_t i = 0; i < NSTAGES; i++)
			fprintf(f,
				"%s\n    \"%s\": {\"busy\": %" PRIu64 ", \"stall\": %" PRIu64 ", \"starve\": %" PRIu64
				"}",
				i ? "," : "", stage_names[i], stage_counter(r, stage_names[i], "busy"),
				stage_counter(r, stage_names[i], "stall"), stage_counter(r, stage_names[i], "starve"));
		fprintf(f, "\n  },\n  \"idle_causes\": {");
		for (int i = 0; i < IDLE_NCAUSES; i++)
			fprintf(f, "%s\n    \"%s\": %" PRIu64, i ? "," : "", ctrl_cause_name((idle_cause_t)i),
				stage_counter(r, "idle", ctrl_cause_name((idle_cause_t)i)));
		fprintf(f, "\n  },\n");
	}
	if (c->energy) {
		fprintf(f,
			"  \"energy_uj\": %.6f,\n  \"avg_power_w\": %.6f,\n  \"area_mm2\": %.6f,\n"
			"  \"gflops_per_w\": %.6f,\n  \"energy\": ",
			c->energy->energy_uj, c->energy->avg_power_w, c->energy->area_mm2, c->energy->gflops_per_w);
		energy_report_print_json(f, c->energy);
		fprintf(f, ",\n");
	}
	if (r->functional && !r->reference)
		fprintf(f, "  \"error\": {\"computed\": false, \"of\": \"not computed: --reference runs the double "
			   "reference and compares h with it\"},\n");
	if (r->reference) { /* implies functional */
		const func_layer_err_t *last = &r->layers[r->n_layers - 1].err;
		/* non_finite flags an overflow anywhere (its numbers are null). */
		bool non_finite = false;
		for (size_t i = 0; i < r->n_layers; i++) {
			const func_layer_err_t *e = &r->layers[i].err;
			non_finite |= !err_finite(&e->h) || !err_finite(&e->h_last) ||
				      (e->has_c && (!err_finite(&e->c) || !err_finite(&e->c_last)));
		}
		fprintf(f,
			"  \"error\": {\"of\": \"h of the last layer, every step, against the double reference\", "
			"\"non_finite\": %s, ",
			non_finite ? "true" : "false");
		write_err_fields(f, &last->h);
		fputs(", \"layers\": [", f);
		for (size_t i = 0; i < r->n_layers; i++) {
			const func_layer_err_t *e = &r->layers[i].err;
			fprintf(f, "%s\n    {", i ? "," : "");
			if (pass_bidir(r, i))
				fprintf(f, "\"layer\": %u, \"direction\": \"%s\", ", r->layers[i].layer + 1,
					r->layers[i].backward ? "backward" : "forward");
			write_err(f, "h", &e->h, false);
			write_err(f, "h_last", &e->h_last, true);
			if (e->has_c) {
				write_err(f, "c", &e->c, true);
				write_err(f, "c_last", &e->c_last, true);
			}
			if (e->head)
				fprintf(f,
					", \"head\": {\"decisions\": %" PRIu64 ", \"changed\": %" PRIu64
					", \"changed_fraction\": %.9g, \"kl_mean\": %.9g, \"last_step\": {\"decisions\": %u"
					", \"changed\": %" PRIu64 ", \"kl_mean\": %.9g}}",
					e->head_decisions, e->head_changed,
					e->head_decisions ? (double)e->head_changed / (double)e->head_decisions : 0.0,
					e->head_kl_mean, r->layers[i].cfg.batch_size, e->head_last_changed,
					e->head_last_kl_mean);
			fputc('}', f);
		}
		fprintf(f, "\n  ]},\n");
	}
	if (r->functional) {
		double es, et, ex[ACT_N_FN];
		if (act_errors(&r->hw, &es, &et)) {
			fprintf(f,
				"  \"activation\": {\"mode\": \"%s\", \"segments\": %u, \"max_abs_error\": "
				"{\"sigmoid\": %.9g, \"tanh\": %.9g",
				r->hw.activation.mode == ACT_PWL ? "pwl" : "exact", r->hw.activation.segments, es, et);
			act_extra_errors(r, ex);
			for (int k = 0; k < ACT_N_FN; k++)
				if (ex[k] >= 0)
					fprintf(f, ", \"%s\": %.9g", param_lact_name((layer_act_t)(k + 1)), ex[k]);
			fprintf(f, "}},\n");
		}
	}
	fprintf(f, "  \"counters\": {");
	for (size_t i = 0; i < stats_size(r->stats); i++)
		fprintf(f, "%s\n    \"%s\": %" PRIu64, i ? "," : "", stats_name(r->stats, i), stats_value(r->stats, i));
	fprintf(f, "\n  }");
	if (c->describe_counters) {
		fprintf(f, ",\n  \"counter_descriptions\": {");
		for (size_t i = 0; i < stats_size(r->stats); i++) {
			fprintf(f, "%s\n    ", i ? "," : "");
			json_write_string(f, stats_name(r->stats, i));
			fputs(": ", f);
			json_write_string(f, stats_desc(r->stats, i) ? stats_desc(r->stats, i) : "");
		}
		fprintf(f, "\n  },\n  \"counter_units\": {");
		for (size_t i = 0; i < stats_size(r->stats); i++) {
			fprintf(f, "%s\n    ", i ? "," : "");
			json_write_string(f, stats_name(r->stats, i));
			fputs(": ", f);
			json_write_string(f, stats_unit_name(stats_unit(r->stats, i)));
		}
		fprintf(f, "\n  }");
	}
	fprintf(f, "\n}\n");
}

const char *const report_csv_head[] = {
	"schema", "version", "config_hash", "row", "layer", "pass", "hw", "workload", "scheduler", "design", NULL,
};

const char *const report_csv_results[] = {
	"macs_per_cycle",
	"eff_n",
	"eff_k",
	"eff_clock_mhz",
	"tile",
	"weights",
	"weights_fit",
	"cold",
	"cycles",
	"load_cycles",
	"latency_us",
	"utilization",
	"useful_macs",
	"issued_macs",
	"peak_gflops",
	"effective_gflops",
	"idle_padding",
	"idle_dependency",
	"idle_fill_drain",
	"idle_backpressure",
	"idle_weight_fetch",
	"idle_decompress",
	"idle_zero_weight",
	"energy_uj",
	"avg_power_w",
	"area_mm2",
	"gflops_per_w",
	"delta_skip_ratio",
	NULL,
};

void report_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void report_csv_header_cols(FILE *f, const char *const *extra)
{
	const char *const *lists[] = { report_csv_head, report_csv_results, extra };
	bool first = true;
	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; lists[l] && lists[l][i]; i++) {
			fputs(first ? "" : ",", f);
			report_csv_field(f, lists[l][i]);
			first = false;
		}
	fputc('\n', f);
}

void report_csv_line(FILE *f, const char *const *extra, report_csv_get_t get, const void *ctx)
{
	const char *const *lists[] = { report_csv_head, report_csv_results, extra };
	bool first = true;
	char buf[256];
	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; lists[l] && lists[l][i]; i++) {
			fputs(first ? "" : ",", f);
			buf[0] = '\0';
			const char *v = !strcmp(lists[l][i], "schema") ? REPORT_CSV_SCHEMA_TEXT
								       : get(ctx, lists[l][i], buf, sizeof buf);
			report_csv_field(f, v ? v : "");
			first = false;
		}
	fputc('\n', f);
}

void report_csv_header(FILE *f, const report_ctx_t *c)
{
	(void)c;
	report_csv_header_cols(f, NULL);
}

/* The run's row (layer < 0) or one pass's row, and the command's say. */
typedef struct csv_row {
	const report_ctx_t *c;
	long layer;
	report_csv_over_t over;
	const void *over_ctx;
} csv_row_t;

static uint64_t run_lanes(const hw_cfg_t *hw)
{
	return hw->precision.mul == PREC_FIX16X16 ? hw->compute.vs_width / 2 : hw->compute.vs_width;
}

const char *report_csv_value(const report_ctx_t *c, long layer, const char *name, char *buf, size_t size)
{
	const run_result_t *r = c->r;
	const layer_result_t *l = layer >= 0 && (size_t)layer < r->n_layers ? &r->layers[layer] : NULL;
	uint64_t nk = r->macs_per_cycle;
	bool m = r->hw.machine != 0; /* another machine: no tile, no weight placement */
#define CSV_IS(n) (!strcmp(name, n))
#define CSV_U64(v) (snprintf(buf, size, "%" PRIu64, (uint64_t)(v)), buf)
	if (CSV_IS("version"))
		return c->version;
	if (CSV_IS("config_hash"))
		return snprintf(buf, size, "%016" PRIx64, c->config_hash), buf;
	if (CSV_IS("row"))
		return l ? "layer" : "run";
	if (CSV_IS("layer"))
		return l ? CSV_U64(l->layer + 1) : "";
	if (CSV_IS("pass"))
		return l ? run_pass_direction(l) : "";
	if (CSV_IS("hw"))
		return r->hw.name;
	if (CSV_IS("workload"))
		return c->w->name;
	if (CSV_IS("scheduler"))
		return hw_design_name(&r->hw);
	if (CSV_IS("macs_per_cycle"))
		return CSV_U64(nk);
	if (CSV_IS("eff_n"))
		return CSV_U64(m ? nk : r->hw.compute.vs_units);
	if (CSV_IS("eff_k"))
		return CSV_U64(m ? 1 : run_lanes(&r->hw));
	if (CSV_IS("eff_clock_mhz"))
		return snprintf(buf, size, "%g", r->hw.clock_mhz), buf;
	if (CSV_IS("tile"))
		return l && !m ? hw_tile_name(l->tile) : "";
	if (CSV_IS("weights"))
		return m ? "" : l ? (l->weights == WEIGHTS_RESIDENT ? "resident" : "streamed") : weights_word(r);
	if (CSV_IS("weights_fit"))
		return m ? "" : (l ? l->weights_fit : r->weights_fit) ? "true" : "false";
	if (CSV_IS("cold"))
		return r->cold ? "true" : "false";
	if (CSV_IS("cycles"))
		return CSV_U64(l ? l->cycles : r->cycles);
	if (CSV_IS("load_cycles"))
		return l ? "" : CSV_U64(r->load_cycles);
	if (CSV_IS("latency_us"))
		return snprintf(buf, size, "%.6f", l ? (double)l->cycles / r->hw.clock_mhz : r->latency_us), buf;
	if (CSV_IS("utilization")) {
		double u = !l	       ? r->utilization
			   : l->cycles ? (double)l->useful_macs / ((double)l->cycles * (double)nk)
				       : 0;
		return snprintf(buf, size, "%.6f", u), buf;
	}
	if (CSV_IS("useful_macs"))
		return CSV_U64(l ? l->useful_macs : r->useful_macs);
	if (CSV_IS("issued_macs"))
		return CSV_U64(l ? l->issued_macs : r->issued_macs);
	if (CSV_IS("peak_gflops"))
		return snprintf(buf, size, "%.3f", r->peak_gflops), buf;
	if (CSV_IS("effective_gflops"))
		return snprintf(buf, size, "%.3f", effective_gflops(r, l)), buf;
	if (!strncmp(name, "idle_", 5))
		return l ? "" : CSV_U64(stage_counter(r, "idle", name + 5));
	if (CSV_IS("delta_skip_ratio")) {
		double skip;
		return delta_skip(r, l, &skip) ? (snprintf(buf, size, "%.6f", skip), buf) : "";
	}
	if (!c->energy || l)
		return "";
	if (CSV_IS("energy_uj"))
		return snprintf(buf, size, "%.6f", c->energy->energy_uj), buf;
	if (CSV_IS("avg_power_w"))
		return snprintf(buf, size, "%.6f", c->energy->avg_power_w), buf;
	if (CSV_IS("area_mm2"))
		return snprintf(buf, size, "%.6f", c->energy->area_mm2), buf;
	if (CSV_IS("gflops_per_w"))
		return snprintf(buf, size, "%.6f", c->energy->gflops_per_w), buf;
#undef CSV_IS
#undef CSV_U64
	return "";
}

static const char *run_csv_get(const void *ctx, const char *name, char *buf, size_t size)
{
	const csv_row_t *row = ctx;
	const char *v = row->over ? row->over(row->over_ctx, row->layer, name, buf, size) : NULL;
	return v ? v : report_csv_value(row->c, row->layer, name, buf, size);
}

void report_csv_rows(FILE *f, const report_ctx_t *c, const char *const *extra, report_csv_over_t over,
		     const void *over_ctx)
{
	csv_row_t row = { .c = c, .layer = -1, .over = over, .over_ctx = over_ctx };
	report_csv_line(f, extra, run_csv_get, &row);
	for (size_t i = 0; c->per_layer && i < c->r->n_layers; i++) {
		row.layer = (long)i;
		report_csv_line(f, extra, run_csv_get, &row);
	}
}

static void write_csv(FILE *f, const report_ctx_t *c)
{
	report_csv_header(f, c);
	report_csv_rows(f, c, NULL, NULL, NULL);
}

static void write_counters_text(FILE *f, const run_result_t *r)
{
	fprintf(f, "\ncounters\n");
	for (size_t i = 0; i < stats_size(r->stats); i++)
		fprintf(f, "  %-24s %16" PRIu64 " %-11s  %s\n", stats_name(r->stats, i), stats_value(r->stats, i),
			stats_unit_name(stats_unit(r->stats, i)),
			stats_desc(r->stats, i) ? stats_desc(r->stats, i) : "");
}

static void write_text(FILE *f, const report_ctx_t *c)
{
	const run_result_t *r = c->r;
	uint64_t lanes =
		r->cycles * (r->issued_macs && r->cycles ? r->peak_gflops * 1000.0 / 2.0 / r->hw.clock_mhz : 0);
	fprintf(f, "sharpsim %s  config %016" PRIx64 "\n", c->version, c->config_hash);
	fprintf(f, "hardware   %s: N=%u VS units x K=%u lanes, %.0f MHz, scheduler %s (deps %s)\n", r->hw.name,
		r->hw.compute.vs_units, r->hw.compute.vs_width, r->hw.clock_mhz, hw_sched_name(r->hw.scheduler),
		r->hw.deps == DEPS_STEP ? "step" : "element");
	fprintf(f, "workload   %s: %zu layer(s)\n", c->w->name, c->w->n_layers);
	for (size_t i = 0; i < r->n_layers; i++) {
		const layer_result_t *lr = &r->layers[i];
		const layer_cfg_t *l = &lr->cfg;
		fprintf(f,
			"  layer %u%s  %s I=%u%s H=%u T=%u B=%u  tile %s  weights %s (%.1f MB%s)  %" PRIu64 " cycles\n",
			lr->layer + 1,
			lr->both       ? " (both directions)"
			: lr->backward ? " (backward)"
				       : "",
			workload_cell_name(l->cell), l->input_size, l->skip_input ? " (skipped)" : "", l->hidden_size,
			l->timesteps, l->batch_size, hw_tile_name(lr->tile),
			lr->weights == WEIGHTS_RESIDENT ? "resident" : "streamed", (double)lr->weight_bytes / 1e6,
			lr->weights_fit ? "" : ", does not fit", lr->cycles);
		if (l->weight_bits != WBITS_16)
			fprintf(f, "           %u-bit weights with fp32 %s scales: %.1f MB at fp16%s\n",
				workload_weight_bits(l),
				l->weight_scale == WSCALE_ROW	  ? "row"
				: l->weight_scale == WSCALE_BLOCK ? "block"
								  : "tensor",
				(double)lr->fp16_weight_bytes / 1e6,
				lr->fits_only_compressed ? ", fits only compressed" : "");
		if (l->weight_codebook != WCB_NONE)
			fprintf(f, "           codebook weights (%s): %.1f MB at fp16%s\n",
				param_wcb_names[l->weight_codebook], (double)lr->fp16_weight_bytes / 1e6,
				lr->fits_only_compressed ? ", fits only compressed" : "");
		if (workload_sparse(l))
			fprintf(f, "           %.1f %% sparse (%s), stored %s: %" PRIu64 " non-zero weights a step\n",
				100.0 * l->sparsity, param_sparse_pattern_names[l->sparsity_pattern],
				param_sparse_format_names[l->sparse_format], lr->nnz_per_step);
		const func_layer_err_t *e = &lr->err;
		if (e->delta)
			fprintf(f,
				"           delta network: thresholds x %g, h %g; skipped %.1f %% of the columns "
				"(x %.1f %%, h %.1f %%)\n",
				l->delta_threshold_x, l->delta_threshold_h,
				100 * delta_ratio(e->delta_x_skipped + e->delta_h_skipped,
						  e->delta_x_used + e->delta_h_used),
				100 * delta_ratio(e->delta_x_skipped, e->delta_x_used),
				100 * delta_ratio(e->delta_h_skipped, e->delta_h_used));
	}
	fprintf(f, "\ncycles       %" PRIu64 "%s\n", r->cycles, r->cold ? "  (cold: includes the initial load)" : "");
	fprintf(f, "load cycles  %" PRIu64 "  (initial weight load, %s)\n", r->load_cycles,
		r->cold ? "overlapped above" : "not counted: warm start");
	fprintf(f, "latency      %.3f us\n", r->latency_us);
	fprintf(f, "MACs         %" PRIu64 " useful, %" PRIu64 " issued\n", r->useful_macs, r->issued_macs);
	fprintf(f, "utilization  %.2f %%  (useful / (cycles x N x K))\n", 100.0 * r->utilization);
	fprintf(f, "peak         %.1f GFLOP/s (2 FLOP per MAC per cycle); achieved %.1f GFLOP/s\n", r->peak_gflops,
		r->peak_gflops * r->utilization);
	if (r->sparse)
		fprintf(f, "effective    %.1f GFLOP/s dense-equivalent (%" PRIu64 " dense MACs over the latency)\n",
			effective_gflops(r, NULL), r->dense_macs);
	fprintf(f, "weight port  %.1f GB/s at peak\n", wbuf_gbps(r));
	fprintf(f, "DRAM wait    %.2f %% of cycles waiting for weights from DRAM at %.1f GB/s%s\n",
		100.0 * r->dram_wait_fraction, r->hw.memory.dram.gbps, r->dram_bound ? "  (DRAM-bound)" : "");
	fprintf(f,
		"bound by     cell updater %" PRIu64 " cycles, MFU %" PRIu64 " cycles (of the array's waits for h)\n",
		counter(r, "bound.cell"), counter(r, "bound.mfu"));
	fprintf(f, "\nidle lane-cycles by cause\n");
	for (int i = 0; i < IDLE_NCAUSES; i++) {
		uint64_t v = stage_counter(r, "idle", ctrl_cause_name((idle_cause_t)i));
		fprintf(f, "  %-13s %16" PRIu64 "  %6.2f %%\n", ctrl_cause_name((idle_cause_t)i), v,
			lanes ? 100.0 * (double)v / (double)lanes : 0.0);
	}
	fprintf(f, "\nstage cycles        busy        stall       starve\n");
	for (size_t i = 0; i < NSTAGES; i++)
		fprintf(f, "  %-6s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n", stage_names[i],
			stage_counter(r, stage_names[i], "busy"), stage_counter(r, stage_names[i], "stall"),
			stage_counter(r, stage_names[i], "starve"));
	if (r->functional && !r->reference)
		fprintf(f, "\nvalues vs double reference   not computed (--reference runs it)\n");
	if (r->reference) { /* implies functional */
		fprintf(f, "\nvalues vs double reference   max abs      max rel      rms\n");
		for (size_t i = 0; i < r->n_layers; i++) {
			const func_layer_err_t *e = &r->layers[i].err;
			char who[48];
			pass_name(r, i, who, sizeof who);
			fprintf(f, "  %s h (all steps)   %11.3e  %11.3e  %11.3e\n", who, e->h.max_abs, e->h.max_rel,
				e->h.rms);
			fprintf(f, "  %s h (last step)   %11.3e  %11.3e  %11.3e\n", who, e->h_last.max_abs,
				e->h_last.max_rel, e->h_last.rms);
			if (e->has_c)
				fprintf(f, "  %s c (all steps)   %11.3e  %11.3e  %11.3e\n", who, e->c.max_abs,
					e->c.max_rel, e->c.rms);
			if (e->head)
				fprintf(f,
					"  %s classifier head: %" PRIu64 " of %" PRIu64
					" argmax decisions changed, mean KL of its softmax %.3e (last step: %" PRIu64
					" of %u, KL %.3e)\n",
					who, e->head_changed, e->head_decisions, e->head_kl_mean, e->head_last_changed,
					r->layers[i].cfg.batch_size, e->head_last_kl_mean);
		}
	}
	if (r->functional) {
		double es, et, ex[ACT_N_FN];
		if (r->hw.activation.mode == ACT_PWL && act_errors(&r->hw, &es, &et)) {
			fprintf(f, "activations  piecewise linear, %u segments: max error %.3e (sigmoid), %.3e (tanh)",
				r->hw.activation.segments, es, et);
			act_extra_errors(r, ex);
			for (int k = 0; k < ACT_N_FN; k++)
				if (ex[k] >= 0)
					fprintf(f, ", %.3e (%s)", ex[k], param_lact_name((layer_act_t)(k + 1)));
			fputc('\n', f);
		}
	}
	if (c->energy) {
		fprintf(f, "\n");
		energy_report_print_text(f, c->energy);
	}
	if (c->describe_counters)
		write_counters_text(f, r);
}

/* The text report of another machine than SHARP: its own units, so its
 * own idle causes and counters, and no SHARP stage table. */
static void write_text_machine(FILE *f, const report_ctx_t *c)
{
	const run_result_t *r = c->r;
	double slots = (double)r->cycles * (double)r->macs_per_cycle;
	fprintf(f, "sharpsim %s  config %016" PRIx64 "\n", c->version, c->config_hash);
	fprintf(f, "hardware   %s: machine %s, %" PRIu64 " MAC units, %.0f MHz\n", r->hw.name, hw_design_name(&r->hw),
		r->macs_per_cycle, r->hw.clock_mhz);
	fprintf(f, "workload   %s: %zu layer(s)\n", c->w->name, c->w->n_layers);
	for (size_t i = 0; i < r->n_layers; i++) {
		const layer_result_t *lr = &r->layers[i];
		const layer_cfg_t *l = &lr->cfg;
		fprintf(f, "  layer %u%s  %s I=%u%s H=%u T=%u B=%u  %" PRIu64 " cycles\n", lr->layer + 1,
			lr->backward ? " (backward)" : "", workload_cell_name(l->cell), l->input_size,
			l->skip_input ? " (skipped)" : "", l->hidden_size, l->timesteps, l->batch_size, lr->cycles);
	}
	fprintf(f, "\ncycles       %" PRIu64 "%s\n", r->cycles, r->cold ? "  (cold: includes the initial load)" : "");
	fprintf(f, "load cycles  %" PRIu64 "  (initial weight load, %s)\n", r->load_cycles,
		r->cold ? "included above" : "not counted: warm start");
	fprintf(f, "latency      %.3f us\n", r->latency_us);
	fprintf(f, "MACs         %" PRIu64 " useful, %" PRIu64 " issued\n", r->useful_macs, r->issued_macs);
	fprintf(f, "utilization  %.2f %%  (useful / (cycles x MAC units))\n", 100.0 * r->utilization);
	fprintf(f, "peak         %.1f GFLOP/s (2 FLOP per MAC per cycle); achieved %.1f GFLOP/s\n", r->peak_gflops,
		r->peak_gflops * r->utilization);
	if (r->note[0])
		fprintf(f, "note         %s\n", r->note);
	fprintf(f, "\nidle MAC-unit cycles by cause\n");
	for (size_t i = 0; i < stats_size(r->stats); i++)
		if (!strncmp(stats_name(r->stats, i), "idle.", 5))
			fprintf(f, "  %-16s %16" PRIu64 "  %6.2f %%\n", stats_name(r->stats, i) + 5,
				stats_value(r->stats, i),
				slots > 0 ? 100.0 * (double)stats_value(r->stats, i) / slots : 0.0);
	if (c->energy) {
		fprintf(f, "\n");
		energy_report_print_text(f, c->energy);
	}
	if (c->describe_counters)
		write_counters_text(f, r);
}

void report_write(FILE *f, report_format_t fmt, const report_ctx_t *c)
{
	if (fmt == REPORT_JSON)
		write_json(f, c);
	else if (fmt == REPORT_CSV)
		write_csv(f, c);
	else if (c->r->hw.machine)
		write_text_machine(f, c);
	else
		write_text(f, c);
}
