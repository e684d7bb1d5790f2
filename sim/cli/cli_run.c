/*
 * cli_run.c - `sharpsim run`: one workload on one hardware config.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/afile.h"
#include "../report/roofline.h"
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
	      "                    [--format text|json|csv] [--out FILE] [--per-layer]\n"
	      "                    [--dump-config DIR] [--trace FILE [--trace-from C]\n"
	      "                    [--trace-cycles N] [--trace-layer L] [--trace-steps A[:B]]\n"
	      "                    [--trace-max-mb M] [--trace-counter-window N]]\n"
	      "                    [--tech FILE | --no-energy] [--accelergy FILE] [--roofline FILE]\n"
	      "                    [--functional [--reference] [--seed N] [--dump-outputs DIR]]\n"
	      "                    [--describe-counters]\n"
	      "                    [--cosim | --rtl] [--vcd FILE]   (build/sharpsim-rtl)\n"
	      "                    [--budget-us X] [--anytime]\n"
	      "\n"
	      "  --hw FILE          hardware config (default " DEFAULT_HW ")\n"
	      "  --workload FILE    workload (default " DEFAULT_WORKLOAD "), or an ONNX\n"
	      "                     model (*.onnx), imported as by sharpsim import into a\n"
	      "                     temporary directory (X from --seed; -w timesteps=T and\n"
	      "                     -w batch_size=B size a symbolic X)\n"
	      "  --scheduler S      a schedule listed below (= -p scheduler=S)\n"
	      "  --deps D           step (h barrier, default) | element (finer h scoreboard what-if)\n"
	      "  -p key=value       override a hardware key, e.g. -p compute.vs_units=128\n"
	      "  -w key=value       override a key of every workload layer, e.g. -w skip_input=true\n"
	      "  --cold             count the initial weight load in the cycles\n"
	      "  --budget-us X      progressive layers (approx: svd_prune): refine each time step\n"
	      "                     only as many times as finish within X us (docs/progressive.md)\n"
	      "  --anytime          a dense one-layer workload: when each row block leaves the\n"
	      "                     accumulators, per time step; with --functional also h_t's\n"
	      "                     quality read after each block (docs/progressive.md)\n"
	      "  --format F         text (default), json or csv, on stdout or --out\n"
	      "  --out FILE         write the report to FILE (atomically)\n"
	      "  --per-layer        CSV: a row per layer pass after the run's row (row=layer)\n"
	      "  --dump-config DIR  write the effective config as DIR/hw.yaml and DIR/workload.yaml\n"
	      "                     (they load back: --hw DIR/hw.yaml --workload DIR/workload.yaml)\n"
	      "  --trace FILE       Chrome trace-event JSON for Perfetto; steps every cycle of its\n"
	      "                     window (fast-forward runs only before and after it)\n"
	      "  --trace-from C     trace from cycle C (default 0)\n"
	      "  --trace-cycles N   trace N cycles (default: to the end)\n"
	      "  --trace-layer L    trace layer L's cycles (1-based; a pass of a bidirectional\n"
	      "                     layer counts as one)\n"
	      "  --trace-steps A[:B] keep only slices of time steps A..B (0-based)\n"
	      "  --trace-max-mb M   stop the trace growing at M MB (default 256; 0: no cap)\n"
	      "  --trace-counter-window N  counter tracks sample every N cycles (default: the\n"
	      "                     window / 2000, at least 100)\n"
	      "  --tech FILE        technology table for energy/area (default " DEFAULT_TECH ")\n"
	      "  --no-energy        do not price the run\n"
	      "  --accelergy FILE   write per-component action counts (Accelergy action_counts YAML)\n"
	      "  --roofline FILE    write the run's roofline point as CSV to FILE and a gnuplot script\n"
	      "                     FILE.gp drawing FILE.svg (docs/outputs.md)\n"
	      "  --describe-counters\n"
	      "                     add each counter's unit and description (JSON: counter_units,\n"
	      "                     counter_descriptions; text: a counters section;\n"
	      "                     sharpsim --help-counters lists them)\n"
	      "  --no-fast-forward  step every cycle (fast-forward jumps are exact; this is for checking)\n"
	      "  --functional       compute the values bit for bit in the configured precision\n"
	      "  --reference        with --functional: also run the double reference and report the\n"
	      "                     error of h (and c, a classifier head's decisions) against it\n"
	      "                     (about as much work again as the datapath's MVMs)\n"
	      "  --seed N           seed of the random weights and inputs (default 1)\n"
	      "  --dump-outputs DIR write each layer's hidden states as .npy (functional)\n"
	      "  --cosim            run the Verilated RTL compute unit beside the C model, compared\n"
	      "                     bit for bit every cycle; the first divergence stops the run\n"
	      "  --rtl              put the RTL compute unit alone in the loop\n"
	      "  --vcd FILE         RTL waveforms (with --cosim/--rtl)\n"
	      "\n"
	      "Logs go to stderr, data to stdout or --out. Hardware keys: sharpsim --help-hw.\n"
	      "Workload keys: sharpsim --help-workload.\n\nSchedules:\n",
	      f);
	const sched_registry_t *reg = sched_registry_builtin();
	for (size_t i = 0; i < sched_registry_count(reg); i++)
		fprintf(f, "  %-17s  %s\n", sched_registry_get(reg, i)->name, sched_registry_get(reg, i)->description);
}

typedef struct run_args {
	cli_common_t c;
	bool cold, no_energy, functional, reference, no_ff, describe, anytime;
	cu_backend_mode_t cu_mode;
	const char *vcd;
	uint64_t seed;
	const char *dump;
	report_format_t fmt;
	const char *out, *trace, *tech, *accelergy, *roofline;
	uint64_t trace_from, trace_cycles, trace_layer, trace_max_mb, trace_window;
	int64_t step_lo, step_hi;
	bool trace_window_set, per_layer;
	const char *dump_config;
	double budget_us; /* 0: none */
} run_args_t;

