/*
 * cli_main.c - `sharpsim COMMAND ...`: dispatch, shared option parsing,
 * errors. main() itself is in sharpsim_main.c (the plain build) or
 * cosim/sharpsim_rtl_main.cpp (the build with the RTL compute unit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "../config/config.h"
#include "../core/resolve.h"
#include "cli.h"

#ifndef SHARPSIM_VERSION
#define SHARPSIM_VERSION "0.0.0"
#endif

static void usage(FILE *f)
{
	fputs("usage: sharpsim COMMAND [options]\n"
	      "\n"
	      "A cycle-level simulator of SHARP-style RNN inference accelerators.\n"
	      "\n"
	      "commands:\n"
	      "  run       simulate a workload on a hardware config and report cycles,\n"
	      "            utilization, stalls by cause, energy and area\n"
	      "  explore   build the tile-config table `tile: auto` reads\n"
	      "  config    print the effective hardware config (after -p overrides)\n"
	      "  compare   run workloads on several designs side by side: cycles, latency,\n"
	      "            utilization, energy, and speedup and energy ratios to the first\n"
	      "  sweep     run a design-space sweep (a spec of configs x workloads x\n"
	      "            schedulers x parameters) in parallel, resumably\n"
	      "  merge     combine sweep result directories\n"
	      "  plot      draw a sweep's results as PNG and SVG figures (gnuplot)\n"
	      "  compress  prune, quantize or codebook .npy weights; bytes and error\n"
	      "  decompose rank-1 SVD refinement factors of a layer's gates (anytime LSTM)\n"
	      "  import    an ONNX model's LSTM/GRU/RNN layers as a workload and .npy weights\n"
	      "  check     an ONNX backend test case through import and a functional run\n"
	      "\n"
	      "  sharpsim COMMAND --help   options of a command\n"
	      "  sharpsim --help-hw        every hardware key (type, default, range)\n"
	      "  sharpsim --help-workload  every workload layer key\n"
	      "  sharpsim --help-counters  every counter a run reports, with unit and description\n"
	      "  sharpsim --help-man       the manual page sharpsim(1), man(7) source\n"
	      "  sharpsim --version\n",
	      f);
}

int cli_exit_status(int code)
{
	switch (code) {
	case SIM_OK:
		return 0;
	case SIM_EINPUT:
		return 2;
	case SIM_EIO:
		return 3;
	case SIM_EDEADLOCK:
		return 4;
	default:
		return 5;
	}
}

int cli_read_npy(const char *path, npy_array_t *a, sim_err_t *err)
{
	int rc = npy_read(path, a, err);
	if (rc == SIM_EIO) {
		err->code = rc = SIM_EINPUT;
		size_t n = strlen(err->msg);
		snprintf(err->msg + n, sizeof err->msg - n, ", expected a readable .npy file");
	}
	return rc;
}

int cli_parse_u64(const char *text, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (!*text)
		return -1;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		unsigned d = (unsigned)(*p - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

void cli_error(const sim_err_t *err)
{
	fprintf(stderr, "%s\n", err->msg);
}

void cli_note_stale_tiles(const tile_stale_t *s)
{
	if (!s->stale)
		return;
	if (s->has_key)
		fprintf(stderr,
			"note: tile table %s was explored for another configuration (timing key 0x%016llx, this run "
			"0x%016llx); exploring each layer instead\n",
			s->path, (unsigned long long)s->table_key, (unsigned long long)s->run_key);
	else
		fprintf(stderr,
			"note: tile table %s has no timing key (written before tables carried one), so the machine it "
			"was explored for is unknown (this run 0x%016llx); exploring each layer instead, regenerate it "
			"with sharpsim explore\n",
			s->path, (unsigned long long)s->run_key);
}

static int need_value(int argc, char **argv, int i, sim_err_t *err)
{
	if (i + 1 >= argc)
		return sim_err(err, SIM_EINPUT, "option %s: missing value, expected %s VALUE", argv[i], argv[i]);
	return SIM_OK;
}

int cli_common_arg(cli_common_t *c, int argc, char **argv, int *i, sim_err_t *err)
{
	const char *a = argv[*i];
	if (!strcmp(a, "--hw") || !strcmp(a, "--workload") || !strcmp(a, "-p") || !strcmp(a, "-w") ||
	    !strcmp(a, "--scheduler") || !strcmp(a, "--deps")) {
		if (need_value(argc, argv, *i, err))
			return -1;
		const char *v = argv[++*i];
		if (!strcmp(a, "--hw"))
			c->hw = v;
		else if (!strcmp(a, "--workload"))
			c->workload = v;
		else if (!strcmp(a, "-w")) {
			if (c->nw == CLI_MAX_OVERRIDES)
				return sim_err(err, SIM_EINPUT, "too many -w options, expected at most %d",
					       CLI_MAX_OVERRIDES),
				       -1;
			c->wo[c->nw++] = v;
		} else {
			if (c->np == CLI_MAX_OVERRIDES)
				return sim_err(err, SIM_EINPUT, "too many -p options, expected at most %d",
					       CLI_MAX_OVERRIDES),
				       -1;
			if (!strcmp(a, "--scheduler") || !strcmp(a, "--deps")) {
				char *t = c->opt_text[c->np];
				snprintf(t, sizeof c->opt_text[0], "%s=%s", a + 2, v);
				v = t;
			}
			c->p[c->np++] = v;
		}
		return 1;
	}
	return 0;
}

/*
 * The process keeps the memory it frees. A run allocates its per-layer
 * tables (tile metadata, token templates, buffers) once per layer, per
 * explored tile candidate and, in a sweep worker, per point; many are
 * 128 KB or more, which glibc by default maps fresh and unmaps at free,
 * and it trims the heap's top as it falls, so the next allocation of the
 * same size faults in and zeroes its pages again. Kept, those pages are
 * reused: the DeepBench study spends about a fifth less CPU and a
 * one-step run takes about a quarter fewer page faults, with the same
 * peak RSS (docs/performance.md, "Memory the process keeps"). Only the
 * program does this; the library leaves its host's allocator alone.
 */
