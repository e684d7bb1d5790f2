/*
 * cli_compare.c - `sharpsim compare`: several designs side by side on the
 * same workloads.
 *
 * A design is a hardware file with an optional scheduler (`--scheduler`
 * after a `--hw` belongs to that `--hw`); -p and -w apply to every design,
 * the design's own scheduler last. Every (workload, design) pair runs in
 * this process through accel_run() and is priced by energy_eval(), exactly
 * as `sharpsim run` does, so a compare row equals the run report of the same
 * inputs. The first design is the reference of the ratios:
 *
 *   speedup      = latency(first) / latency(design)   (> 1: faster than the first)
 *   energy_ratio = energy(design) / energy(first)      (< 1: less energy)
 *   power_ratio  = power(design) / power(first)
 *
 * Latency, not cycles, because designs may run at different clocks.
 * Nothing is written until every run has succeeded; the report then goes
 * to stdout or, atomically, to --out.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/afile.h"
#include "../common/json.h"
#include "../config/config.h"
#include "../core/pipeline.h"
#include "../energy/energy.h"
#include "../report/report.h"
#include "cli.h"

#define CMP_MAX_DESIGNS 32
#define CMP_MAX_WORKLOADS 1024
#define CMP_DEFAULT_TECH "configs/tech/sharp-32nm.yaml"

static void compare_usage(FILE *f)
{
	fputs("usage: sharpsim compare --hw FILE [--scheduler S] --hw FILE [--scheduler S] ...\n"
	      "                        --workload FILE|DIR [--workload FILE|DIR ...]\n"
	      "                        [-p key=value ...] [-w key=value ...] [--cold]\n"
	      "                        [--tech FILE | --no-energy] [--format text|json|csv] [--out FILE]\n"
	      "\n"
	      "Runs every workload on every design and prints, per workload, cycles, latency,\n"
	      "utilization, energy and power of each design, with speedup (latency of the\n"
	      "first / latency), energy ratio and power ratio (design / first) against the\n"
	      "first design.\n"
	      "\n"
	      "  --hw FILE          a design's hardware config (at least two)\n"
	      "  --scheduler S      the scheduler of the --hw just before it (default: the file's)\n"
	      "  --workload F|D     a workload file, or a directory's .yaml files in name order\n"
	      "  -p key=value       override a hardware key of every design\n"
	      "  -w key=value       override a key of every workload layer\n"
	      "  --cold             count the initial weight load in the cycles\n"
	      "  --tech FILE        technology table (default " CMP_DEFAULT_TECH ")\n"
	      "  --no-energy        do not price the runs (energy columns empty)\n"
	      "  --format F         text (default), json or csv\n"
	      "  --out FILE         write the report to FILE (atomically)\n",
	      f);
}

typedef struct cmp_design {
	const char *hw_path;
	const char *scheduler; /* NULL: the file's own */
	char sched_opt[64];    /* "scheduler=S" */
} cmp_design_t;

typedef struct cmp_args {
	cmp_design_t d[CMP_MAX_DESIGNS];
	size_t nd;
	const char *wl_arg[CMP_MAX_WORKLOADS];
	size_t nwl_arg;
	const char *p[CLI_MAX_OVERRIDES + 1]; /* + the design's scheduler */
	size_t np;
	const char *wo[CLI_MAX_OVERRIDES];
	size_t nw;
	bool cold, no_energy;
	report_format_t fmt;
	const char *out, *tech;
	bool stale_said[CMP_MAX_DESIGNS]; /* the stale-table note, once per design */
} cmp_args_t;

/* One (workload, design) result: what the report prints. */
typedef struct cmp_cell {
	char design[160];
	char hw_name[64];
	const char *scheduler;
	uint64_t cycles;
	double clock_mhz;
	double latency_us;
	double utilization;
	uint64_t useful_macs, issued_macs;
	uint64_t macs_per_cycle;
	uint32_t n, k; /* the machine as run: N VS units x K lanes */
	uint64_t config_hash;
	bool weights_fit;
	bool priced;
	double energy_uj, power_w, area_mm2;
} cmp_cell_t;

typedef struct cmp_row {
	char workload[128];
	char path[512];
	cmp_cell_t *cell; /* nd of them */
} cmp_row_t;