/* A whole decimal number >= min (no sign, no spaces, no overflow). */
static int parse_u64(const char *opt, const char *v, uint64_t min, uint64_t *out, sim_err_t *err)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (!*v || *end || *v < '0' || *v > '9' || errno || x < min)
		return sim_err(err, SIM_EINPUT, "option %s '%s': expected a whole number >= %llu", opt, v,
			       (unsigned long long)min);
	*out = x;
	return SIM_OK;
}

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
				return sim_err(err, SIM_EINPUT,
					       "options --cosim and --rtl exclude each other, expected one");
			a->cu_mode = m;
		} else if (!strcmp(o, "--vcd") && has_value) {
			a->vcd = argv[++i];
		} else if (!strcmp(o, "--describe-counters")) {
			a->describe = true;
		} else if (!strcmp(o, "--no-fast-forward")) {
			a->no_ff = true;
		} else if (!strcmp(o, "--functional")) {
			a->functional = true;
		} else if (!strcmp(o, "--reference")) {
			a->reference = true;
		} else if (!strcmp(o, "--anytime")) {
			a->anytime = true;
		} else if (!strcmp(o, "--seed") && has_value) {
			const char *v = argv[++i];
			if (cli_parse_u64(v, UINT64_MAX, &a->seed))
				return sim_err(err, SIM_EINPUT,
					       "option --seed '%s': not a decimal integer from 0 to %llu, "
					       "expected digits only",
					       v, (unsigned long long)UINT64_MAX);
		} else if (!strcmp(o, "--budget-us") && has_value) {
			const char *v = argv[++i];
			char *end;
			errno = 0;
			a->budget_us = strtod(v, &end);
			if (!*v || *end || errno || !(a->budget_us > 0) || a->budget_us > 1e12)
				return sim_err(err, SIM_EINPUT,
					       "option --budget-us '%s': expected a time in microseconds, > 0", v);
		} else if (!strcmp(o, "--dump-outputs") && has_value) {
			a->dump = argv[++i];
		} else if (!strcmp(o, "--format") && has_value) {
			const char *v = argv[++i];
			if (report_parse_format(v, &a->fmt))
				return sim_err(err, SIM_EINPUT,
					       "option --format '%s': unknown format, expected text, json or csv", v);
		} else if (!strcmp(o, "--out") && has_value) {
			a->out = argv[++i];
		} else if (!strcmp(o, "--per-layer")) {
			a->per_layer = true;
		} else if (!strcmp(o, "--dump-config") && has_value) {
			a->dump_config = argv[++i];
		} else if (!strcmp(o, "--trace") && has_value) {
			a->trace = argv[++i];
		} else if (!strcmp(o, "--trace-from") && has_value) {
			if (parse_u64(o, argv[++i], 0, &a->trace_from, err))
				return SIM_EINPUT;
			a->trace_window_set = true;
		} else if (!strcmp(o, "--trace-cycles") && has_value) {
			if (parse_u64(o, argv[++i], 1, &a->trace_cycles, err))
				return SIM_EINPUT;
			a->trace_window_set = true;
		} else if (!strcmp(o, "--trace-layer") && has_value) {
			if (parse_u64(o, argv[++i], 1, &a->trace_layer, err))
				return SIM_EINPUT;
		} else if (!strcmp(o, "--trace-max-mb") && has_value) {
			if (parse_u64(o, argv[++i], 0, &a->trace_max_mb, err) || a->trace_max_mb > (1u << 20))
				return sim_err(err, SIM_EINPUT,
					       "option --trace-max-mb '%s': expected a whole number "
					       "0..1048576 (0: no cap)",
					       argv[i]);
		} else if (!strcmp(o, "--trace-counter-window") && has_value) {
			if (parse_u64(o, argv[++i], 1, &a->trace_window, err))
				return SIM_EINPUT;
		} else if (!strcmp(o, "--trace-steps") && has_value) {
			const char *v = argv[++i];
			char lo[32], *colon;
			snprintf(lo, sizeof lo, "%s", v);
			uint64_t x, y;
			if ((colon = strchr(lo, ':')))
				*colon = '\0';
			if (parse_u64(o, lo, 0, &x, err) || (colon && parse_u64(o, colon + 1, 0, &y, err)) ||
			    x > INT64_MAX || (colon && (y < x || y > INT64_MAX)))
				return sim_err(err, SIM_EINPUT,
					       "option --trace-steps '%s': expected STEP or FIRST:LAST "
					       "with FIRST <= LAST",
					       v);
			a->step_lo = (int64_t)x;
			a->step_hi = colon ? (int64_t)y : (int64_t)x;
		} else if (!strcmp(o, "--tech") && has_value) {
			a->tech = argv[++i];
		} else if (!strcmp(o, "--accelergy") && has_value) {
			a->accelergy = argv[++i];
		} else if (!strcmp(o, "--roofline") && has_value) {
			a->roofline = argv[++i];
		} else if (!strncmp(o, "--trace", 7) && !has_value) {
			return sim_err(err, SIM_EINPUT, "option %s: missing value, expected %s VALUE", o, o);
		} else if (!strcmp(o, "--format") || !strcmp(o, "--out") || !strcmp(o, "--trace") ||
			   !strcmp(o, "--seed") || !strcmp(o, "--dump-outputs") || !strcmp(o, "--vcd") ||
			   !strcmp(o, "--tech") || !strcmp(o, "--accelergy") || !strcmp(o, "--dump-config") ||
			   !strcmp(o, "--roofline") || !strcmp(o, "--budget-us")) {
			return sim_err(err, SIM_EINPUT, "option %s: missing value, expected %s VALUE", o, o);
		} else {
			return sim_err(err, SIM_EINPUT, "unknown option '%s', expected one of sharpsim run --help", o);
		}
	}
	if (a->per_layer && a->fmt != REPORT_CSV)
		return sim_err(err, SIM_EINPUT,
			       "option --per-layer: adds CSV rows (JSON has layers[] already), "
			       "expected --format csv with it");
	if (a->vcd && !a->cu_mode)
		return sim_err(err, SIM_EINPUT,
			       "option --vcd: waveforms come from the RTL compute unit, expected "
			       "--cosim or --rtl with it (build/sharpsim-rtl)");
	if (!a->trace && (a->trace_window_set || a->trace_layer || a->step_lo >= 0 || a->trace_window))
		return sim_err(err, SIM_EINPUT,
			       "options --trace-*: choose what --trace writes, expected --trace FILE "
			       "with them");
	if (a->trace_layer && a->trace_window_set)
		return sim_err(err, SIM_EINPUT,
			       "options --trace-layer and --trace-from/--trace-cycles both choose the "
			       "window, expected one of them");
	return SIM_OK;
}

