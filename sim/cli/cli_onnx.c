/*
 * cli_onnx.c - `sharpsim import` (an ONNX model's LSTM/GRU/RNN layers as a
 * workload and .npy weights) and `sharpsim check` (an ONNX backend test
 * case through import and a functional run, compared with its expected
 * outputs within a derived tolerance). docs/onnx.md.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/pipeline.h"
#include "../onnx/onnx_check.h"
#include "../onnx/onnx_import.h"
#include "cli.h"

/* `sharpsim run`'s default hardware (cli_run.c): check runs what run runs. */
#define CHECK_DEFAULT_HW "configs/sharp-4k.yaml"

static void import_usage(FILE *f)
{
	fputs("usage: sharpsim import MODEL.onnx --out DIR [--data DIR] [--timesteps T] [--batch B]\n"
	      "                       [--seed N]\n"
	      "\n"
	      "Maps the LSTM, GRU and RNN nodes of an ONNX model (a chain of them, with\n"
	      "Squeeze or Identity between) to a workload: writes DIR/workload.yaml and\n"
	      "DIR/weights/layer<N>/{W,U,b,b_hn,P,x,h0,c0}.npy, then\n"
	      "  sharpsim run --workload DIR/workload.yaml --functional\n"
	      "runs it (or `sharpsim run --workload MODEL.onnx` imports into a temporary\n"
	      "directory and runs that). An LSTM with peepholes (input P) becomes\n"
	      "lstm_peephole (P.npy), one with input_forget=1 lstm_coupled. Unsupported\n"
	      "features (bidirectional, reverse beside another layer, other activations,\n"
	      "clip, input_forget=1 with peepholes, variable sequence lengths, other\n"
	      "operators) are refused with one line (exit 2).\n"
	      "\n"
	      "  --out DIR        directory to write (created if missing; files replaced\n"
	      "                   atomically, workload.yaml last)\n"
	      "  --data DIR       an ONNX test data set (input_<k>.pb): values of graph\n"
	      "                   inputs, including X (default: X drawn from --seed)\n"
	      "  --timesteps T    sequence length when X's declared shape is symbolic (or\n"
	      "                   instead of its fixed one; without --data only)\n"
	      "  --batch B        batch size likewise\n"
	      "  --seed N         seed of X's uniform [-1, 1) values without --data (default 1)\n",
	      f);
}

static void check_usage(FILE *f)
{
	fputs("usage: sharpsim check TEST_DIR [--data-set N] [--hw FILE] [-p key=value ...]\n"
	      "                      [--keep DIR]\n"
	      "\n"
	      "Runs an ONNX backend test case (TEST_DIR/model.onnx and\n"
	      "TEST_DIR/test_data_set_N/{input,output}_<k>.pb) through import and a\n"
	      "functional run, and compares every graph output (Y, Y_h, Y_c) with the\n"
	      "expected one within a tolerance derived from the data format's rounding\n"
	      "(docs/onnx.md). Prints one line; exit 0 when every value is within its\n"
	      "tolerance, 1 when one is not, 2 for input the import refuses.\n"
	      "\n"
	      "  --data-set N     which test_data_set_N (default 0)\n"
	      "  --hw FILE        hardware config (default " CHECK_DEFAULT_HW "; fp16, bf16 or\n"
	      "                   fp32 (-p precision.mul=fp32),\n"
	      "                   with exact activations)\n"
	      "  -p key=value     hardware override, as for run\n"
	      "  --keep DIR       import and run in DIR and keep it (default: a temporary\n"
	      "                   directory, removed)\n",
	      f);
}

static int opt_u32(const char *o, const char *v, uint64_t max, uint64_t *out, sim_err_t *err)
{
	if (cli_parse_u64(v, max, out) || *out == 0)
		return sim_err(err, SIM_EINPUT, "option %s '%s': expected an integer from 1 to %llu", o, v,
			       (unsigned long long)max);
	return SIM_OK;
}

