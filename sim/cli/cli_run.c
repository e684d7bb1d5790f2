/*
 * cli_run.c - `sharpsim run`: one workload on one hardware config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/afile.h"
#include "../config/config.h"
#include "../core/pipeline.h"
#include "../energy/energy.h"
#include "../report/report.h"
#include "cli.h"

#define DEFAULT_HW "configs/sharp-4k.yaml"
#define DEFAULT_WORKLOAD "workloads/deepbench/lstm_h1024_b1_t25.yaml"
#define DEFAULT_TECH "configs/tech/sharp-32nm.yaml"

static void run_usage(FILE *f)
{
	fputs("usage: sharpsim run [--hw FILE] [--workload FILE] [--scheduler S] [--deps step|element]\n"
	      "                    [-p key=value ...] [-w key=value ...] [--cold]\n"
	      "                    [--format text|json|csv] [--out FILE] [--trace FILE]\n"
	      "                    [--tech FILE | --no-energy] [--accelergy FILE]\n"
	      "                    [--functional [--seed N] [--dump-outputs DIR]] [--describe-counters]\n"
	      "                    [--cosim | --rtl] [--vcd FILE]   (build/sharpsim-rtl)\n"
	      "\n"
	      "  --hw FILE          hardware config (default " DEFAULT_HW ")\n"
	      "  --workload FILE    workload (default " DEFAULT_WORKLOAD ")\n"
	      "  --scheduler S      a schedule listed below (= -p scheduler=S)\n"
	      "  --deps D           step (h barrier, default) | element (finer h scoreboard what-if)\n"
	      "  -p key=value       override a hardware key, e.g. -p compute.vs_units=128\n"
	      "  -w key=value       override a key of every workload layer, e.g. -w skip_input=true\n"
	      "  --cold             count the initial weight load in the cycles\n"
	      "  --format F         text (default), json or csv, on stdout or --out\n"
	      "  --out FILE         write the report to FILE (atomically)\n"
	      "  --trace FILE       Chrome trace-event JSON for Perfetto\n"
	      "  --tech FILE        technology table for energy/area (default " DEFAULT_TECH ")\n"
	      "  --no-energy        do not price the run\n"
	      "  --accelergy FILE   write per-component action counts (Accelergy action_counts YAML)\n"
	      "  --describe-counters\n"
	      "                     add each counter's description (JSON: counter_descriptions;\n"
	      "                     text: a counters section; sharpsim --help-counters lists them)\n"
	      "  --no-fast-forward  step every cycle (fast-forward jumps are exact; this is for checking)\n"
	      "  --functional       compute the values bit for bit in the configured precision and\n"
	      "                     report the error of h (and c) against a double reference\n"
	      "  --seed N           seed of the random weights and inputs (default 1)\n"
	      "  --dump-outputs DIR write each layer's hidden states as .npy (functional)\n"
	      "  --cosim            run the Verilated RTL compute unit beside the C model, compared\n"
	      "                     bit for bit every cycle; the first divergence stops the run\n"
	      "  --rtl              put the RTL compute unit alone in the loop\n"
	      "  --vcd FILE         RTL waveforms (with --cosim/--rtl)\n"
	      "\n"
	      "Logs go to stderr, data to stdout or --out. Hardware keys: sharpsim --help-hw.\n"
	      "Workload keys: sharpsim --help-workload.\n\nSchedules:\n", f);
	const sched_registry_t *reg = sched_registry_builtin();
	for (size_t i = 0; i < sched_registry_count(reg); i++)
		fprintf(f, "  %-17s  %s\n", sched_registry_get(reg, i)->name, sched_registry_get(reg, i)->description);
}

typedef struct run_args {
	cli_common_t c;
	bool cold, no_energy, functional, no_ff, describe;
	cu_backend_mode_t cu_mode;
	const char *vcd;
	uint64_t seed;
	const char *dump;
	report_format_t fmt;
	const char *out, *trace, *tech, *accelergy;
} run_args_t;

static int parse(int argc, char **argv, run_args_t *a, sim_err_t *err)
{
	for (int i = 1; i < argc; i++) {
		int used = cli_common_arg(&a->c, argc, argv, &i, err);
		if (used < 0)
			return SIM_EINPUT;
		if (used)
			continue;
		const char *o = argv[i];
		bool has_value = i + 1 < argc;
		if (!strcmp(o, "--cold")) {
			a->cold = true;
		} else if (!strcmp(o, "--no-energy")) {
			a->no_energy = true;
		} else if (!strcmp(o, "--cosim") || !strcmp(o, "--rtl")) {
			cu_backend_mode_t m = !strcmp(o, "--cosim") ? CU_BACKEND_COSIM : CU_BACKEND_RTL;
			if (a->cu_mode && a->cu_mode != m)
				return sim_err(err, SIM_EINPUT, "options --cosim and --rtl exclude each other, expected one");
			a->cu_mode = m;
		} else if (!strcmp(o, "--vcd") && has_value) {
			a->vcd = argv[++i];
		} else if (!strcmp(o, "--describe-counters")) {
			a->describe = true;
		} else if (!strcmp(o, "--no-fast-forward")) {
			a->no_ff = true;
		} else if (!strcmp(o, "--functional")) {
			a->functional = true;
		} else if (!strcmp(o, "--seed") && has_value) {
			const char *v = argv[++i];
			if (cli_parse_u64(v, UINT64_MAX, &a->seed))
				return sim_err(err, SIM_EINPUT, "option --seed '%s': not a decimal integer from 0 to %llu, "
					       "expected digits only", v, (unsigned long long)UINT64_MAX);
		} else if (!strcmp(o, "--dump-outputs") && has_value) {
			a->dump = argv[++i];
		} else if (!strcmp(o, "--format") && has_value) {
			const char *v = argv[++i];
			if (report_parse_format(v, &a->fmt))
				return sim_err(err, SIM_EINPUT, "option --format '%s': unknown format, expected text, json or csv", v);
		} else if (!strcmp(o, "--out") && has_value) {
			a->out = argv[++i];
		} else if (!strcmp(o, "--trace") && has_value) {
			a->trace = argv[++i];
		} else if (!strcmp(o, "--tech") && has_value) {
			a->tech = argv[++i];
		} else if (!strcmp(o, "--accelergy") && has_value) {
			a->accelergy = argv[++i];
		} else if (!strcmp(o, "--format") || !strcmp(o, "--out") || !strcmp(o, "--trace") ||
			   !strcmp(o, "--seed") || !strcmp(o, "--dump-outputs") || !strcmp(o, "--vcd") ||
			   !strcmp(o, "--tech") || !strcmp(o, "--accelergy")) {
			return sim_err(err, SIM_EINPUT, "option %s: missing value, expected %s VALUE", o, o);
		} else {
			return sim_err(err, SIM_EINPUT, "unknown option '%s', expected one of sharpsim run --help", o);
		}
	}
	return SIM_OK;
}

/* The technology table run prices with (NULL with --no-energy). */
static int load_tech(const run_args_t *a, energy_tech_t **tech, sim_err_t *err)
{
	*tech = NULL;
	if (a->no_energy)
		return SIM_OK;
	return energy_tech_load(a->tech ? a->tech : DEFAULT_TECH, tech, err);
}

