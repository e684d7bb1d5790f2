/*
 * cli_decompose.c - `sharpsim decompose`: the offline half of progressive
 * (anytime) inference. For one LSTM or vanilla layer of a workload (its
 * .npy weights, or the seeded ones a functional run would use), decomposes
 * each gate's [W_x W_h] into refine_steps rank-1 terms of NZ non-zeros
 * (approx/apx_svd.h), writes the factors as .npy, and, when the layer has
 * an input sequence, runs the layer in double after every refinement step
 * and reports its quality against the exact layer (approx/apx_qor.h): on
 * the last hidden state, and through a classifier head when one is given.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../approx/apx_lstm.h"
#include "../approx/apx_qor.h"
#include "../approx/apx_svd.h"
#include "../common/afile.h"
#include "../common/json.h"
#include "../config/config.h"
#include "../func/npy.h"
#include "../func/ref.h"
#include "../func/weights.h"
#include "cli.h"

/* The per-layer seed stride of the functional pipeline (func/fpipe.c), so
 * that seeded weights here are the ones `sharpsim run --functional` uses. */
#define DEC_SEED_STRIDE 0x9E3779B97F4A7C15ull

static void decompose_usage(FILE *f)
{
	fputs("usage: sharpsim decompose --workload FILE [-w key=value ...] [--layer N] [--seed N]\n"
	      "                          --nz NZ --steps N --out DIR [--eval-every K]\n"
	      "                          [--inputs X.npy] [--head DIR [--labels L.npy]]\n"
	      "\n"
	      "Decomposes each gate of an lstm or vanilla layer, W_g = [W_x W_h] (R = hidden\n"
	      "rows, C = input + hidden columns), into N rank-1 refinement steps whose right\n"
	      "vectors keep their NZ largest entries (Kouris et al., 2020), and writes\n"
	      "DIR/<gate>_sigma.npy (N,), <gate>_u.npy (N, R), <gate>_v.npy (N, NZ) and\n"
	      "<gate>_vidx.npy (N, NZ) for gates i, f, g, o (lstm) or h (vanilla), and\n"
	      "DIR/summary.json. When the layer has an input sequence, runs it in double after\n"
	      "every K-th refinement step and reports the relative error and cosine similarity\n"
	      "of the last hidden state against the exact layer, and with --head (a directory\n"
	      "with Wc.npy (K, H) and bc.npy (K,) of a linear classifier) the mean KL\n"
	      "divergence of the softmax and the argmax agreement; with --labels (B,) also\n"
	      "the accuracy.\n"
	      "\n"
	      "  --layer N        layer of the workload, from 1 (default 1)\n"
	      "  --seed N         seed of random weights when the layer has none (default 1)\n"
	      "  --nz NZ          non-zeros kept per right vector, 1..C\n"
	      "  --steps N        refinement steps, >= 1\n"
	      "  --eval-every K   evaluate after steps K, 2K, ... and N (default 1)\n"
	      "  --inputs X.npy   input sequences (T, B, I) to evaluate on instead of the\n"
	      "                   layer's own x (any batch B; initial state zero)\n",
	      f);
}

typedef struct dargs {
	cli_common_t c;
	size_t layer, nz, steps, every;
	uint64_t seed;
	const char *out, *head, *inputs, *labels;
	const char *nz_text, *steps_text;
} dargs_t;

static int opt_uint(const char *o, const char *v, unsigned long long lo, unsigned long long hi, unsigned long long *out,
		    sim_err_t *err)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (!*v || *end || errno || *v == '-' || x < lo || x > hi)
		return sim_err(err, SIM_EINPUT, "option %s '%s': expected an integer from %llu to %llu", o, v, lo, hi);
	*out = x;
	return SIM_OK;
}

/* Every option of this command takes a value. */
static bool known(const char *o)
{
	static const char *const OPTS[] = { "--layer",	    "--seed", "--nz",	"--steps",  "--every",
					    "--eval-every", "--out",  "--head", "--inputs", "--labels" };
	for (size_t i = 0; i < sizeof OPTS / sizeof OPTS[0]; i++)
		if (!strcmp(o, OPTS[i]))
			return true;
	return false;
}