static int parse(int argc, char **argv, cmp_args_t *a, sim_err_t *err)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		bool has_value = i + 1 < argc;
		if (!strcmp(o, "--cold")) {
			a->cold = true;
			continue;
		}
		if (!strcmp(o, "--no-energy")) {
			a->no_energy = true;
			continue;
		}
		if (!strcmp(o, "--hw") || !strcmp(o, "--scheduler") || !strcmp(o, "--workload") || !strcmp(o, "-p") ||
		    !strcmp(o, "-w") || !strcmp(o, "--format") || !strcmp(o, "--out") || !strcmp(o, "--tech")) {
			if (!has_value)
				return sim_err(err, SIM_EINPUT, "option %s: missing value, expected %s VALUE", o, o);
		} else {
			return sim_err(err, SIM_EINPUT, "unknown option '%s', expected one of sharpsim compare --help",
				       o);
		}
		const char *v = argv[++i];
		if (!strcmp(o, "--hw")) {
			if (a->nd == CMP_MAX_DESIGNS)
				return sim_err(err, SIM_EINPUT, "too many --hw options, expected at most %d",
					       CMP_MAX_DESIGNS);
			a->d[a->nd++].hw_path = v;
		} else if (!strcmp(o, "--scheduler")) {
			if (a->nd == 0)
				return sim_err(err, SIM_EINPUT,
					       "option --scheduler '%s' before any --hw, expected "
					       "--hw FILE --scheduler S (the scheduler belongs to the --hw before it)",
					       v);
			cmp_design_t *d = &a->d[a->nd - 1];
			if (d->scheduler)
				return sim_err(err, SIM_EINPUT,
					       "option --scheduler '%s': design %zu (%s) already has "
					       "--scheduler %s, expected one --scheduler per --hw",
					       v, a->nd, d->hw_path, d->scheduler);
			d->scheduler = v;
			snprintf(d->sched_opt, sizeof d->sched_opt, "scheduler=%s", v);
		} else if (!strcmp(o, "--workload")) {
			if (a->nwl_arg == CMP_MAX_WORKLOADS)
				return sim_err(err, SIM_EINPUT, "too many --workload options, expected at most %d",
					       CMP_MAX_WORKLOADS);
			a->wl_arg[a->nwl_arg++] = v;
		} else if (!strcmp(o, "-p")) {
			if (a->np == CLI_MAX_OVERRIDES)
				return sim_err(err, SIM_EINPUT, "too many -p options, expected at most %d",
					       CLI_MAX_OVERRIDES);
			a->p[a->np++] = v;
		} else if (!strcmp(o, "-w")) {
			if (a->nw == CLI_MAX_OVERRIDES)
				return sim_err(err, SIM_EINPUT, "too many -w options, expected at most %d",
					       CLI_MAX_OVERRIDES);
			a->wo[a->nw++] = v;
		} else if (!strcmp(o, "--format")) {
			if (report_parse_format(v, &a->fmt))
				return sim_err(err, SIM_EINPUT,
					       "option --format '%s': unknown format, expected text, json or csv", v);
		} else if (!strcmp(o, "--out")) {
			a->out = v;
		} else {
			a->tech = v;
		}
	}
	if (a->nd < 2)
		return sim_err(err, SIM_EINPUT,
			       "compare needs at least two designs, got %zu, expected --hw FILE "
			       "[--scheduler S] twice or more",
			       a->nd);
	if (a->nwl_arg == 0)
		return sim_err(err, SIM_EINPUT, "compare needs a workload, expected --workload FILE|DIR");
	return SIM_OK;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Expands the --workload arguments: a file as given, a directory as its
 * .yaml files in name order. *out is malloc'ed, its strings too. */
static int expand_workloads(const cmp_args_t *a, char ***out, size_t *n, sim_err_t *err)
{
	char **list = NULL;
	size_t cnt = 0, cap = 0;
	int rc = SIM_OK;
	for (size_t i = 0; i < a->nwl_arg && !rc; i++) {
		const char *path = a->wl_arg[i];
		struct stat sb;
		char **found = NULL;
		size_t nf = 0;
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			DIR *dir = opendir(path);
			if (!dir) {
				rc = sim_err(err, SIM_EINPUT,
					     "%s: cannot open the directory, expected a readable workload directory",
					     path);
				break;
			}
			struct dirent *de;
			size_t fcap = 0;
			while ((de = readdir(dir)) != NULL) {
				size_t len = strlen(de->d_name);
				if (len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
					continue;
				if (nf == fcap) {
					fcap = fcap ? 2 * fcap : 16;
					found = realloc(found, fcap * sizeof *found);
				}
				size_t sz = strlen(path) + len + 2;
				found[nf] = malloc(sz);
				snprintf(found[nf++], sz, "%s/%s", path, de->d_name);
			}
			closedir(dir);
			if (nf == 0) {
				free(found);
				rc = sim_err(err, SIM_EINPUT,
					     "%s: no .yaml files in the directory, expected workload files", path);
				break;
			}
			qsort(found, nf, sizeof *found, cmp_str);
		} else {
			found = malloc(sizeof *found);
			found[0] = strdup(path);
			nf = 1;
		}
		for (size_t k = 0; k < nf; k++) {
			if (cnt == cap) {
				cap = cap ? 2 * cap : 16;
				list = realloc(list, cap * sizeof *list);
			}
			list[cnt++] = found[k];
		}
		free(found);
	}
	if (rc) {
		for (size_t i = 0; i < cnt; i++)
			free(list[i]);
		free(list);
		return rc;
	}
	*out = list;
	*n = cnt;
	return SIM_OK;
}

