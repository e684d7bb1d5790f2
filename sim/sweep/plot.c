#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/afile.h"

#define PLOT_LABEL 200
#define PLOT_COLS 32

/* A list of distinct strings in first-seen order. */
typedef struct plot_set {
	char (*v)[PLOT_LABEL];
	size_t n, cap;
} plot_set_t;

static long plot_set_add(plot_set_t *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return (long)i;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		char(*v)[PLOT_LABEL] = realloc(s->v, cap * sizeof *v);
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	snprintf(s->v[s->n], PLOT_LABEL, "%s", x);
	return (long)s->n++;
}

static long plot_set_find(const plot_set_t *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return (long)i;
	return -1;
}

static const char *plot_get(const sweep_rec_t *r, const char *col)
{
	const char *v = sweep_rec_get(r, col);
	return v ? v : "";
}

static size_t plot_distinct(const sweep_table_t *t, const char *col)
{
	plot_set_t s = { 0 };
	for (size_t i = 0; i < sweep_table_rows(t); i++)
		plot_set_add(&s, plot_get(sweep_table_row(t, i), col));
	free(s.v);
	return s.n;
}

static const char *plot_short(const char *col)
{
	return strncmp(col, "compute.", 8) ? col : col + 8;
}

/* "col=value ..." of the given columns of r ("value" alone for scheduler
 * and workload). */
static void plot_label(const sweep_rec_t *r, const char *const *cols, size_t n, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++) {
		bool bare = !strcmp(cols[i], "scheduler") || !strcmp(cols[i], "workload");
		o += (size_t)snprintf(buf + o, size - o, "%s%s%s%s", o ? " " : "", bare ? "" : plot_short(cols[i]),
				      bare ? "" : "=", plot_get(r, cols[i]));
	}
}

/* Parameter columns held at one value, as "col=value ..." (the caption). */
static void plot_fixed(const sweep_table_t *t, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	if (!sweep_table_rows(t))
		return;
	for (size_t c = 0; c < sweep_table_cols(t) && o < size; c++) {
		const char *col = sweep_table_col(t, c);
		if ((sweep_is_param_column(col) || !strcmp(col, "weights")) && plot_distinct(t, col) == 1)
			o += (size_t)snprintf(buf + o, size - o, "%s%s=%s", o ? ", " : "", plot_short(col),
					      plot_get(sweep_table_row(t, 0), col));
	}
}

static void plot_gp_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* A data file's header line: the x column's name, then one quoted column
 * per series. */
static void plot_dat_header(FILE *f, const char *x, const plot_set_t *ss)
{
	fprintf(f, "\"%s\"", x);
	for (size_t s = 0; s < ss->n; s++) {
		fputc(' ', f);
		plot_gp_quote(f, ss->v[s]);
	}
	fputc('\n', f);
}

/* The script's preamble for one terminal; the caller adds the plot. */
static void plot_gp_head(FILE *f, const char *name, const char *term, int w, int h, const char *title,
			 const char *caption, const char *xlabel, const char *ylabel)
{
	fprintf(f, "set terminal %s size %d,%d noenhanced font \"sans,10\"\n", term, w, h);
	fprintf(f, "set output \"%s.%s\"\n", name, strcmp(term, "svg") ? "png" : "svg");
	char t[1200];
	snprintf(t, sizeof t, "%s\n%s", title, caption);
	fputs("set title ", f);
	plot_gp_quote(f, t);
	fputs("\nset xlabel ", f);
	plot_gp_quote(f, xlabel);
	fputs("\nset ylabel ", f);
	plot_gp_quote(f, ylabel);
	fputs("\nset datafile missing \"?\"\nset grid ytics\nset key below\n", f);
}

static int plot_add(sweep_plots_t *out, const char *name, sim_err_t *err)
{
	if (out->n == SWEEP_PLOT_MAX)
		return sim_err(err, SIM_EINPUT, "more than %d figures, expected fewer facets", SWEEP_PLOT_MAX);
	snprintf(out->name[out->n++], sizeof out->name[0], "%s", name);
	return SIM_OK;
}