static int parse(int argc, char **argv, dargs_t *a, sim_err_t *err)
{
	for (int i = 1; i < argc; i++) {
		int used = cli_common_arg(&a->c, argc, argv, &i, err);
		if (used < 0)
			return SIM_EINPUT;
		if (used)
			continue;
		const char *o = argv[i];
		if (!known(o))
			return sim_err(err, SIM_EINPUT,
				       "unknown option '%s', expected one of sharpsim decompose --help", o);
		if (i + 1 >= argc)
			return sim_err(err, SIM_EINPUT, "option %s: missing value, expected %s VALUE", o, o);
		const char *v = argv[++i];
		unsigned long long x = 0;
		int rc = SIM_OK;
		if (!strcmp(o, "--layer")) {
			rc = opt_uint(o, v, 1, 1u << 20, &x, err);
			a->layer = (size_t)x;
		} else if (!strcmp(o, "--seed")) {
			rc = opt_uint(o, v, 0, UINT64_MAX, &x, err);
			a->seed = x;
		} else if (!strcmp(o, "--nz")) {
			a->nz_text = v;
			rc = opt_uint(o, v, 0, 1u << 30, &x, err);
			a->nz = (size_t)x;
			if (!rc && x < 1)
				rc = sim_err(err, SIM_EINPUT,
					     "option --nz '%s': NZ must be at least 1, expected 1 to C", v);
		} else if (!strcmp(o, "--steps")) {
			a->steps_text = v;
			rc = opt_uint(o, v, 0, 1u << 20, &x, err);
			a->steps = (size_t)x;
			if (!rc && x < 1)
				rc = sim_err(err, SIM_EINPUT,
					     "option --steps '%s': refine_steps must be at least 1, "
					     "expected an integer >= 1",
					     v);
		} else if (!strcmp(o, "--every") || !strcmp(o, "--eval-every")) {
			rc = opt_uint(o, v, 1, 1u << 20, &x, err);
			a->every = (size_t)x;
		} else if (!strcmp(o, "--out")) {
			a->out = v;
		} else if (!strcmp(o, "--head")) {
			a->head = v;
		} else if (!strcmp(o, "--inputs")) {
			a->inputs = v;
		} else { /* --labels: known() admitted nothing else */
			a->labels = v;
		}
		if (rc)
			return rc;
	}
	if (a->c.hw || a->c.np)
		return sim_err(err, SIM_EINPUT,
			       "options --hw, -p, --scheduler and --deps do not apply to decompose, "
			       "expected --workload and -w only");
	if (!a->c.workload || !a->out || !a->nz_text || !a->steps_text)
		return sim_err(err, SIM_EINPUT,
			       "missing --workload, --nz, --steps or --out, expected all four "
			       "(see sharpsim decompose --help)");
	return SIM_OK;
}