int cli_import(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			import_usage(stdout);
			return 0;
		}
	sim_err_t err = { 0 };
	const char *model = NULL, *out = NULL;
	onnx_import_opts_t o = { .seed = 1 };
	int rc = SIM_OK;
	for (int i = 1; !rc && i < argc; i++) {
		const char *a = argv[i];
		bool val = !strcmp(a, "--out") || !strcmp(a, "--data") || !strcmp(a, "--timesteps") ||
			   !strcmp(a, "--batch") || !strcmp(a, "--seed");
		if (!val) {
			if (a[0] == '-' || model)
				rc = sim_err(&err, SIM_EINPUT,
					     "%s '%s', expected one model and the options of sharpsim "
					     "import --help",
					     a[0] == '-' ? "unknown option" : "a second model", a);
			model = a;
			continue;
		}
		if (i + 1 >= argc) {
			rc = sim_err(&err, SIM_EINPUT, "option %s: missing value, expected %s VALUE", a, a);
			break;
		}
		const char *v = argv[++i];
		uint64_t x = 0;
		if (!strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--data"))
			o.data_dir = v;
		else if (!strcmp(a, "--timesteps") && !(rc = opt_u32(a, v, 10000000, &x, &err)))
			o.timesteps = (uint32_t)x;
		else if (!strcmp(a, "--batch") && !(rc = opt_u32(a, v, 1024, &x, &err)))
			o.batch = (uint32_t)x;
		else if (!strcmp(a, "--seed")) {
			if (cli_parse_u64(v, UINT64_MAX, &x))
				rc = sim_err(&err, SIM_EINPUT,
					     "option --seed '%s': not a decimal integer, expected 0 to "
					     "18446744073709551615",
					     v);
			o.seed = x;
		}
	}
	if (!rc && (!model || !out))
		rc = sim_err(&err, SIM_EINPUT, "sharpsim import: %s, expected MODEL.onnx --out DIR",
			     model ? "no --out" : "no model");
	onnx_model_t *m = NULL;
	if (!rc && !(m = onnx_model_load(model, &o, &err)))
		rc = err.code;
	if (!rc)
		rc = onnx_model_write(m, out, &err);
	if (!rc)
		printf("import: %zu layer%s from %s into %s/workload.yaml\n", onnx_model_layers(m),
		       onnx_model_layers(m) == 1 ? "" : "s", model, out);
	onnx_model_destroy(m);
	if (rc)
		cli_error(&err);
	return cli_exit_status(rc);
}

/* Removes what an import and a functional run wrote into dir (and nothing
 * else: a name this command did not write is left, and so is dir then). */
static void remove_work(const char *dir, size_t layers)
{
	static const char *const W[] = { "W", "U", "b", "b_hn", "P", "x", "h0", "c0" };
	char p[1400];
	for (size_t l = 0; l < layers; l++) {
		/* a bidirectional layer's backward direction first (weights.h) */
		for (size_t i = 0; i < sizeof W / sizeof W[0]; i++) {
			snprintf(p, sizeof p, "%s/weights/layer%zu/" WEIGHTS_BACKWARD_DIR "/%s.npy", dir, l, W[i]);
			unlink(p);
			snprintf(p, sizeof p, "%s/weights/layer%zu/%s.npy", dir, l, W[i]);
			unlink(p);
		}
		snprintf(p, sizeof p, "%s/weights/layer%zu/" WEIGHTS_BACKWARD_DIR, dir, l);
		rmdir(p);
		snprintf(p, sizeof p, "%s/weights/layer%zu", dir, l);
		rmdir(p);
		snprintf(p, sizeof p, "%s/out/layer%zu_h.npy", dir, l);
		unlink(p);
		snprintf(p, sizeof p, "%s/out/layer%zu_c.npy", dir, l);
		unlink(p);
	}
	snprintf(p, sizeof p, "%s/weights", dir);
	rmdir(p);
	snprintf(p, sizeof p, "%s/out", dir);
	rmdir(p);
	snprintf(p, sizeof p, "%s/workload.yaml", dir);
	unlink(p);
	rmdir(dir);
}

/* A new temporary directory in $TMPDIR (else /tmp) named after what. */
static int make_work(char *work, size_t len, const char *what, sim_err_t *err)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(work, len, "%s/sharpsim-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", what);
	if (!mkdtemp(work))
		return sim_err(err, SIM_EIO, "%s: cannot create a temporary directory: %s", work, strerror(errno));
	return SIM_OK;
}

int cli_onnx_stage(const char *model, uint64_t seed, uint32_t timesteps, uint32_t batch, char *work, size_t len,
		   size_t *layers, sim_err_t *err)
{
	onnx_import_opts_t io = { .seed = seed,
				  .timesteps = timesteps,
				  .batch = batch,
				  .timesteps_opt = "-w timesteps=T",
				  .batch_opt = "-w batch_size=B" };
	onnx_model_t *m = onnx_model_load(model, &io, err);
	if (!m)
		return err->code;
	*layers = onnx_model_layers(m);
	int rc = make_work(work, len, "run", err);
	if (!rc && (rc = onnx_model_write(m, work, err)))
		remove_work(work, *layers);
	onnx_model_destroy(m);
	return rc;
}

void cli_onnx_unstage(const char *work, size_t layers)
{
	remove_work(work, layers);
}

typedef struct cargs {
	cli_common_t c;
	const char *test, *keep;
	uint64_t set;
} cargs_t;

