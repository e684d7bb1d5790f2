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
 *
 * CSV rows are the run's rows (report_csv_rows: one writer for run,
 * compare and sweep), written while the run's result is alive, with the
 * design and the ratios added; --per-layer adds the run's row=layer rows
 * after each design's row, whose speedup is the same pass's latency on the
 * first design over this one's (the energy and power ratios are whole-run
 * only, as the energy is). Text and JSON show the same passes (a table per
 * workload; layers[] per result) from the copy of the run's layers[] each
 * design keeps.
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
	      "                        [--per-layer]\n"
	      "\n"
	      "Runs every workload on every design and prints, per workload, cycles, latency,\n"
	      "utilization, energy and power of each design, with speedup (latency of the\n"
	      "first / latency), energy ratio and power ratio (design / first) against the\n"
	      "first design.\n"
	      "\n"
	      "  --hw FILE          a design's hardware config (at least two)\n"
	      "  --scheduler S      the scheduler of the --hw just before it (default: the file's)\n"
	      "  --workload F|D     a workload file, or a directory's .yaml files in name order\n"
	      "  -p key=value       override a hardware key of every design whose machine has it\n"
	      "                     (SHARP's keys pass other machines' designs by)\n"
	      "  -w key=value       override a key of every workload layer\n"
	      "  --cold             count the initial weight load in the cycles\n"
	      "  --tech FILE        technology table (default " CMP_DEFAULT_TECH ")\n"
	      "  --no-energy        do not price the runs (energy columns empty)\n"
	      "  --format F         text (default), json or csv\n"
	      "  --out FILE         write the report to FILE (atomically)\n"
	      "  --per-layer        each layer pass of each design, with its speedup over the first\n"
	      "                     design's same pass: CSV, a row per pass after the design's row\n"
	      "                     (row=layer); text, a table per workload; JSON, layers[] per result\n",
	      f);
}

typedef struct cmp_design {
	const char *hw_path;
	const char *scheduler; /* NULL: the file's own */
	char sched_opt[64];    /* "scheduler=S" */
	int machine;	       /* the machine its file names (config_peek_machine) */
} cmp_design_t;

typedef struct cmp_args {
	cmp_design_t d[CMP_MAX_DESIGNS];
	size_t nd;
	const char *wl_arg[CMP_MAX_WORKLOADS];
	size_t nwl_arg;
	const char *p[CLI_MAX_OVERRIDES]; /* -p, each applied to the designs whose machine takes it */
	size_t np;
	const char *wo[CLI_MAX_OVERRIDES];
	size_t nw;
	bool cold, no_energy, per_layer;
	report_format_t fmt;
	const char *out, *tech;
	bool stale_said[CMP_MAX_DESIGNS]; /* the stale-table note, once per design */
} cmp_args_t;

/* Whether a design of machine m takes the override "key=value"; a -p
 * without '=' is left to the config module's error. */
