/*
 * cli_explore.c - `sharpsim explore`: the offline tile-config table.
 *
 * For every distinct layer shape of the given workloads (each with its W.x
 * and in its skip_input form) and every scheduler, runs the exploration of
 * core/explore.h and writes the table `tile: auto` reads.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/datadir.h"
#include "../config/config.h"
#include "../core/explore.h"
#include "../core/resolve.h"
#include "cli.h"

static void explore_usage(FILE *f)
{
	fputs("usage: sharpsim explore --hw FILE [-p key=value ...] [--workload FILE|DIR ...] [-v] --out TABLE.yaml\n"
	      "\n"
	      "Simulates every tile config the hardware can form on each distinct layer shape\n"
	      "(default: workloads/deepbench) at its own timesteps and batch, fast-forwarded,\n"
	      "for every scheduler, with and without W.x, and writes the best per (N, K,\n"
	      "scheduler, layer) as YAML; a layer is keyed by every layer key that moves\n"
	      "cycles (shape, T, batch, weight format, sparsity). Point\n"
	      "compute.tile_table at it, or write it to configs/tiles/<name>.yaml.\n"
	      "The table carries the config's timing key (every hardware key that moves\n"
	      "cycles, -p overrides included); a run under another key explores instead.\n"
	      "\n"
	      "  -v, --verbose  say on stderr why each tile won: the cycles of config1..4\n",
	      f);
}

/* Why e won: the cycles of every config it was compared with. */
static void explore_why(FILE *f, const tile_entry_t *e)
{
	fprintf(f, "explore: N=%u K=%u %s %s I=%u H=%u T=%u B=%u:", (unsigned)e->vs_units, (unsigned)e->vs_width,
		hw_sched_name(e->scheduler), workload_cell_name(e->cell), (unsigned)e->input_size,
		(unsigned)e->hidden_size, (unsigned)e->timesteps, (unsigned)e->batch);
	for (int c = 0; c < 4; c++) {
		if (e->cycles[c])
			fprintf(f, " config%d %llu%s", c + 1, (unsigned long long)e->cycles[c],
				(int)e->best == c + 1 ? "*" : "");
		else
			fprintf(f, " config%d -", c + 1); /* cannot be formed */
	}
	fprintf(f, " -> %s\n", hw_tile_name(e->best));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the .yaml files of path (a file, or a directory's files in name
 * order) to *list. */
static int add_files(const char *path, char ***list, size_t *n, sim_err_t *err)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return sim_err(err, SIM_EINPUT, "%s: no such file or directory, expected a workload file or directory",
			       path);
	if (!S_ISDIR(sb.st_mode)) {
		*list = realloc(*list, sizeof **list * (*n + 1));
		(*list)[(*n)++] = strdup(path);
		return SIM_OK;
	}
	DIR *d = opendir(path);
	if (!d)
		return sim_err(err, SIM_EIO, "%s: cannot read the directory", path);
	size_t first = *n;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml"))
			continue;
		char *full = malloc(strlen(path) + len + 2);
		sprintf(full, "%s/%s", path, e->d_name);
		*list = realloc(*list, sizeof **list * (*n + 1));
		(*list)[(*n)++] = full;
	}
	closedir(d);
	qsort(*list + first, *n - first, sizeof **list, cmp_str);
	return SIM_OK;
}

int cli_explore(int argc, char **argv)
{
	cli_common_t c = { 0 };
	sim_err_t err = { 0 };
	const char *out = NULL, *wls[64];
	size_t nwl = 0;
	bool verbose = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			explore_usage(stdout);
			return 0;
		}
		int used = cli_common_arg(&c, argc, argv, &i, &err);
		if (used < 0) {
			cli_error(&err);
			return 2;
		}
		if (used) {
			if (c.workload && nwl < 64 && (nwl == 0 || wls[nwl - 1] != c.workload))
				wls[nwl++] = c.workload;
			continue;
		}
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose = true;
			continue;
		}
		if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
			continue;
		}
		fprintf(stderr, "unknown option '%s', expected one of sharpsim explore --help\n", argv[i]);
		return 2;
	}
	if (!c.hw || !out) {
		fprintf(stderr, "sharpsim explore: --hw and --out are required, expected e.g. "
				"sharpsim explore --hw configs/sharp-4k.yaml --out configs/tiles/sharp-4k.yaml\n");
		return 2;
	}
	char buf[DATADIR_PATH_MAX];
	if (!nwl)
		wls[nwl++] = datadir_find("workloads/deepbench", buf, sizeof buf);
	hw_cfg_t hw;
	int rc = config_load_hw(c.hw, c.p, c.np, &hw, &err);
	char **files = NULL;
	size_t nfiles = 0;
	for (size_t i = 0; !rc && i < nwl; i++)
		rc = add_files(wls[i], &files, &nfiles, &err);
	tile_table_t t = { 0 };
	const sched_registry_t *reg = sched_registry_builtin();
	resolve_hw(&hw);
	t.has_key = true;
	t.timing_key = resolve_timing_key(&hw);
	for (size_t f = 0; !rc && f < nfiles; f++) {
		workload_t w = { 0 };
		rc = config_load_workload(files[f], NULL, 0, &w, &err);
		for (size_t l = 0; !rc && l < w.n_layers; l++)
			for (int skip = 0; !rc && skip < 2; skip++)
				for (size_t s = 0; !rc && s < sched_registry_count(reg); s++) {
					if (sched_registry_get(reg, s)->flags & SCHED_F_FIXED_TILE)
						continue; /* nothing to explore */
					layer_cfg_t lc = w.layers[l];
					lc.skip_input = skip;
					hw_cfg_t h = hw;
					h.scheduler = (sched_kind_t)s;
					tile_entry_t e;
					if (config_tile_lookup(&t, h.compute.vs_units, resolve_lanes(&h), h.scheduler,
							       resolve_layer_key(&h, &lc)))
						continue;
					rc = explore_layer(&h, reg, &lc, &e, &err);
					if (!rc && verbose)
						explore_why(stderr, &e);
					if (!rc) {
						t.e = realloc(t.e, sizeof *t.e * (t.n + 1));
						t.e[t.n++] = e;
					}
				}
		workload_free(&w);
	}
	if (!rc)
		rc = config_write_tile_table(out, hw.name, &t, &err);
	if (rc)
		cli_error(&err);
	else
		fprintf(stderr, "sharpsim explore: %zu entries written to %s (timing key 0x%016llx)\n", t.n, out,
			(unsigned long long)t.timing_key);
	for (size_t f = 0; f < nfiles; f++)
		free(files[f]);
	free(files);
	config_tile_table_free(&t);
	return cli_exit_status(rc);
}