/* Runs one workload on one design and fills *c. */
static int run_one(cmp_args_t *a, size_t di, const char *wl_path, const energy_tech_t *tech, cmp_cell_t *c,
		   cmp_row_t *row, sim_err_t *err)
{
	const cmp_design_t *d = &a->d[di];
	size_t np = a->np;
	if (d->scheduler)
		a->p[np++] = d->sched_opt;
	run_job_t job = {
		.hw_path = d->hw_path,
		.hw_over = (const char *const *)a->p,
		.n_hw = np,
		.wl_path = wl_path,
		.wl_over = (const char *const *)a->wo,
		.n_wl = a->nw,
		.version = SHARPSIM_VERSION,
		.tech = tech,
		.opts = { .cold = a->cold, .fast_forward = true },
	};
	run_outcome_t o;
	int rc = run_pipeline(&job, &o, err);
	if (rc)
		return rc;
	const run_result_t *r = &o.r;
	if (r->tile_stale.stale && !a->stale_said[di]) {
		cli_note_stale_tiles(&r->tile_stale);
		a->stale_said[di] = true;
	}
	if (r->note[0])
		fprintf(stderr, "sharpsim: note: %s on %s: %s\n", o.w.name, o.hw.name, r->note);
	snprintf(row->workload, sizeof row->workload, "%s", o.w.name);
	snprintf(row->path, sizeof row->path, "%s", wl_path);
	if (!r->weights_fit && o.hw.memory.weights == WEIGHTS_RESIDENT)
		fprintf(stderr,
			"sharpsim: note: %s on %s: weights do not fit the %llu-byte weight buffer; run as "
			"resident anyway (memory.weights=resident, the paper's assumption)\n",
			o.w.name, o.hw.name, (unsigned long long)o.hw.memory.wbuf.bytes);
	snprintf(c->hw_name, sizeof c->hw_name, "%s", r->hw.name);
	c->scheduler = hw_design_name(&r->hw);
	snprintf(c->design, sizeof c->design, "%s/%s", c->hw_name, c->scheduler);
	c->cycles = r->cycles;
	c->clock_mhz = r->hw.clock_mhz;
	c->latency_us = r->latency_us;
	c->utilization = r->utilization;
	c->useful_macs = r->useful_macs;
	c->issued_macs = r->issued_macs;
	/* Another machine reads as macs_per_cycle units of width 1. */
	c->macs_per_cycle = r->macs_per_cycle;
	c->n = r->hw.machine ? (unsigned)r->macs_per_cycle : r->hw.compute.vs_units;
	c->k = r->hw.machine ? 1 : r->hw.compute.vs_width;
	c->config_hash = o.config_hash;
	c->weights_fit = r->weights_fit;
	if (o.priced) {
		c->priced = true;
		c->energy_uj = o.e.energy_uj;
		c->power_w = o.e.avg_power_w;
		c->area_mm2 = o.e.area_mm2;
	}
	run_outcome_free(&o);
	return SIM_OK;
}

static double ratio(double num, double den)
{
	return den > 0 ? num / den : 0.0;
}

static void write_text(FILE *f, const cmp_args_t *a, const cmp_row_t *rows, size_t nr)
{
	fprintf(f,
		"sharpsim %s compare: %zu designs x %zu workloads; speedup = latency of the first design / "
		"latency, energy and power ratios = design / first\n",
		SHARPSIM_VERSION, a->nd, nr);
	for (size_t i = 0; i < nr; i++) {
		const cmp_row_t *row = &rows[i];
		const cmp_cell_t *base = &row->cell[0];
		fprintf(f, "\nworkload %s (%s)\n", row->workload, row->path);
		fprintf(f, "  %-28s %12s %6s %12s %7s %12s %8s %8s %8s %8s\n", "design", "cycles", "MHz", "latency_us",
			"util%", "energy_uj", "power_w", "speedup", "energy", "power");
		for (size_t d = 0; d < a->nd; d++) {
			const cmp_cell_t *c = &row->cell[d];
			fprintf(f, "  %-28s %12llu %6.0f %12.3f %7.2f", c->design, (unsigned long long)c->cycles,
				c->clock_mhz, c->latency_us, 100.0 * c->utilization);
			if (c->priced && base->priced)
				fprintf(f, " %12.3f %8.3f %8.3f %8.3f %8.3f%s\n", c->energy_uj, c->power_w,
					ratio(base->latency_us, c->latency_us), ratio(c->energy_uj, base->energy_uj),
					ratio(c->power_w, base->power_w),
					c->weights_fit ? "" : "  (weights exceed the buffer)");
			else
				fprintf(f, " %12s %8s %8.3f %8s %8s%s\n", "-", "-",
					ratio(base->latency_us, c->latency_us), "-", "-",
					c->weights_fit ? "" : "  (weights exceed the buffer)");
		}
	}
}