static int write_accelergy(const run_args_t *a, const run_outcome_t *o, sim_err_t *err)
{
	if (!a->accelergy || !o->priced)
		return SIM_OK;
	afile_t *f = afile_open(a->accelergy, err);
	if (!f)
		return err->code;
	energy_write_accelergy(afile_stream(f), &o->e, o->r.hw.name);
	return afile_commit(f, err);
}

int cli_run(int argc, char **argv, const cli_hooks_t *hooks)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			run_usage(stdout);
			return 0;
		}
	run_args_t a = { .seed = 1 };
	sim_err_t err = { 0 };
	int rc = parse(argc, argv, &a, &err);
	if (rc) {
		cli_error(&err);
		return cli_exit_status(rc);
	}
	/* --out is opened before anything runs, so that a path that cannot
	 * take the report (a directory, a missing directory) fails in a
	 * moment, not after the run and not after --trace was written. */
	afile_t *out = afile_open(a.out, &err);
	if (!out) {
		cli_error(&err);
		return cli_exit_status(err.code);
	}
	const char *hw_path = a.c.hw ? a.c.hw : DEFAULT_HW;
	const char *wl_path = a.c.workload ? a.c.workload : DEFAULT_WORKLOAD;
	if (a.dump && !a.functional) {
		fprintf(stderr, "option --dump-outputs: needs --functional, expected both\n");
		afile_abort(out);
		return 2;
	}
	energy_tech_t *tech = NULL;
	run_job_t job = {
		.hw_path = hw_path, .hw_over = a.c.p, .n_hw = a.c.np,
		.wl_path = wl_path, .wl_over = a.c.wo, .n_wl = a.c.nw, .version = SHARPSIM_VERSION,
		.opts = { .cold = a.cold, .trace_path = a.trace, .functional = a.functional, .seed = a.seed,
			  .dump_dir = a.dump, .fast_forward = !a.no_ff, .cu_mode = a.cu_mode,
			  .cu_factory = hooks ? hooks->rtl_factory : NULL, .vcd_path = a.vcd },
	};
	run_outcome_t o;
	rc = load_tech(&a, &tech, &err);
	if (!rc) {
		job.tech = tech;
		rc = run_pipeline(&job, &o, &err);
	}
	energy_tech_destroy(tech);
	if (rc) {
		cli_error(&err);
		afile_abort(out);
		return cli_exit_status(rc);
	}
	run_result_t r = o.r;
	if (!r.weights_fit && o.hw.memory.weights == WEIGHTS_RESIDENT)
		fprintf(stderr, "sharpsim: note: weights do not fit the %llu-byte weight buffer; run as resident "
			"anyway (memory.weights=resident, the paper's assumption)\n",
			(unsigned long long)o.hw.memory.wbuf.bytes);
	rc = write_accelergy(&a, &o, &err);
	if (rc) {
		cli_error(&err);
		run_outcome_free(&o);
		afile_abort(out);
		if (a.trace)
			unlink(a.trace);
		return cli_exit_status(rc);
	}
	report_ctx_t ctx = { .version = SHARPSIM_VERSION, .config_hash = o.config_hash, .w = &o.w, .r = &r,
			     .energy = o.priced ? &o.e : NULL, .describe_counters = a.describe };
	report_write(afile_stream(out), a.fmt, &ctx);
	rc = afile_commit(out, &err);
	/* The trace belongs to the report: without one, it goes too. */
	if (rc && a.trace)
		unlink(a.trace);
	if (rc)
		cli_error(&err);
	run_outcome_free(&o);
	return cli_exit_status(rc);
}