static FILE *plot_open(const char *dir, const char *name, const char *ext, afile_t **a, sim_err_t *err)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
	*a = afile_open(path, err);
	return *a ? afile_stream(*a) : NULL;
}

static int plot_natural(const void *a, const void *b)
{
	return sweep_natural_cmp((const char *)a, (const char *)b);
}

typedef enum { BASE_SEQUENTIAL, BASE_PAD_OFF, BASE_K32 } plot_base_t;

/* Grouped bars for the rows of one hw: x = workload and the other varying
 * columns, series = the columns S, value = baseline cycles / cycles. */
static int plot_bars(const sweep_table_t *t, const char *title, const char *dir, const char *prefix,
		     const char *hw, const char *const *S, size_t ns_cols, plot_base_t base, const char *ylabel,
		     sweep_plots_t *out, sim_err_t *err)
{
	const char *X[PLOT_COLS] = { "workload" };
	size_t nx_cols = 1;
	for (size_t c = 0; c < sweep_table_cols(t) && nx_cols < PLOT_COLS; c++) {
		const char *col = sweep_table_col(t, c);
		bool in_s = false;
		for (size_t k = 0; k < ns_cols; k++)
			in_s |= !strcmp(S[k], col);
		if (!in_s && (sweep_is_param_column(col) || !strcmp(col, "scheduler")) &&
		    strcmp(col, "compute.vs_units") && strcmp(col, "name") && plot_distinct(t, col) > 1)
			X[nx_cols++] = col;
	}
	plot_set_t xs = { 0 }, ss = { 0 };
	char lab[PLOT_LABEL];
	for (size_t i = 0; i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		if (strcmp(plot_get(r, "hw"), hw))
			continue;
		plot_label(r, X, nx_cols, lab, sizeof lab);
		plot_set_add(&xs, lab);
		plot_label(r, S, ns_cols, lab, sizeof lab);
		plot_set_add(&ss, lab);
	}
	/* Designs and on/off settings read best in natural order (K = 32, 64,
	 * ...); schedulers keep the row order (sequential, batch, ...). */
	if (base != BASE_SEQUENTIAL && ss.n)
		qsort(ss.v, ss.n, sizeof *ss.v, plot_natural);
	double *cyc = calloc(xs.n * ss.n + 1, sizeof *cyc);
	int rc = cyc ? SIM_OK : sim_err(err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		if (strcmp(plot_get(r, "hw"), hw))
			continue;
		plot_label(r, X, nx_cols, lab, sizeof lab);
		long x = plot_set_find(&xs, lab);
		plot_label(r, S, ns_cols, lab, sizeof lab);
		long s = plot_set_find(&ss, lab);
		cyc[(size_t)x * ss.n + (size_t)s] = strtod(plot_get(r, "cycles"), NULL);
	}
	long b = 0;
	for (size_t s = 0; s < ss.n; s++) {
		const char *l = ss.v[s];
		if ((base == BASE_SEQUENTIAL && !strcmp(l, "sequential")) ||
		    (base == BASE_PAD_OFF && strstr(l, "pad_reconfig=false")) ||
		    (base == BASE_K32 && strstr(l, "vs_width=32") && strstr(l, "tile=config4"))) {
			b = (long)s;
			break;
		}
	}
	char name[128], caption[900], fixed[600];
	snprintf(name, sizeof name, "%s-%s", prefix, hw);
	plot_fixed(t, fixed, sizeof fixed);
	snprintf(caption, sizeof caption, "hw %s; baseline %s%s%s", hw, ss.n ? ss.v[b] : "-", fixed[0] ? "\n" : "",
		 fixed);
	afile_t *a = NULL;
	FILE *f = rc ? NULL : plot_open(dir, name, "dat", &a, err);
	if (!rc && !f)
		rc = err->code;
	if (f) {
		plot_dat_header(f, "x", &ss);
		for (size_t x = 0; x < xs.n; x++) {
			plot_gp_quote(f, xs.v[x]);
			double c0 = cyc[x * ss.n + (size_t)b];
			for (size_t s = 0; s < ss.n; s++) {
				double c = cyc[x * ss.n + s];
				if (c > 0 && c0 > 0)
					fprintf(f, " %.6f", c0 / c);
				else
					fputs(" ?", f);
			}
			fputc('\n', f);
		}
		rc = afile_commit(a, err);
	}
	int width = (int)(260 + xs.n * (ss.n * 9 + 12));
	width = width < 900 ? 900 : width > 8000 ? 8000 : width;
	f = rc ? NULL : plot_open(dir, name, "gp", &a, err);
	if (!rc && !f)
		rc = err->code;
	if (f) {
		for (int term = 0; term < 2; term++) {
			plot_gp_head(f, name, term ? "svg" : "pngcairo", width, 640, title, caption, "workload",
				     ylabel);
			fprintf(f, "set style data histograms\nset style histogram clustered gap 1\n"
				   "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
				   "set xtics rotate by -40 scale 0 font \",8\"\nset yrange [0:*]\n"
				   "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dashtype 2\n"
				   "plot for [i=2:%zu] \"%s.dat\" using i:xtic(1) title columnheader(i)\n",
				ss.n + 1, name);
		}
		rc = afile_commit(a, err);
	}
	if (!rc)
		rc = plot_add(out, name, err);
	free(cyc);
	free(xs.v);
	free(ss.v);
	return rc;
}