static bool cmp_takes(int m, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char key[256];
	if (!eq || (size_t)(eq - kv) >= sizeof key)
		return true;
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	return config_machine_takes(m, key);
}

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
	uint64_t config_hash;
	bool weights_fit;
	bool machine; /* another machine than SHARP: no tile, no weight placement */
	bool priced;
	double energy_uj, power_w, area_mm2;
	char *csv;		/* CSV format: this design's rows, rendered by the run's writer */
	layer_result_t *layers; /* --per-layer: the run's passes (n_layers, owned) */
	size_t n_layers;
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
		if (!strcmp(o, "--per-layer")) {
			a->per_layer = true;
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
	/* A -p applies to the designs whose machine has the key (SHARP's keys
	 * pass other machines by); one that no design has is a mistake. */
	for (size_t i = 0; i < a->nd; i++) {
		int rc = config_peek_machine(a->d[i].hw_path, &a->d[i].machine, err);
		if (rc)
			return rc;
	}
	for (size_t k = 0; k < a->np; k++) {
		bool taken = false;
		for (size_t i = 0; i < a->nd && !taken; i++)
			taken = cmp_takes(a->d[i].machine, a->p[k]);
		if (!taken)
			return sim_err(err, SIM_EINPUT,
				       "option -p '%s': no design's machine has this key, expected a key of one of "
				       "them (sharpsim --help-hw)",
				       a->p[k]);
	}
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

static double ratio(double num, double den)
{
	return den > 0 ? num / den : 0.0;
}

/* Latency of pass i of a design's run; < 0 when it has no such pass. */
static double cmp_pass_latency(const cmp_cell_t *c, size_t i)
{
	return i < c->n_layers ? (double)c->layers[i].cycles / c->clock_mhz : -1;
}

/* The first design's latency of the same pass over c's: whether the
 * design wins or loses that layer. Designs run the same workload, so
 * their passes pair up one to one; a pass the first design lacks has no
 * speedup (-1). */
static double cmp_pass_speedup(const cmp_cell_t *c, const cmp_cell_t *base, size_t i)
{
	if (i >= base->n_layers || i >= c->n_layers || base->layers[i].layer != c->layers[i].layer ||
	    base->layers[i].backward != c->layers[i].backward || base->layers[i].both != c->layers[i].both)
		return -1;
	return ratio(cmp_pass_latency(base, i), cmp_pass_latency(c, i));
}

/* One design's say over its rows of the CSV schema (report.h): the design
 * label and the ratios against the first design. */
typedef struct cmp_csv {
	const cmp_cell_t *c, *base;
} cmp_csv_t;

static const char *const cmp_csv_extra[] = { "speedup", "energy_ratio", "power_ratio", NULL };

static const char *cmp_csv_over(const void *ctx, long layer, const char *name, char *buf, size_t size)
{
	const cmp_csv_t *x = ctx;
	const cmp_cell_t *c = x->c, *base = x->base;
	if (!strcmp(name, "design"))
		return c->design;
	if (!strcmp(name, "speedup")) {
		double s =
			layer < 0 ? ratio(base->latency_us, c->latency_us) : cmp_pass_speedup(c, base, (size_t)layer);
		return s < 0 ? "" : (snprintf(buf, size, "%.6f", s), buf);
	}
	bool priced = layer < 0 && c->priced && base->priced;
	if (!strcmp(name, "energy_ratio"))
		return priced ? (snprintf(buf, size, "%.6f", ratio(c->energy_uj, base->energy_uj)), buf) : "";
	if (!strcmp(name, "power_ratio"))
		return priced ? (snprintf(buf, size, "%.6f", ratio(c->power_w, base->power_w)), buf) : "";
	return NULL;
}

/* c's CSV rows (the run's row and, with --per-layer, its passes'), by the
 * run's writer while the run's result is alive. */
static int cmp_render_csv(const cmp_args_t *a, const run_outcome_t *o, cmp_cell_t *c, const cmp_cell_t *base,
			  sim_err_t *err)
{
	size_t len = 0;
	FILE *m = open_memstream(&c->csv, &len);
	if (!m)
		return sim_err(err, SIM_ENOMEM, "out of memory");
	report_ctx_t ctx = { .version = SHARPSIM_VERSION,
			     .config_hash = o->config_hash,
			     .w = &o->w,
			     .r = &o->r,
			     .energy = o->priced ? &o->e : NULL,
			     .per_layer = a->per_layer };
	cmp_csv_t x = { .c = c, .base = base };
	report_csv_rows(m, &ctx, cmp_csv_extra, cmp_csv_over, &x);
	return fclose(m) ? sim_err(err, SIM_ENOMEM, "out of memory") : SIM_OK;
}

/* Runs one workload on one design and fills *c (the row's first design
 * already filled: it is the reference of the ratios). */
static int run_one(cmp_args_t *a, size_t di, const char *wl_path, const energy_tech_t *tech, cmp_cell_t *c,
		   cmp_row_t *row, sim_err_t *err)
{
	const cmp_design_t *d = &a->d[di];
	const char *p[CLI_MAX_OVERRIDES + 1]; /* + the design's scheduler */
	size_t np = 0;
	for (size_t i = 0; i < a->np; i++)
		if (cmp_takes(d->machine, a->p[i]))
			p[np++] = a->p[i];
	if (d->scheduler)
		p[np++] = d->sched_opt;
	run_job_t job = {
		.hw_path = d->hw_path,
		.hw_over = p,
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
	/* As run reports it: N x K lanes of the precision as built, or another
	 * machine's MAC units. */
	c->macs_per_cycle = r->macs_per_cycle;
	c->config_hash = o.config_hash;
	c->weights_fit = r->weights_fit;
	c->machine = r->hw.machine != 0;
	if (o.priced) {
		c->priced = true;
		c->energy_uj = o.e.energy_uj;
		c->power_w = o.e.avg_power_w;
		c->area_mm2 = o.e.area_mm2;
	}
	if (a->per_layer && r->n_layers) {
		c->layers = malloc(r->n_layers * sizeof *c->layers);
		if (!c->layers)
			rc = sim_err(err, SIM_ENOMEM, "out of memory");
		else
			memcpy(c->layers, r->layers, r->n_layers * sizeof *c->layers);
		for (size_t i = 0; c->layers && i < r->n_layers; i++)
			c->layers[i].err.delta_used_step = NULL; /* freed with r; compare shows no steps */
		c->n_layers = c->layers ? r->n_layers : 0;
	}
	if (!rc && a->fmt == REPORT_CSV)
		rc = cmp_render_csv(a, &o, c, &row->cell[0], err);
	run_outcome_free(&o);
	return rc;
}

/* --per-layer: each pass on every design, one under the other, so that
 * the layer a design loses on stands out (speedup < 1 against the first
 * design's same pass). */
static void write_text_layers(FILE *f, const cmp_args_t *a, const cmp_row_t *row)
{
	const cmp_cell_t *base = &row->cell[0];
	fprintf(f, "\n  %-5s %-8s %-28s %12s %12s %7s %8s %-8s\n", "layer", "pass", "design", "cycles", "latency_us",
		"util%", "speedup", "tile");
	for (size_t i = 0; i < base->n_layers; i++)
		for (size_t d = 0; d < a->nd; d++) {
			const cmp_cell_t *c = &row->cell[d];
			if (i >= c->n_layers)
				continue;
			const layer_result_t *l = &c->layers[i];
			double u = l->cycles ? (double)l->useful_macs / ((double)l->cycles * (double)c->macs_per_cycle)
					     : 0;
			double sp = cmp_pass_speedup(c, base, i);
			char spt[32] = "-";
			if (sp >= 0)
				snprintf(spt, sizeof spt, "%.3f", sp);
			fprintf(f, "  %-5u %-8s %-28s %12llu %12.3f %7.2f %8s %s\n", l->layer + 1,
				run_pass_direction(l), c->design, (unsigned long long)l->cycles, cmp_pass_latency(c, i),
				100.0 * u, spt, c->machine ? "-" : hw_tile_name(l->tile));
		}
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
		if (a->per_layer)
			write_text_layers(f, a, row);
	}
}

/* --per-layer: the design's passes, with the keys of run's layers[] that
 * a comparison reads, and each pass's speedup (null: the first design has
 * no such pass). */
static void write_json_layers(FILE *f, const cmp_cell_t *c, const cmp_cell_t *base)
{
	fputs(", \"layers\": [", f);
	for (size_t i = 0; i < c->n_layers; i++) {
		const layer_result_t *l = &c->layers[i];
		double u = l->cycles ? (double)l->useful_macs / ((double)l->cycles * (double)c->macs_per_cycle) : 0;
		fprintf(f, "%s\n        {\"layer\": %u, \"pass\": \"%s\", ", i ? "," : "", l->layer + 1,
			run_pass_direction(l));
		/* Another machine has no tile and no weight placement (as its
		 * CSV rows leave them empty). */
		if (c->machine)
			fputs("\"tile\": null, \"weights\": null, \"weights_fit\": null, ", f);
		else
			fprintf(f, "\"tile\": \"%s\", \"weights\": \"%s\", \"weights_fit\": %s, ",
				hw_tile_name(l->tile), l->weights == WEIGHTS_RESIDENT ? "resident" : "streamed",
				l->weights_fit ? "true" : "false");
		fprintf(f,
			"\"cycles\": %llu, \"latency_us\": %.6f, \"utilization\": %.6f, \"useful_macs\": %llu, "
			"\"issued_macs\": %llu, \"speedup\": ",
			(unsigned long long)l->cycles, cmp_pass_latency(c, i), u, (unsigned long long)l->useful_macs,
			(unsigned long long)l->issued_macs);
		double sp = cmp_pass_speedup(c, base, i);
		if (sp < 0)
			fputs("null}", f);
		else
			fprintf(f, "%.6f}", sp);
	}
	fputs("]", f);
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
					"\"energy_ratio\": %.6f, \"power_ratio\": %.6f",
					c->energy_uj, c->power_w, c->area_mm2, ratio(c->energy_uj, base->energy_uj),
					ratio(c->power_w, base->power_w));
			else
				fputs(", \"energy_uj\": null, \"avg_power_w\": null, \"area_mm2\": null, "
				      "\"energy_ratio\": null, \"power_ratio\": null",
				      f);
			if (a->per_layer)
				write_json_layers(f, c, base);
			fputs(d + 1 < a->nd ? "},\n" : "}\n", f);
		}
		fprintf(f, "    ]}%s\n", i + 1 < nr ? "," : "");
	}
	fputs("  ]\n}\n", f);
}

/* The schema's header, then every design's rows as run_one rendered them. */
static void write_csv(FILE *f, const cmp_args_t *a, const cmp_row_t *rows, size_t nr)
{
	report_csv_header_cols(f, cmp_csv_extra);
	for (size_t i = 0; i < nr; i++)
		for (size_t d = 0; d < a->nd; d++)
			fputs(rows[i].cell[d].csv, f);
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
		for (size_t d = 0; rows[i].cell && d < a.nd; d++) {
			free(rows[i].cell[d].csv);
			free(rows[i].cell[d].layers);
		}
		free(rows[i].cell);
		free(wl[i]);
	}
	free(rows);
	free(wl);
	energy_tech_destroy(tech);
	return cli_exit_status(rc);
}