/* The layer's weights as a functional run would see them. */
static weights_t *layer_weights(const workload_t *wl, size_t l, uint64_t seed, sim_err_t *err)
{
	const layer_cfg_t *lc = &wl->layers[l];
	if (!lc->weights[0])
		return weights_random(lc, seed + l * DEC_SEED_STRIDE, err);
	char dir[1024], path[1600];
	snprintf(dir, sizeof dir, "%s", wl->path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	if (lc->weights[0] == '/')
		snprintf(path, sizeof path, "%s", lc->weights);
	else
		snprintf(path, sizeof path, "%s/%s", dir, lc->weights);
	return weights_load(lc, path, err);
}

typedef struct head {
	npy_array_t Wc, bc, labels;
	bool have_labels;
} head_t;

static int load_head(const char *dir, size_t H, head_t *h, sim_err_t *err)
{
	char p[1100], sh[128];
	snprintf(p, sizeof p, "%s/Wc.npy", dir);
	int rc = cli_read_npy(p, &h->Wc, err);
	if (rc)
		return rc;
	if (h->Wc.ndim != 2 || h->Wc.shape[1] != H || h->Wc.shape[0] < 1)
		return sim_err(err, SIM_EINPUT, "%s: shape %s, expected (K, %zu) for a layer of hidden size %zu", p,
			       npy_shape_str(h->Wc.ndim, h->Wc.shape, sh, sizeof sh), H, H);
	size_t K = h->Wc.shape[0];
	snprintf(p, sizeof p, "%s/bc.npy", dir);
	if ((rc = cli_read_npy(p, &h->bc, err)))
		return rc;
	if (h->bc.ndim != 1 || h->bc.shape[0] != K)
		return sim_err(err, SIM_EINPUT, "%s: shape %s, expected (%zu,)", p,
			       npy_shape_str(h->bc.ndim, h->bc.shape, sh, sizeof sh), K);
	return SIM_OK;
}

static int load_labels(const char *p, size_t B, size_t K, head_t *h, sim_err_t *err)
{
	char sh[128];
	int rc = cli_read_npy(p, &h->labels, err);
	if (rc)
		return rc;
	if (h->labels.ndim != 1 || h->labels.shape[0] != B)
		return sim_err(err, SIM_EINPUT, "%s: shape %s, expected (%zu,), one label per sequence", p,
			       npy_shape_str(h->labels.ndim, h->labels.shape, sh, sizeof sh), B);
	for (size_t i = 0; i < B; i++)
		if (!(h->labels.data[i] >= 0 && h->labels.data[i] < (double)K &&
		      h->labels.data[i] == floor(h->labels.data[i])))
			return sim_err(err, SIM_EINPUT, "%s: label %g at %zu, expected an integer class 0 to %zu", p,
				       h->labels.data[i], i, K - 1);
	h->have_labels = true;
	return SIM_OK;
}

/* Replaces the layer's input sequence by the (T, B', I) array of path and
 * its batch by B'. The initial state must be zero (it has no B' form). */
static int swap_inputs(weights_t *w, const char *path, sim_err_t *err)
{
	char sh[128];
	if (w->I == 0)
		return sim_err(err, SIM_EINPUT,
			       "option --inputs: the layer skips its input, expected a layer with W.x");
	for (size_t i = 0; i < (size_t)w->B * w->H; i++)
		if (w->h0[i] != 0.0 || (w->c0 && w->c0[i] != 0.0))
			return sim_err(err, SIM_EINPUT,
				       "option --inputs: the layer has a non-zero h0 or c0 for batch %u, "
				       "expected a zero initial state",
				       w->B);
	npy_array_t x;
	int rc = cli_read_npy(path, &x, err);
	if (rc)
		return rc;
	if (x.ndim != 3 || x.shape[0] != w->T || x.shape[2] != w->I || x.shape[1] < 1 || x.shape[1] > (1u << 20)) {
		rc = sim_err(err, SIM_EINPUT, "%s: shape %s, expected (%u, B, %u): timesteps, batch, input", path,
			     npy_shape_str(x.ndim, x.shape, sh, sizeof sh), w->T, w->I);
		npy_free(&x);
		return rc;
	}
	size_t B = x.shape[1];
	double *h0 = calloc(B * w->H, sizeof *h0), *c0 = calloc(B * w->H, sizeof *c0);
	if (!h0 || !c0) {
		free(h0);
		free(c0);
		npy_free(&x);
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
	}
	free(w->x);
	free(w->h0);
	free(w->c0);
	w->x = x.data;
	w->h0 = h0;
	w->c0 = c0;
	w->B = (uint32_t)B;
	return SIM_OK;
}

static double accuracy(const double *logits, const head_t *h, size_t B, size_t K)
{
	size_t ok = 0;
	for (size_t b = 0; b < B; b++)
		ok += apx_qor_argmax(logits + b * K, K) == (size_t)h->labels.data[b];
	return (double)ok / (double)B;
}

static void json_num(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, "%.10g", x);
	else
		fputs("null", f);
}