static int plot_num_cmp(const void *a, const void *b)
{
	double x = strtod((const char *)a, NULL), y = strtod((const char *)b, NULL);
	return x < y ? -1 : x > y;
}

/* Lines over the MAC budget: mean of `value` per (budget, series column). */
static int plot_lines(const sweep_table_t *t, const char *title, const char *dir, const char *name,
		      const char *series_col, const char *value, const char *only_sched, bool logy,
		      const char *ylabel, sweep_plots_t *out, sim_err_t *err)
{
	plot_set_t xs = { 0 }, ss = { 0 };
	for (size_t i = 0; i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		if (only_sched && strcmp(plot_get(r, "scheduler"), only_sched))
			continue;
		plot_set_add(&xs, plot_get(r, "macs_per_cycle"));
		plot_set_add(&ss, plot_get(r, series_col));
	}
	if (xs.n)
		qsort(xs.v, xs.n, sizeof *xs.v, plot_num_cmp);
	double *sum = calloc(xs.n * ss.n + 1, sizeof *sum), *cnt = calloc(xs.n * ss.n + 1, sizeof *cnt);
	int rc = sum && cnt ? SIM_OK : sim_err(err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		if (only_sched && strcmp(plot_get(r, "scheduler"), only_sched))
			continue;
		size_t k = (size_t)plot_set_find(&xs, plot_get(r, "macs_per_cycle")) * ss.n +
			   (size_t)plot_set_find(&ss, plot_get(r, series_col));
		sum[k] += strtod(plot_get(r, value), NULL);
		cnt[k] += 1;
	}
	char caption[900], fixed[600];
	plot_fixed(t, fixed, sizeof fixed);
	snprintf(caption, sizeof caption, "mean over %s%s%s", strcmp(series_col, "workload") ? "workloads" :
		 "the other parameters", only_sched ? "; scheduler " : "", only_sched ? only_sched : "");
	if (fixed[0])
		snprintf(caption + strlen(caption), sizeof caption - strlen(caption), "\n%s", fixed);
	afile_t *a = NULL;
	FILE *f = rc ? NULL : plot_open(dir, name, "dat", &a, err);
	if (!rc && !f)
		rc = err->code;
	if (f) {
		plot_dat_header(f, "macs", &ss);
		for (size_t x = 0; x < xs.n; x++) {
			fputs(xs.v[x], f);
			for (size_t s = 0; s < ss.n; s++) {
				size_t k = x * ss.n + s;
				if (cnt[k] > 0)
					fprintf(f, " %.6g", sum[k] / cnt[k]);
				else
					fputs(" ?", f);
			}
			fputc('\n', f);
		}
		rc = afile_commit(a, err);
	}
	f = rc ? NULL : plot_open(dir, name, "gp", &a, err);
	if (!rc && !f)
		rc = err->code;
	if (f) {
		for (int term = 0; term < 2; term++) {
			plot_gp_head(f, name, term ? "svg" : "pngcairo", 900, 560, title, caption,
				     "MAC budget (multipliers, N x K)", ylabel);
			fprintf(f, "set logscale x 2\n%sset xtics (", logy ? "set logscale y\n" : "set yrange [0:*]\n");
			for (size_t x = 0; x < xs.n; x++)
				fprintf(f, "%s\"%s\" %s", x ? ", " : "", xs.v[x], xs.v[x]);
			/* Half an octave of margin so that the end ticks are drawn. */
			fputs(")\n", f);
			if (xs.n)
				fprintf(f, "set xrange [%g:%g]\n", strtod(xs.v[0], NULL) / 1.4,
					strtod(xs.v[xs.n - 1], NULL) * 1.4);
			fprintf(f, "plot for [i=2:%zu] \"%s.dat\" using 1:i with linespoints lw 2 pt 7 "
				   "title columnheader(i)\n", ss.n + 1, name);
		}
		rc = afile_commit(a, err);
	}
	if (!rc)
		rc = plot_add(out, name, err);
	free(sum);
	free(cnt);
	free(xs.v);
	free(ss.v);
	return rc;
}