static int check_parse(int argc, char **argv, cargs_t *a, sim_err_t *err)
{
	for (int i = 1; i < argc; i++) {
		int used = cli_common_arg(&a->c, argc, argv, &i, err);
		if (used < 0)
			return SIM_EINPUT;
		if (used) {
			if (a->c.workload || a->c.nw)
				return sim_err(err, SIM_EINPUT,
					       "option %s: check makes its own workload, expected --hw "
					       "and -p only",
					       argv[i - 1]);
			continue;
		}
		const char *o = argv[i];
		if (!strcmp(o, "--keep") || !strcmp(o, "--data-set")) {
			if (i + 1 >= argc)
				return sim_err(err, SIM_EINPUT, "option %s: missing value, expected %s VALUE", o, o);
			const char *v = argv[++i];
			if (!strcmp(o, "--keep"))
				a->keep = v;
			else if (cli_parse_u64(v, 1000000, &a->set))
				return sim_err(err, SIM_EINPUT,
					       "option --data-set '%s': expected an integer from 0 to "
					       "1000000",
					       v);
		} else if (o[0] == '-' || a->test) {
			return sim_err(err, SIM_EINPUT,
				       "%s '%s', expected one test directory and the options of "
				       "sharpsim check --help",
				       o[0] == '-' ? "unknown option" : "a second test", o);
		} else {
			a->test = o;
		}
	}
	if (!a->test)
		return sim_err(err, SIM_EINPUT, "sharpsim check: no test directory, expected TEST_DIR");
	return SIM_OK;
}

int cli_check(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			check_usage(stdout);
			return 0;
		}
	sim_err_t err = { 0 };
	cargs_t a = { 0 };
	int rc = check_parse(argc, argv, &a, &err);
	if (rc) {
		cli_error(&err);
		return cli_exit_status(rc);
	}
	char model[1200], data[1200], work[1200], dump[1300], wl[1300];
	snprintf(model, sizeof model, "%s/model.onnx", a.test);
	snprintf(data, sizeof data, "%s/test_data_set_%llu", a.test, (unsigned long long)a.set);
	onnx_import_opts_t io = { .data_dir = data, .seed = 1 };
	onnx_model_t *m = onnx_model_load(model, &io, &err);
	if (!m) {
		cli_error(&err);
		return cli_exit_status(err.code);
	}
	bool made = false;
	if (a.keep) {
		snprintf(work, sizeof work, "%s", a.keep);
	} else {
		rc = make_work(work, sizeof work, "check", &err);
		made = !rc;
	}
	snprintf(dump, sizeof dump, "%s/out", work);
	snprintf(wl, sizeof wl, "%s/workload.yaml", work);
	if (!rc)
		rc = onnx_model_write(m, work, &err);
	if (!rc && mkdir(dump, 0777) != 0 && errno != EEXIST)
		rc = sim_err(&err, SIM_EIO, "%s: cannot create directory: %s", dump, strerror(errno));
	run_outcome_t o;
	bool ran = false;
	onnx_check_result_t res = { 0 };
	if (!rc) {
		run_job_t job = {
			.hw_path = a.c.hw ? a.c.hw : CHECK_DEFAULT_HW,
			.hw_over = a.c.p,
			.n_hw = a.c.np,
			.wl_path = wl,
			.version = SHARPSIM_VERSION,
			.opts = { .functional = true,
				  .seed = 1,
				  .no_reference = true, /* it compares the dumps with the ONNX outputs */
				  .dump_dir = dump,
				  .fast_forward = true },
		};
		rc = run_pipeline(&job, &o, &err);
		ran = !rc;
	}
	if (!rc)
		rc = onnx_check_outputs(m, data, dump, &o.r.hw, &res, &err);
	if (!rc)
		printf("check %s: %s: %zu values, max |diff| %.3g, worst |diff|/tolerance %.3g (tolerance %.3g .. "
		       "%.3g, %s)%s%s\n",
		       a.test, res.pass ? "pass" : "FAIL", res.values, res.max_err, res.max_ratio, res.tol_min,
		       res.tol_max,
		       o.r.hw.precision.mul == PREC_BF16   ? "bf16"
		       : o.r.hw.precision.mul == PREC_FP32 ? "fp32"
							   : "fp16",
		       res.pass ? "" : ": ", res.pass ? "" : res.worst);
	if (ran)
		run_outcome_free(&o);
	if (made)
		remove_work(work, onnx_model_layers(m));
	onnx_model_destroy(m);
	if (rc) {
		cli_error(&err);
		return cli_exit_status(rc);
	}
	return res.pass ? 0 : 1;
}