/* The effective config of the run, as files that load back (the same
 * config_hash): the hardware after defaults, file and -p; the workload
 * after -w. */
static int dump_config(const char *dir, const hw_cfg_t *hw, const workload_t *w, uint64_t hash, sim_err_t *err)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return sim_err(err, SIM_EIO, "%s: cannot create: %s", dir, strerror(errno));
	for (int k = 0; k < 2; k++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, k ? "workload.yaml" : "hw.yaml");
		afile_t *f = afile_open(path, err);
		if (!f)
			return err->code;
		fprintf(afile_stream(f),
			"# The effective %s of a sharpsim %s run, config_hash %016llx\n"
			"# (defaults, file and %s overrides applied; \"auto\" as written).\n",
			k ? "workload" : "hardware config", SHARPSIM_VERSION, (unsigned long long)hash,
			k ? "-w" : "-p");
		if (k)
			config_dump_workload(afile_stream(f), w);
		else
			config_dump_hw(afile_stream(f), hw);
		int rc = afile_commit(f, err);
		if (rc)
			return rc;
	}
	return SIM_OK;
}

static void run_note(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "sharpsim: trace: %s\n", msg);
}

/*
 * The trace's window, and the warning that it is stepped. A run with
 * fast-forward is first run without the trace (cheap: it fast-forwards)
 * to learn its length and its layers' cycle spans; that is what turns
 * --trace-layer into a window, and what the warning and the in-run
 * estimate of time and size compare against.
 */