static void cli_keep_freed_memory(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 32 << 20); /* glibc's ceiling for it */
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

int cli_main(int argc, char **argv, const cli_hooks_t *hooks)
{
	cli_keep_freed_memory();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("sharpsim %s\n", SHARPSIM_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "--help-hw")) {
		config_help_hw(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--help-workload")) {
		config_help_workload(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--help-counters"))
		return cli_help_counters();
	if (!strcmp(cmd, "--help-man")) {
		config_help_man(stdout, SHARPSIM_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return cli_run(argc - 1, argv + 1, hooks);
	if (!strcmp(cmd, "explore"))
		return cli_explore(argc - 1, argv + 1);
	if (!strcmp(cmd, "config"))
		return cli_config(argc - 1, argv + 1);
	if (!strcmp(cmd, "compare"))
		return cli_compare(argc - 1, argv + 1);
	if (!strcmp(cmd, "sweep"))
		return cli_sweep(argc - 1, argv + 1);
	if (!strcmp(cmd, "merge"))
		return cli_merge(argc - 1, argv + 1);
	if (!strcmp(cmd, "plot"))
		return cli_plot(argc - 1, argv + 1);
	if (!strcmp(cmd, "compress"))
		return cli_compress(argc - 1, argv + 1);
	if (!strcmp(cmd, "decompose"))
		return cli_decompose(argc - 1, argv + 1);
	if (!strcmp(cmd, "import"))
		return cli_import(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return cli_check(argc - 1, argv + 1);
	sim_err_t err;
	sim_err(&err, SIM_EINPUT,
		"sharpsim: unknown command '%s', expected run, explore, config, compare, sweep, "
		"merge, plot, compress, decompose, import or check (see sharpsim --help)",
		cmd);
	cli_error(&err);
	return 2;
}