static void write_json(FILE *f, const cmp_args_t *a, const cmp_row_t *rows, size_t nr)
{
	fprintf(f, "{\n  \"version\": \"%s\",\n  \"reference\": 0,\n  \"designs\": [", SHARPSIM_VERSION);
	for (size_t d = 0; d < a->nd; d++) {
		fputs(d ? ", " : "", f);
		fputs("{\"hw\": ", f);
		json_write_string(f, a->d[d].hw_path);
		fputs(", \"design\": ", f);
		json_write_string(f, nr ? rows[0].cell[d].design : "");
		fputs("}", f);
	}
	fputs("],\n  \"workloads\": [\n", f);
	for (size_t i = 0; i < nr; i++) {
		const cmp_row_t *row = &rows[i];
		const cmp_cell_t *base = &row->cell[0];
		fputs("    {\"workload\": ", f);
		json_write_string(f, row->workload);
		fputs(", \"path\": ", f);
		json_write_string(f, row->path);
		fputs(", \"results\": [\n", f);
		for (size_t d = 0; d < a->nd; d++) {
			const cmp_cell_t *c = &row->cell[d];
			fputs("      {\"design\": ", f);
			json_write_string(f, c->design);
			fputs(", \"hw\": ", f);
			json_write_string(f, c->hw_name);
			fprintf(f,
				", \"scheduler\": \"%s\", \"clock_mhz\": %.3f, \"macs_per_cycle\": %llu, "
				"\"cycles\": %llu, \"latency_us\": %.6f, \"utilization\": %.6f, \"useful_macs\": %llu, "
				"\"issued_macs\": %llu, \"weights_fit\": %s, \"speedup\": %.6f",
				c->scheduler, c->clock_mhz, (unsigned long long)c->macs_per_cycle,
				(unsigned long long)c->cycles, c->latency_us, c->utilization,
				(unsigned long long)c->useful_macs, (unsigned long long)c->issued_macs,
				c->weights_fit ? "true" : "false", ratio(base->latency_us, c->latency_us));
			if (c->priced && base->priced)
				fprintf(f,
					", \"energy_uj\": %.6f, \"avg_power_w\": %.6f, \"area_mm2\": %.6f, "
					"\"energy_ratio\": %.6f, \"power_ratio\": %.6f}",
					c->energy_uj, c->power_w, c->area_mm2, ratio(c->energy_uj, base->energy_uj),
					ratio(c->power_w, base->power_w));
			else
				fputs(", \"energy_uj\": null, \"avg_power_w\": null, \"area_mm2\": null, "
				      "\"energy_ratio\": null, \"power_ratio\": null}",
				      f);
			fputs(d + 1 < a->nd ? ",\n" : "\n", f);
		}
		fprintf(f, "    ]}%s\n", i + 1 < nr ? "," : "");
	}
	fputs("  ]\n}\n", f);
}

/* One design's row of the CSV schema (report.h) plus the ratios. */
typedef struct cmp_csv {
	const cmp_row_t *row;
	const cmp_cell_t *c, *base;
} cmp_csv_t;

static const char *const cmp_csv_extra[] = { "speedup", "energy_ratio", "power_ratio", NULL };