static int trace_plan(const run_args_t *a, const run_job_t *job, trace_opts_t *to, sim_err_t *err)
{
	*to = (trace_opts_t){ .from = a->trace_from,
			      .cycles = a->trace_cycles,
			      .step_lo = a->step_lo,
			      .step_hi = a->step_hi,
			      .max_bytes = (a->trace_max_mb) << 20,
			      .note = run_note };
	/* The default counter window: about 2000 samples over the span. */
	uint64_t span = a->trace_cycles;
	to->window = a->trace_window ? a->trace_window : span / 2000 > 100 ? span / 2000 : 100;
	if (a->no_ff && !a->trace_layer) {
		if (!span && !a->trace_window)
			to->window = 1000;
		fprintf(stderr, "sharpsim: warning: --trace with --no-fast-forward steps every cycle of the run; "
				"--trace-from/--trace-cycles trace a window\n");
		return SIM_OK;
	}
	run_job_t pre = *job;
	pre.opts.trace_path = NULL;
	pre.tech = NULL;
	run_outcome_t po;
	int rc = run_pipeline(&pre, &po, err);
	if (rc)
		return rc;
	const run_result_t r = po.r;
	to->expect_cycles = r.cycles;
	if (a->trace_layer) {
		if (a->trace_layer > r.n_layers) {
			run_outcome_free(&po);
			return sim_err(err, SIM_EINPUT,
				       "option --trace-layer %llu: the workload runs %zu layer passes, "
				       "expected 1..%zu",
				       (unsigned long long)a->trace_layer, r.n_layers, r.n_layers);
		}
		uint64_t start = 0;
		for (size_t i = 0; i + 1 < a->trace_layer; i++)
			start += r.layers[i].cycles;
		to->from = start;
		to->cycles = r.layers[a->trace_layer - 1].cycles;
	}
	run_outcome_free(&po);
	uint64_t end =
		to->cycles && to->from + to->cycles < to->expect_cycles ? to->from + to->cycles : to->expect_cycles;
	span = end > to->from ? end - to->from : 0;
	if (!a->trace_window && !a->trace_cycles)
		to->window = span / 2000 > 100 ? span / 2000 : 100;
	if (to->from >= to->expect_cycles)
		fprintf(stderr,
			"sharpsim: warning: --trace-from %llu is past the run's end (%llu cycles): the trace "
			"will be empty\n",
			(unsigned long long)to->from, (unsigned long long)to->expect_cycles);
	else if (span > 1000000)
		fprintf(stderr,
			"sharpsim: warning: --trace turns fast-forward off inside its window: %llu of the "
			"run's %llu cycles are stepped one at a time (an estimate of time and size follows after "
			"half a second; --trace-from/--trace-cycles/--trace-layer trace less)\n",
			(unsigned long long)span, (unsigned long long)to->expect_cycles);
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

/* One line on stderr for a DRAM-bound run (RUN_DRAM_BOUND_FRACTION): its
 * cycles measure the DRAM, not the accelerator, and a study comparing
 * designs on it should know (docs/hardware.md §2.0). Says why it waited. */
static void warn_dram_bound(const run_result_t *r)
{
	uint64_t streamed = 0, total = 0;
	for (size_t i = 0; i < r->n_layers; i++) {
		total += r->layers[i].weight_bytes;
		if (r->layers[i].weights == WEIGHTS_STREAM)
			streamed += r->layers[i].weight_bytes;
	}
	fprintf(stderr, "sharpsim: warning: DRAM-bound: %.1f %% of cycles waiting for weights at %.1f GB/s; ",
		100.0 * r->dram_wait_fraction, r->hw.memory.dram.gbps);
	if (streamed)
		fprintf(stderr,
			"%.1f MB of streamed layers' weights exceed the %.1f MB weight buffer; what does not fit is read every step "
			"(memory.weights=resident is the paper's assumption; memory.dram_gbps sets the bandwidth)\n",
			(double)streamed / 1e6, (double)r->hw.memory.wbuf.bytes / 1e6);
	else if (r->n_layers > 1 && total > r->hw.memory.wbuf.bytes)
		fprintf(stderr,
			"the layers fit the %.1f MB weight buffer one at a time but not together "
			"(%.1f MB), so each layer's weights load from DRAM before it runs "
			"(memory.weights=resident is the paper's assumption)\n",
			(double)r->hw.memory.wbuf.bytes / 1e6, (double)total / 1e6);
	else if (r->cold)
		fprintf(stderr, "the run waits for its initial weight load (cold start)\n");
	else
		fprintf(stderr, "the later layers wait for their weights to load from DRAM before they run\n");
}

/* Whether a --workload names an ONNX model (by its extension, as users
 * name them) rather than a workload YAML. */
static bool is_onnx(const char *path)
{
	size_t n = strlen(path);
	return n > 5 && !strcmp(path + n - 5, ".onnx");
}

/* T and B for an ONNX model's X from -w timesteps=T and -w batch_size=B
 * (0 when not given; the last one given counts, as for the workload). A
 * value that is not a number is left to the workload's own check. */
static void onnx_dims(const cli_common_t *c, uint32_t tb[2])
{
	static const char *const K[2] = { "timesteps=", "batch_size=" };
	tb[0] = tb[1] = 0;
	for (size_t i = 0; i < c->nw; i++)
		for (int k = 0; k < 2; k++) {
			uint64_t v;
			size_t n = strlen(K[k]);
			if (!strncmp(c->wo[i], K[k], n) && !cli_parse_u64(c->wo[i] + n, k ? 1024 : 10000000, &v))
				tb[k] = (uint32_t)v;
		}
}

int cli_run(int argc, char **argv, const cli_hooks_t *hooks)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			run_usage(stdout);
			return 0;
		}
	run_args_t a = { .seed = 1, .step_lo = -1, .step_hi = -1, .trace_max_mb = 256 };
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
	if ((a.dump || a.reference) && !a.functional) {
		fprintf(stderr, "option %s: needs --functional, expected both\n",
			a.dump ? "--dump-outputs" : "--reference");
		afile_abort(out);
		return 2;
	}
	/* An ONNX model runs as `sharpsim import` would write it, from a
	 * temporary directory removed once the pipeline has read it (the run
	 * keeps the workload and weights in memory). */
	char onnx_work[1200], onnx_wl[1300];
	size_t onnx_layers = 0;
	bool onnx = is_onnx(wl_path);
	if (onnx && a.dump_config) {
		fprintf(stderr,
			"option --dump-config: %s is imported into a temporary directory that the run removes, "
			"expected `sharpsim import %s --out DIR` and --workload DIR/workload.yaml\n",
			wl_path, wl_path);
		afile_abort(out);
		return 2;
	}
	if (onnx) {
		uint32_t tb[2];
		onnx_dims(&a.c, tb);
		rc = cli_onnx_stage(wl_path, a.seed, tb[0], tb[1], onnx_work, sizeof onnx_work, &onnx_layers, &err);
		if (rc) {
			cli_error(&err);
			afile_abort(out);
			return cli_exit_status(rc);
		}
		snprintf(onnx_wl, sizeof onnx_wl, "%s/workload.yaml", onnx_work);
		wl_path = onnx_wl;
	}
	energy_tech_t *tech = NULL;
	run_job_t job = {
		.hw_path = hw_path,
		.hw_over = a.c.p,
		.n_hw = a.c.np,
		.wl_path = wl_path,
		.wl_over = a.c.wo,
		.n_wl = a.c.nw,
		.version = SHARPSIM_VERSION,
		.opts = { .cold = a.cold,
			  .trace_path = a.trace,
			  .functional = a.functional,
			  .seed = a.seed,
			  .no_reference = !a.reference,
			  .dump_dir = a.dump,
			  .fast_forward = !a.no_ff,
			  .cu_mode = a.cu_mode,
			  .cu_factory = hooks ? hooks->rtl_factory : NULL,
			  .vcd_path = a.vcd,
			  .budget_us = a.budget_us,
			  .anytime = a.anytime },
	};
	run_outcome_t o;
	trace_opts_t to;
	rc = a.trace ? trace_plan(&a, &job, &to, &err) : SIM_OK;
	job.opts.trace_opts = a.trace ? &to : NULL;
	if (!rc)
		rc = load_tech(&a, &tech, &err);
	if (!rc) {
		job.tech = tech;
		rc = run_pipeline(&job, &o, &err);
	}
	if (onnx)
		cli_onnx_unstage(onnx_work, onnx_layers);
	energy_tech_destroy(tech);
	if (rc) {
		cli_error(&err);
		afile_abort(out);
		return cli_exit_status(rc);
	}
	run_result_t r = o.r;
	cli_note_stale_tiles(&r.tile_stale);
	if (r.note[0])
		fprintf(stderr, "sharpsim: note: %s: %s\n", o.hw.name, r.note);
	if (!r.weights_fit && o.hw.memory.weights == WEIGHTS_RESIDENT)
		fprintf(stderr,
			"sharpsim: note: weights do not fit the %llu-byte weight buffer; run as resident "
			"anyway (memory.weights=resident, the paper's assumption)\n",
			(unsigned long long)o.hw.memory.wbuf.bytes);
	if (r.dram_bound)
		warn_dram_bound(&r);
	rc = write_accelergy(&a, &o, &err);
	if (!rc && a.roofline)
		rc = rfl_write(a.roofline, &r, o.w.name, &err);
	if (!rc && a.dump_config)
		rc = dump_config(a.dump_config, &o.hw, &o.w, o.config_hash, &err);
	if (rc) {
		cli_error(&err);
		run_outcome_free(&o);
		afile_abort(out);
		if (a.trace)
			unlink(a.trace);
		return cli_exit_status(rc);
	}
	report_ctx_t ctx = { .version = SHARPSIM_VERSION,
			     .config_hash = o.config_hash,
			     .w = &o.w,
			     .r = &r,
			     .energy = o.priced ? &o.e : NULL,
			     .describe_counters = a.describe,
			     .per_layer = a.per_layer };
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