static int run(const dargs_t *a, sim_err_t *err)
{
	workload_t wl = { 0 };
	weights_t *w = NULL;
	apx_factors_t *f[4] = { NULL };
	double *href = NULL, *hk = NULL, *lref = NULL, *lk = NULL, *mat = NULL;
	head_t hd = { 0 };
	afile_t *sf = NULL;
	int rc = config_load_workload(a->c.workload, a->c.wo, a->c.nw, &wl, err);
	if (rc)
		goto out;
	if (a->layer > wl.n_layers) {
		rc = sim_err(err, SIM_EINPUT, "option --layer '%zu': the workload has %zu layer(s), expected 1 to %zu",
			     a->layer, wl.n_layers, wl.n_layers);
		goto out;
	}
	const layer_cfg_t *lc = &wl.layers[a->layer - 1];
	if (lc->cell != CELL_LSTM && lc->cell != CELL_VANILLA) {
		rc = sim_err_at(err, SIM_EINPUT, wl.path, lc->line, lc->col,
				"layer %zu is a %s layer, expected lstm "
				"or vanilla (progressive rank-1 inference needs gates acting on one [x; h])",
				a->layer, workload_cell_name(lc->cell));
		goto out;
	}
	if (lc->direction != DIR_UNI) {
		rc = sim_err_at(err, SIM_EINPUT, wl.path, lc->line, lc->col,
				"layer %zu is %s, expected "
				"a unidirectional layer",
				a->layer, lc->direction == DIR_BI ? "bidirectional" : "reverse");
		goto out;
	}
	if (!(w = layer_weights(&wl, a->layer - 1, a->seed, err))) {
		/* a weights file that cannot be opened is a bad path in the
		 * workload: bad input */
		rc = err->code == SIM_EIO ? (err->code = SIM_EINPUT) : err->code;
		goto out;
	}
	size_t R = w->H, C = (size_t)w->I + w->H, G = w->G, B, H = w->H, T = w->T;
	if (a->nz > C) {
		rc = sim_err(err, SIM_EINPUT,
			     "option --nz '%s': NZ %zu exceeds the %zu columns of [W_x W_h] "
			     "(input %u + hidden %u), expected 1 to %zu",
			     a->nz_text, a->nz, C, w->I, w->H, C);
		goto out;
	}
	if (a->inputs && (rc = swap_inputs(w, a->inputs, err)))
		goto out;
	B = w->B;
	if (a->labels && !a->head) {
		rc = sim_err(err, SIM_EINPUT, "option --labels needs --head, expected a classifier to score");
		goto out;
	}
	if (a->head && (rc = load_head(a->head, H, &hd, err)))
		goto out;
	if (a->labels && (rc = load_labels(a->labels, B, hd.Wc.shape[0], &hd, err)))
		goto out;
	if (!(mat = malloc(R * C * sizeof *mat))) {
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t g = 0; g < G && !rc; g++) {
		apx_lstm_gate_matrix(w, (unsigned)g, mat);
		rc = apx_svd_decompose(mat, R, C, (unsigned)a->steps, a->nz, &f[g], err);
	}
	if (rc)
		goto out;
	if (mkdir(a->out, 0777) != 0 && errno != EEXIST) {
		rc = sim_err(err, SIM_EIO, "%s: cannot create the directory: %s", a->out, strerror(errno));
		goto out;
	}
	static const char *const LSTM_GATES[] = { "i", "f", "g", "o" };
	for (size_t g = 0; g < G && !rc; g++)
		rc = apx_factors_save(f[g], a->out, G == 4 ? LSTM_GATES[g] : "h", err);
	if (rc)
		goto out;

	char spath[1100];
	snprintf(spath, sizeof spath, "%s/summary.json", a->out);
	if (!(sf = afile_open(spath, err))) {
		rc = err->code;
		goto out;
	}
	FILE *s = afile_stream(sf);
	fprintf(s, "{\"workload\": ");
	json_write_string(s, wl.path);
	fprintf(s, ", \"layer\": %zu, \"cell\": \"%s\", \"R\": %zu, \"C\": %zu, \"nz\": %zu, \"steps\": %zu,\n",
		a->layer, workload_cell_name(lc->cell), R, C, a->nz, a->steps);
	fprintf(s, " \"inputs\": ");
	if (a->inputs)
		json_write_string(s, a->inputs);
	else
		fputs("null", s);
	fprintf(s, ", \"labels\": ");
	if (a->labels)
		json_write_string(s, a->labels);
	else
		fputs("null", s);
	fprintf(s, ", \"batch\": %zu,\n", B);
	fprintf(s, " \"ops_per_gate_step\": %llu, \"dense_ops_per_gate\": %llu,\n \"gates\": [\n",
		(unsigned long long)apx_svd_ops(1, R, a->nz), (unsigned long long)(2ull * R * C));
	printf("layer %zu (%s): R = %zu, C = %zu, NZ = %zu, %zu steps: %llu ops a gate per step, %llu dense\n",
	       a->layer, workload_cell_name(lc->cell), R, C, a->nz, a->steps,
	       (unsigned long long)apx_svd_ops(1, R, a->nz), (unsigned long long)(2ull * R * C));
	for (size_t g = 0; g < G; g++) {
		fprintf(s, "  {\"gate\": \"%s\", \"sigma\": [", G == 4 ? LSTM_GATES[g] : "h");
		for (size_t n = 0; n < a->steps; n++) {
			fprintf(s, n ? ", " : "");
			json_num(s, apx_factors_sigma(f[g])[n]);
		}
		fprintf(s, "],\n   \"residual_rel\": [");
		double r0 = apx_factors_residual(f[g], 0);
		for (size_t n = 0; n <= a->steps; n++) {
			fprintf(s, n ? ", " : "");
			json_num(s, r0 > 0 ? apx_factors_residual(f[g], (unsigned)n) / r0 : 0.0);
		}
		fprintf(s, "]}%s\n", g + 1 < G ? "," : "");
		printf("gate %s: residual ||A - A_N||_F / ||A||_F = %.3g after %zu steps\n",
		       G == 4 ? LSTM_GATES[g] : "h", r0 > 0 ? apx_factors_residual(f[g], (unsigned)a->steps) / r0 : 0.0,
		       a->steps);
	}
	fprintf(s, " ],\n \"progressive\": [");
	if (w->I > 0) {
		size_t K = a->head ? hd.Wc.shape[0] : 0;
		href = malloc(T * B * H * sizeof *href);
		hk = malloc(T * B * H * sizeof *hk);
		lref = malloc((B * K + 1) * sizeof *lref);
		lk = malloc((B * K + 1) * sizeof *lk);
		if (!href || !hk || !lref || !lk) {
			rc = sim_err(err, SIM_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = ref_run(w, href, NULL, err)))
			goto out;
		const double *hlast = href + (T - 1) * B * H;
		if (K) {
			apx_lstm_head(hd.Wc.data, hd.bc.data, K, H, hlast, B, lref);
			if (hd.have_labels)
				printf("exact layer: accuracy %.4f\n", accuracy(lref, &hd, B, K));
		}
		printf("%6s %12s %12s %14s %12s %10s %10s\n", "steps", "ops/gate", "rel_error", "cosine",
		       K ? "mean_KL" : "", K ? "agree" : "", hd.have_labels ? "accuracy" : "");
		size_t every = a->every ? a->every : 1;
		bool first = true;
		for (size_t k = every; k <= a->steps + every - 1; k += every) {
			size_t kk = k > a->steps ? a->steps : k;
			uint64_t ops = 0;
			if ((rc = apx_lstm_run(w, f, (unsigned)kk, hk, &ops, err)))
				goto out;
			const double *hl = hk + (T - 1) * B * H;
			double re = apx_qor_rel_error(hl, hlast, B * H), cs = apx_qor_cosine(hl, hlast, B * H);
			fprintf(s, "%s\n  {\"steps\": %zu, \"ops_per_gate\": %llu, \"rel_error\": ", first ? "" : ",",
				kk, (unsigned long long)apx_svd_ops((unsigned)kk, R, a->nz));
			first = false;
			json_num(s, re);
			fprintf(s, ", \"cosine\": ");
			json_num(s, cs);
			printf("%6zu %12llu %12.4g %14.10f", kk,
			       (unsigned long long)apx_svd_ops((unsigned)kk, R, a->nz), re, cs);
			if (K) {
				apx_lstm_head(hd.Wc.data, hd.bc.data, K, H, hl, B, lk);
				double kl = apx_qor_mean_kl(lref, lk, B, K),
				       ag = apx_qor_argmax_agreement(lref, lk, B, K);
				fprintf(s, ", \"mean_kl\": ");
				json_num(s, kl);
				fprintf(s, ", \"argmax_agreement\": ");
				json_num(s, ag);
				printf(" %12.4g %10.4f", kl, ag);
				if (hd.have_labels) {
					double acc = accuracy(lk, &hd, B, K);
					fprintf(s, ", \"accuracy\": ");
					json_num(s, acc);
					printf(" %10.4f", acc);
				}
			}
			fprintf(s, "}");
			printf("\n");
			if (kk == a->steps)
				break;
		}
	}
	fprintf(s, "\n ]}\n");
	rc = afile_commit(sf, err);
	sf = NULL;
out:
	if (sf)
		afile_abort(sf);
	for (size_t g = 0; g < 4; g++)
		apx_factors_destroy(f[g]);
	weights_destroy(w);
	workload_free(&wl);
	npy_free(&hd.Wc);
	npy_free(&hd.bc);
	npy_free(&hd.labels);
	free(href);
	free(hk);
	free(lref);
	free(lk);
	free(mat);
	return rc;
}

int cli_decompose(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			decompose_usage(stdout);
			return 0;
		}
	dargs_t a = { .layer = 1, .seed = 1, .every = 1 };
	sim_err_t err = { 0 };
	int rc = parse(argc, argv, &a, &err);
	if (!rc)
		rc = run(&a, &err);
	if (rc)
		cli_error(&err);
	return cli_exit_status(rc);
}