static const char *cmp_csv_get(const void *ctx, const char *name, char *buf, size_t size)
{
	const cmp_csv_t *x = ctx;
	const cmp_cell_t *c = x->c, *base = x->base;
	bool priced = c->priced && base->priced;
	if (!strcmp(name, "version"))
		return SHARPSIM_VERSION;
	if (!strcmp(name, "row"))
		return "run";
	if (!strcmp(name, "hw"))
		return c->hw_name;
	if (!strcmp(name, "workload"))
		return x->row->workload;
	if (!strcmp(name, "scheduler"))
		return c->scheduler;
	if (!strcmp(name, "design"))
		return c->design;
	if (!strcmp(name, "macs_per_cycle"))
		return snprintf(buf, size, "%llu", (unsigned long long)c->macs_per_cycle), buf;
	if (!strcmp(name, "config_hash"))
		return snprintf(buf, size, "%016llx", (unsigned long long)c->config_hash), buf;
	if (!strcmp(name, "eff_n"))
		return snprintf(buf, size, "%u", c->n), buf;
	if (!strcmp(name, "eff_k"))
		return snprintf(buf, size, "%u", c->k), buf;
	if (!strcmp(name, "eff_clock_mhz"))
		return snprintf(buf, size, "%g", c->clock_mhz), buf;
	if (!strcmp(name, "weights_fit"))
		return c->weights_fit ? "true" : "false";
	if (!strcmp(name, "cycles"))
		return snprintf(buf, size, "%llu", (unsigned long long)c->cycles), buf;
	if (!strcmp(name, "latency_us"))
		return snprintf(buf, size, "%.6f", c->latency_us), buf;
	if (!strcmp(name, "utilization"))
		return snprintf(buf, size, "%.6f", c->utilization), buf;
	if (!strcmp(name, "useful_macs"))
		return snprintf(buf, size, "%llu", (unsigned long long)c->useful_macs), buf;
	if (!strcmp(name, "issued_macs"))
		return snprintf(buf, size, "%llu", (unsigned long long)c->issued_macs), buf;
	if (!strcmp(name, "speedup"))
		return snprintf(buf, size, "%.6f", ratio(base->latency_us, c->latency_us)), buf;
	if (!priced)
		return "";
	if (!strcmp(name, "energy_uj"))
		return snprintf(buf, size, "%.6f", c->energy_uj), buf;
	if (!strcmp(name, "avg_power_w"))
		return snprintf(buf, size, "%.6f", c->power_w), buf;
	if (!strcmp(name, "area_mm2"))
		return snprintf(buf, size, "%.6f", c->area_mm2), buf;
	if (!strcmp(name, "energy_ratio"))
		return snprintf(buf, size, "%.6f", ratio(c->energy_uj, base->energy_uj)), buf;
	if (!strcmp(name, "power_ratio"))
		return snprintf(buf, size, "%.6f", ratio(c->power_w, base->power_w)), buf;
	return "";
}

static void write_csv(FILE *f, const cmp_args_t *a, const cmp_row_t *rows, size_t nr)
{
	report_csv_header_cols(f, cmp_csv_extra);
	for (size_t i = 0; i < nr; i++)
		for (size_t d = 0; d < a->nd; d++) {
			cmp_csv_t x = { .row = &rows[i], .c = &rows[i].cell[d], .base = &rows[i].cell[0] };
			report_csv_line(f, cmp_csv_extra, cmp_csv_get, &x);
		}
}

int cli_compare(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			compare_usage(stdout);
			return 0;
		}
	cmp_args_t a = { .fmt = REPORT_TEXT };
	sim_err_t err = { 0 };
	int rc = parse(argc, argv, &a, &err);
	char **wl = NULL;
	size_t nwl = 0;
	if (!rc)
		rc = expand_workloads(&a, &wl, &nwl, &err);
	if (rc) {
		cli_error(&err);
		return cli_exit_status(rc);
	}
	energy_tech_t *tech = NULL;
	if (!a.no_energy) {
		rc = energy_tech_load(a.tech ? a.tech : CMP_DEFAULT_TECH, &tech, &err);
	}
	cmp_row_t *rows = calloc(nwl, sizeof *rows);
	for (size_t i = 0; i < nwl && !rc; i++) {
		rows[i].cell = calloc(a.nd, sizeof *rows[i].cell);
		for (size_t d = 0; d < a.nd && !rc; d++)
			rc = run_one(&a, d, wl[i], tech, &rows[i].cell[d], &rows[i], &err);
	}
	if (!rc) {
		afile_t *out = afile_open(a.out, &err);
		if (!out) {
			rc = err.code;
		} else {
			FILE *f = afile_stream(out);
			if (a.fmt == REPORT_JSON)
				write_json(f, &a, rows, nwl);
			else if (a.fmt == REPORT_CSV)
				write_csv(f, &a, rows, nwl);
			else
				write_text(f, &a, rows, nwl);
			rc = afile_commit(out, &err);
		}
	}
	if (rc)
		cli_error(&err);
	for (size_t i = 0; i < nwl; i++) {
		free(rows[i].cell);
		free(wl[i]);
	}
	free(rows);
	free(wl);
	energy_tech_destroy(tech);
	return cli_exit_status(rc);
}