int sweep_plot_write(const sweep_table_t *t, const char *title, const char *dir, sweep_plots_t *out,
		     sim_err_t *err)
{
	out->n = 0;
	plot_set_t hws = { 0 }, sched = { 0 };
	for (size_t i = 0; i < sweep_table_rows(t); i++) {
		plot_set_add(&hws, plot_get(sweep_table_row(t, i), "hw"));
		plot_set_add(&sched, plot_get(sweep_table_row(t, i), "scheduler"));
	}
	bool has_seq = plot_set_find(&sched, "sequential") >= 0;
	bool kwidth = plot_distinct(t, "compute.vs_width") > 1;
	bool pad = plot_distinct(t, "compute.pad_reconfig") > 1;
	int rc = SIM_OK;
	const char *sched_cols[] = { "scheduler" }, *pad_cols[] = { "compute.pad_reconfig" };
	const char *k_cols[PLOT_COLS];
	size_t nk = 0;
	for (size_t c = 0; c < sweep_table_cols(t) && nk < PLOT_COLS; c++) {
		const char *col = sweep_table_col(t, c);
		if (sweep_is_param_column(col) && strncmp(col, "w.", 2) && strcmp(col, "compute.vs_units") &&
		    strcmp(col, "name") && plot_distinct(t, col) > 1)
			k_cols[nk++] = col;
	}
	for (size_t h = 0; !rc && h < hws.n; h++) {
		if (sched.n > 1 && has_seq && !kwidth)
			rc = plot_bars(t, title, dir, "speedup", hws.v[h], sched_cols, 1, BASE_SEQUENTIAL,
				       "speedup over sequential (cycles ratio)", out, err);
		if (!rc && kwidth)
			rc = plot_bars(t, title, dir, "kwidth", hws.v[h], k_cols, nk, BASE_K32,
				       "speedup over the baseline design (cycles ratio)", out, err);
		if (!rc && pad && !kwidth)
			rc = plot_bars(t, title, dir, "padding", hws.v[h], pad_cols, 1, BASE_PAD_OFF,
				       "speedup of padding reconfiguration (cycles ratio)", out, err);
	}
	if (!rc && plot_distinct(t, "macs_per_cycle") > 1) {
		rc = plot_lines(t, title, dir, "utilization", "scheduler", "utilization", NULL, false,
				"utilization (useful MACs / (cycles x N x K))", out, err);
		size_t nw = plot_distinct(t, "workload");
		if (!rc && nw <= 12)
			rc = plot_lines(t, title, dir, "latency", "workload", "latency_us",
					plot_set_find(&sched, "unfolded") >= 0 ? "unfolded" : NULL, true,
					"latency (us)", out, err);
	}
	free(hws.v);
	free(sched.v);
	return rc;
}
