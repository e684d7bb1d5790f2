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
#define PLOT_MAX_PANELS 24
#define PLOT_CAPTION 2048

/* A list of distinct strings in first-seen order. */
typedef struct plot_set {
	char (*v)[PLOT_LABEL];
	size_t n, cap;
} plot_set_t;

static long plot_set_find(const plot_set_t *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return (long)i;
	return -1;
}

static long plot_set_add(plot_set_t *s, const char *x)
{
	long k = plot_set_find(s, x);
	if (k >= 0)
		return k;
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

static const char *plot_get(const sweep_rec_t *r, const char *col)
{
	const char *v = sweep_rec_get(r, col);
	return v ? v : "";
}

static bool plot_row_in(const sweep_rec_t *r, const char *hw)
{
	return !hw || !strcmp(plot_get(r, "hw"), hw);
}

static size_t plot_distinct(const sweep_table_t *t, const char *hw, const char *col)
{
	plot_set_t s = { 0 };
	for (size_t i = 0; i < sweep_table_rows(t); i++)
		if (plot_row_in(sweep_table_row(t, i), hw))
			plot_set_add(&s, plot_get(sweep_table_row(t, i), col));
	free(s.v);
	return s.n;
}

static const char *plot_short(const char *col)
{
	return strncmp(col, "compute.", 8) ? col : col + 8;
}

/* Columns that tell points apart: the hardware, workload, scheduler and
 * every swept parameter. */
static bool plot_is_axis(const char *col)
{
	return !strcmp(col, "hw") || !strcmp(col, "workload") || !strcmp(col, "scheduler") ||
	       sweep_is_param_column(col);
}

/* "col=value ..." of the given columns of r ("value" alone for hw,
 * scheduler and workload). */
static void plot_label(const sweep_rec_t *r, const char *const *cols, size_t n, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++) {
		bool bare = !strcmp(cols[i], "scheduler") || !strcmp(cols[i], "workload") || !strcmp(cols[i], "hw");
		o += (size_t)snprintf(buf + o, size - o, "%s%s%s%s", o ? " " : "", bare ? "" : plot_short(cols[i]),
				      bare ? "" : "=", plot_get(r, cols[i]));
	}
}

/* True when the rows (of hw, or all) that agree on every column of `by`
 * also agree on col: then col adds nothing a figure would not show. */
static bool plot_determined(const sweep_table_t *t, const char *hw, const char *col, const char *const *by, size_t nby)
{
	plot_set_t keys = { 0 }, vals = { 0 };
	bool ok = true;
	char lab[PLOT_LABEL];
	for (size_t i = 0; ok && i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		if (!plot_row_in(r, hw))
			continue;
		plot_label(r, by, nby, lab, sizeof lab);
		long k = plot_set_add(&keys, lab);
		if (k < 0) {
			ok = false;
		} else if ((size_t)k == vals.n) {
			ok = plot_set_add(&vals, "") >= 0;
			if (ok)
				snprintf(vals.v[k], PLOT_LABEL, "%s", plot_get(r, col));
		} else {
			ok = !strcmp(vals.v[k], plot_get(r, col));
		}
	}
	free(keys.v);
	free(vals.v);
	return ok;
}

/* The distinct values of col among the rows, as "a, b, c" (for errors). */
static void plot_values(const sweep_table_t *t, const char *col, char *buf, size_t size)
{
	plot_set_t s = { 0 };
	for (size_t i = 0; i < sweep_table_rows(t); i++)
		plot_set_add(&s, plot_get(sweep_table_row(t, i), col));
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s.n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", s.v[i]);
	free(s.v);
}

/* The machine the rows ran on, when it is one: "<hw> (N x K = 32 x 128,
 * 1000 MHz)" from the effective-machine result columns, else the hw. */
static void plot_machine(const sweep_table_t *t, const char *hw, char *buf, size_t size)
{
	const char *cols[] = { "eff_n", "eff_k", "eff_clock_mhz" };
	bool one = true;
	for (size_t c = 0; c < 3; c++)
		one &= plot_distinct(t, hw, cols[c]) == 1;
	const sweep_rec_t *r0 = NULL;
	for (size_t i = 0; !r0 && i < sweep_table_rows(t); i++)
		if (plot_row_in(sweep_table_row(t, i), hw))
			r0 = sweep_table_row(t, i);
	if (!r0) {
		buf[0] = '\0';
		return;
	}
	if (one && sweep_rec_get(r0, "eff_n"))
		snprintf(buf, size, "%s (N x K = %s x %s, %s MHz)", plot_get(r0, "hw"), plot_get(r0, "eff_n"),
			 plot_get(r0, "eff_k"), plot_get(r0, "eff_clock_mhz"));
	else if (sweep_rec_get(r0, "eff_n"))
		snprintf(buf, size, "%s (N x K and clock as swept)", plot_get(r0, "hw"));
	else
		snprintf(buf, size, "%s", plot_get(r0, "hw"));
}

/* The caption's "fixed" line: every axis column of the rows (of hw) held
 * at one value, each once. "weights" (the policy as run) is left out when
 * memory.weights (the policy as asked) shows the same value. */
static void plot_fixed(const sweep_table_t *t, const char *hw, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	const sweep_rec_t *r0 = NULL;
	for (size_t i = 0; !r0 && i < sweep_table_rows(t); i++)
		if (plot_row_in(sweep_table_row(t, i), hw))
			r0 = sweep_table_row(t, i);
	if (!r0)
		return;
	for (size_t c = 0; c < sweep_table_cols(t) && o < size; c++) {
		const char *col = sweep_table_col(t, c);
		if (!strcmp(col, "hw") || !(plot_is_axis(col) || !strcmp(col, "weights")) ||
		    plot_distinct(t, hw, col) != 1)
			continue;
		if (!strcmp(col, "weights") && !strcmp(plot_get(r0, "memory.weights"), plot_get(r0, col)))
			continue;
		o += (size_t)snprintf(buf + o, size - o, "%s%s=%s", o ? ", " : "", plot_short(col), plot_get(r0, col));
	}
}

/*
 * gnuplot string literals. Inside single quotes gnuplot processes nothing
 * (no backquote command substitution, no backslash escapes), so text
 * written this way stays text. gnuplot 5.4's scanner mishandles doubled
 * quotes ('' next to another quote fails to parse), so a quote is spliced
 * in as the constant "'" by string concatenation instead. A control
 * character would end the command (newline) or corrupt the output:
 * dropped.
 */
void sweep_plot_gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			continue;
		if (c == '\'')
			fputs("'.\"'\".'", f);
		else
			fputc(c, f);
	}
	fputc('\'', f);
}

/* Several lines: each one single-quoted, joined with the constant "\n". */
static void plot_gp_text(FILE *f, const char *s)
{
	char line[PLOT_CAPTION];
	bool first = true;
	for (;;) {
		size_t n = strcspn(s, "\n");
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), s);
		if (!first)
			fputs(".\"\\n\".", f);
		sweep_plot_gp_str(f, line);
		first = false;
		if (!s[n])
			break;
		s += n + 1;
	}
}

/* A figure file name from untrusted text: [A-Za-z0-9._+-] kept, anything
 * else (a slash, a quote, a space) becomes '_', and no leading dot. */
static void plot_fname(char *dst, size_t size, const char *src)
{
	size_t o = 0;
	for (; *src && o + 1 < size; src++) {
		char c = *src;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
			  c == '+' || c == '_' || (c == '.' && o > 0);
		dst[o++] = ok ? c : '_';
	}
	dst[o] = '\0';
}

/* Text for a data file's comment line (ignored by gnuplot; for people). */
static void plot_dat_comment(FILE *f, const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			fputc(*s, f);
}

static bool plot_is_number(const char *s)
{
	char *end;
	if (!*s)
		return false;
	double v = strtod(s, &end);
	return !*end && isfinite(v);
}

static int plot_natural(const void *a, const void *b)
{
	return sweep_natural_cmp((const char *)a, (const char *)b);
}

static int plot_num_cmp(const void *a, const void *b)
{
	double x = strtod((const char *)a, NULL), y = strtod((const char *)b, NULL);
	return x < y ? -1 : x > y;
}

/* One figure: values[f][x][s] (NAN: no point) over facets x x-values x
 * series, and how to draw them. */
typedef struct plot_fig {
	char name[128];
	const char *xlabel, *ylabel;
	bool numeric_x, logy, ref1;
	plot_set_t xs, ss, fs;
	double *v;
	char caption[PLOT_CAPTION];
} plot_fig_t;

static void plot_fig_free(plot_fig_t *g)
{
	free(g->xs.v);
	free(g->ss.v);
	free(g->fs.v);
	free(g->v);
}

static int plot_fig_alloc(plot_fig_t *g, sim_err_t *err)
{
	size_t n = (g->fs.n ? g->fs.n : 1) * g->xs.n * g->ss.n + 1;
	g->v = malloc(n * sizeof *g->v);
	if (!g->v)
		return sim_err(err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		g->v[i] = NAN;
	return SIM_OK;
}

static double *plot_cell(plot_fig_t *g, size_t f, size_t x, size_t s)
{
	return &g->v[(f * g->xs.n + x) * g->ss.n + s];
}

static int plot_add(sweep_plots_t *out, const char *name, sim_err_t *err)
{
	if (out->n == SWEEP_PLOT_MAX)
		return sim_err(err, SIM_EINPUT, "more than %d figures, expected fewer hardware configs",
			       SWEEP_PLOT_MAX);
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

static const struct {
	unsigned bit;
	const char *term, *ext;
} plot_terms[] = {
	{ SWEEP_PLOT_PNG, "pngcairo", "png" },
	{ SWEEP_PLOT_SVG, "svg", "svg" },
	{ SWEEP_PLOT_PDF, "pdfcairo", "pdf" },
};

/*
 * Writes g as <name>.dat (one block per panel, numbers only) and <name>.gp
 * (a multiplot per output format). Panels are the facets; a categorical x
 * axis too wide for one panel wraps into several panels of at most
 * `chunk` x values, so no figure is wider than about 1500 px.
 */
static int plot_emit(plot_fig_t *g, const sweep_plot_opts_t *o, const char *dir, sweep_plots_t *out, sim_err_t *err)
{
	size_t nf = g->fs.n ? g->fs.n : 1;
	size_t per = g->ss.n * 10 + 14;
	size_t chunk = g->numeric_x ? g->xs.n : (1300 / per < 4 ? 4 : 1300 / per);
	if (chunk < 1)
		chunk = 1;
	size_t nchunk = g->xs.n ? (g->xs.n + chunk - 1) / chunk : 1;
	size_t np = nf * nchunk;
	if (np > PLOT_MAX_PANELS)
		return sim_err(err, SIM_EINPUT,
			       "figure %s: %zu panels (%zu facets x %zu rows of bars), expected at most "
			       "%d: choose rows with --where COLUMN=VALUE or fewer --facet columns",
			       g->name, np, nf, nchunk, PLOT_MAX_PANELS);
	afile_t *a = NULL;
	FILE *f = plot_open(dir, g->name, "dat", &a, err);
	if (!f)
		return err->code;
	for (size_t p = 0; p < np; p++) {
		size_t fi = p / nchunk, x0 = (p % nchunk) * chunk;
		size_t x1 = x0 + chunk < g->xs.n ? x0 + chunk : g->xs.n;
		fprintf(f, "%s# panel %zu", p ? "\n\n" : "", p);
		if (g->fs.n) {
			fputs(": ", f);
			plot_dat_comment(f, g->fs.v[fi]);
		}
		fputs("\n# x", f);
		for (size_t s = 0; s < g->ss.n; s++) {
			fputs(" | ", f);
			plot_dat_comment(f, g->ss.v[s]);
		}
		fputc('\n', f);
		for (size_t x = x0; x < x1; x++) {
			if (g->numeric_x)
				fprintf(f, "%.17g", strtod(g->xs.v[x], NULL));
			else
				fprintf(f, "%zu", x - x0);
			for (size_t s = 0; s < g->ss.n; s++) {
				double v = *plot_cell(g, fi, x, s);
				if (isfinite(v))
					fprintf(f, " %.6g", v);
				else
					fputs(" ?", f);
			}
			fputs("  # ", f);
			plot_dat_comment(f, g->xs.v[x]);
			fputc('\n', f);
		}
	}
	int rc = afile_commit(a, err);
	if (rc)
		return rc;
	size_t cols = np == 1 ? 1 : g->numeric_x ? (np < 3 ? np : 3) : nchunk > 1 ? 1 : (np < 2 ? np : 2);
	size_t rows = (np + cols - 1) / cols;
	size_t pw = g->numeric_x ? (cols == 1 ? 900 : 560) : 220 + (chunk < g->xs.n ? chunk : g->xs.n) * per;
	pw = pw < 560 ? 560 : pw > 1500 ? 1500 : pw;
	char head[PLOT_CAPTION + 1100];
	snprintf(head, sizeof head, "%s%s%s", o->title ? o->title : "", o->title && !o->no_caption ? "\n" : "",
		 o->no_caption ? "" : g->caption);
	size_t lines = 0;
	for (const char *c = head; *head && c; c = strchr(c + 1, '\n'))
		lines++;
	size_t W = cols * pw, H = rows * (g->numeric_x ? 460 : 480) + 18 * lines + 20;
	f = plot_open(dir, g->name, "gp", &a, err);
	if (!f)
		return err->code;
	unsigned fm = o->formats ? o->formats : SWEEP_PLOT_PNG | SWEEP_PLOT_SVG;
	for (size_t k = 0; k < sizeof plot_terms / sizeof *plot_terms; k++) {
		if (!(fm & plot_terms[k].bit))
			continue;
		if (plot_terms[k].bit == SWEEP_PLOT_PDF)
			fprintf(f, "set terminal pdfcairo size %.2fin,%.2fin noenhanced font 'sans,9'\n", W / 100.0,
				H / 100.0);
		else
			fprintf(f, "set terminal %s size %zu,%zu noenhanced font 'sans,10'\n", plot_terms[k].term, W,
				H);
		fprintf(f, "set output '%s.%s'\n", g->name, plot_terms[k].ext);
		fputs("reset\nset datafile missing '?'\nset grid ytics\nset key below horizontal font ',8'\n", f);
		fputs("set xlabel ", f);
		sweep_plot_gp_str(f, g->xlabel);
		fputs("\nset ylabel ", f);
		sweep_plot_gp_str(f, g->ylabel);
		fputc('\n', f);
		if (g->logy)
			fputs("set logscale y\n", f);
		else
			fputs("set yrange [0:*]\n", f);
		if (g->numeric_x && g->xs.n) {
			double lo = strtod(g->xs.v[0], NULL), hi = strtod(g->xs.v[g->xs.n - 1], NULL);
			if (lo > 0 && hi / lo >= 16) {
				fprintf(f, "set logscale x 2\nset xrange [%g:%g]\n", lo / 1.4, hi * 1.4);
			} else {
				double m = hi > lo ? (hi - lo) * 0.05 : (lo ? lo * 0.5 : 1);
				fprintf(f, "set xrange [%g:%g]\n", lo - m, hi + m);
			}
			fputs("set xtics (", f);
			for (size_t x = 0; x < g->xs.n; x++) {
				fputs(x ? ", " : "", f);
				sweep_plot_gp_str(f, g->xs.v[x]);
				fprintf(f, " %.17g", strtod(g->xs.v[x], NULL));
			}
			fputs(")\n", f);
		} else {
			fputs("set rmargin 12\nset style data histograms\nset style histogram clustered gap 1\n"
			      "set style fill solid 0.85 border -1\nset boxwidth 0.9\n",
			      f);
		}
		if (g->ref1)
			fputs("set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dashtype 2\n", f);
		fprintf(f, "set multiplot layout %zu,%zu", rows, cols);
		if (*head) {
			fputs(" title ", f);
			plot_gp_text(f, head);
		}
		fputc('\n', f);
		for (size_t p = 0; p < np; p++) {
			size_t fi = p / nchunk, x0 = (p % nchunk) * chunk;
			size_t x1 = x0 + chunk < g->xs.n ? x0 + chunk : g->xs.n;
			fputs("set title ", f);
			sweep_plot_gp_str(f, g->fs.n ? g->fs.v[fi] : "");
			fputc('\n', f);
			if (!g->numeric_x) {
				fputs("set xtics rotate by -40 scale 0 font ',8' (", f);
				for (size_t x = x0; x < x1; x++) {
					fputs(x > x0 ? ", " : "", f);
					sweep_plot_gp_str(f, g->xs.v[x]);
					fprintf(f, " %zu", x - x0);
				}
				fputs(")\n", f);
			}
			fputs("plot ", f);
			for (size_t s = 0; s < g->ss.n; s++) {
				if (s)
					fputs(", \\\n     ", f);
				fprintf(f, "'%s.dat' index %zu using %s%zu%s title ", g->name, p,
					g->numeric_x ? "1:" : "", s + 2,
					g->numeric_x ? " with linespoints lw 2 pt 7" : "");
				sweep_plot_gp_str(f, g->ss.v[s]);
			}
			fputc('\n', f);
		}
		fputs("unset multiplot\n", f);
	}
	rc = afile_commit(a, err);
	return rc ? rc : plot_add(out, g->name, err);
}

typedef enum { BASE_SEQUENTIAL, BASE_PAD_OFF, BASE_K32 } plot_base_t;

/*
 * Grouped bars for the rows of one hw: x = the workload and every other
 * axis column that varies (unless the series columns S and the x columns
 * already chosen determine it), series = the columns S, value = baseline
 * cycles / cycles. Two rows landing on one bar would be data lost: an
 * error, never an overwrite.
 */
static int plot_bars(const sweep_table_t *t, const sweep_plot_opts_t *o, const char *dir, const char *prefix,
		     const char *hw, const char *const *S, size_t ns_cols, plot_base_t base, const char *ylabel,
		     sweep_plots_t *out, sim_err_t *err)
{
	const char *X[PLOT_COLS] = { "workload" }, *by[2 * PLOT_COLS];
	size_t nx = 1;
	for (int pass = 0; pass < 2; pass++)
		for (size_t c = 0; c < sweep_table_cols(t) && nx < PLOT_COLS; c++) {
			const char *col = sweep_table_col(t, c);
			bool in_s = false;
			for (size_t k = 0; k < ns_cols; k++)
				in_s |= !strcmp(S[k], col);
			/* "name" labels a group item: last resort, after the keys it sets. */
			if (in_s || !plot_is_axis(col) || !strcmp(col, "hw") || !strcmp(col, "workload") ||
			    (pass == 0) == !strcmp(col, "name") || plot_distinct(t, hw, col) < 2)
				continue;
			size_t nby = 0;
			for (size_t k = 0; k < ns_cols; k++)
				by[nby++] = S[k];
			for (size_t k = 0; k < nx; k++)
				by[nby++] = X[k];
			if (!plot_determined(t, hw, col, by, nby))
				X[nx++] = col;
		}
	plot_fig_t g = { .xlabel = "workload", .ylabel = ylabel, .ref1 = true };
	char lab[PLOT_LABEL], fhw[100];
	plot_fname(fhw, sizeof fhw, hw);
	snprintf(g.name, sizeof g.name, "%s-%s", prefix, fhw);
	for (size_t i = 0; i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		if (!plot_row_in(r, hw))
			continue;
		plot_label(r, X, nx, lab, sizeof lab);
		plot_set_add(&g.xs, lab);
		plot_label(r, S, ns_cols, lab, sizeof lab);
		plot_set_add(&g.ss, lab);
	}
	/* Designs and on/off settings read best in natural order (K = 32, 64,
	 * ...); schedulers keep the row order (sequential, batch, ...). */
	if (base != BASE_SEQUENTIAL && g.ss.n)
		qsort(g.ss.v, g.ss.n, sizeof *g.ss.v, plot_natural);
	double *cyc = calloc(g.xs.n * g.ss.n + 1, sizeof *cyc);
	int rc = cyc ? SIM_OK : sim_err(err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		if (!plot_row_in(r, hw))
			continue;
		plot_label(r, X, nx, lab, sizeof lab);
		size_t x = (size_t)plot_set_find(&g.xs, lab);
		plot_label(r, S, ns_cols, lab, sizeof lab);
		size_t s = (size_t)plot_set_find(&g.ss, lab);
		if (cyc[x * g.ss.n + s] > 0)
			rc = sim_err(err, SIM_EINPUT,
				     "figure %s: two results for bar '%s' of '%s' (a column the figure "
				     "does not show varies), expected a view: sharpsim plot DIR --y cycles --x ... "
				     "--group ...",
				     g.name, lab, g.xs.v[x]);
		else
			cyc[x * g.ss.n + s] = strtod(plot_get(r, "cycles"), NULL);
	}
	size_t b = 0;
	for (size_t s = 0; s < g.ss.n; s++) {
		const char *l = g.ss.v[s];
		if ((base == BASE_SEQUENTIAL && !strcmp(l, "sequential")) ||
		    (base == BASE_PAD_OFF && strstr(l, "pad_reconfig=false")) ||
		    (base == BASE_K32 && strstr(l, "vs_width=32") && strstr(l, "tile=config4"))) {
			b = s;
			break;
		}
	}
	if (!rc)
		rc = plot_fig_alloc(&g, err);
	for (size_t x = 0; !rc && x < g.xs.n; x++)
		for (size_t s = 0; s < g.ss.n; s++) {
			double c = cyc[x * g.ss.n + s], c0 = cyc[x * g.ss.n + b];
			if (c > 0 && c0 > 0)
				*plot_cell(&g, 0, x, s) = c0 / c;
		}
	char machine[300], fixed[1200];
	plot_machine(t, hw, machine, sizeof machine);
	plot_fixed(t, hw, fixed, sizeof fixed);
	snprintf(g.caption, sizeof g.caption, "hw %s; baseline %s%s%s", machine, g.ss.n ? g.ss.v[b] : "-",
		 fixed[0] ? "\n" : "", fixed);
	if (!rc)
		rc = plot_emit(&g, o, dir, out, err);
	free(cyc);
	plot_fig_free(&g);
	return rc;
}

/* Lines over the MAC budget: mean of `value` per (budget, series column),
 * the mean's extent named in the caption. */
static int plot_lines(const sweep_table_t *t, const sweep_plot_opts_t *o, const char *dir, const char *name,
		      const char *series_col, const char *value, const char *only_sched, bool logy, const char *ylabel,
		      sweep_plots_t *out, sim_err_t *err)
{
	plot_fig_t g = {
		.xlabel = "MAC budget (multipliers, N x K)", .ylabel = ylabel, .numeric_x = true, .logy = logy
	};
	snprintf(g.name, sizeof g.name, "%s", name);
	for (size_t i = 0; i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		if (only_sched && strcmp(plot_get(r, "scheduler"), only_sched))
			continue;
		plot_set_add(&g.xs, plot_get(r, "macs_per_cycle"));
		plot_set_add(&g.ss, plot_get(r, series_col));
	}
	if (g.xs.n)
		qsort(g.xs.v, g.xs.n, sizeof *g.xs.v, plot_num_cmp);
	double *sum = calloc(g.xs.n * g.ss.n + 1, sizeof *sum), *cnt = calloc(g.xs.n * g.ss.n + 1, sizeof *cnt);
	int rc = sum && cnt ? plot_fig_alloc(&g, err) : sim_err(err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		if (only_sched && strcmp(plot_get(r, "scheduler"), only_sched))
			continue;
		size_t k = (size_t)plot_set_find(&g.xs, plot_get(r, "macs_per_cycle")) * g.ss.n +
			   (size_t)plot_set_find(&g.ss, plot_get(r, series_col));
		sum[k] += strtod(plot_get(r, value), NULL);
		cnt[k] += 1;
	}
	for (size_t k = 0; !rc && k < g.xs.n * g.ss.n; k++)
		if (cnt[k] > 0)
			g.v[k] = sum[k] / cnt[k];
	/* What the mean runs over: every other axis column that varies. */
	char over[600] = "", fixed[1200];
	size_t ov = 0;
	for (size_t c = 0; c < sweep_table_cols(t); c++) {
		const char *col = sweep_table_col(t, c);
		size_t n = plot_distinct(t, NULL, col);
		if (!plot_is_axis(col) || !strcmp(col, series_col) || n < 2 ||
		    (only_sched && !strcmp(col, "scheduler")))
			continue;
		const char *by[] = { "macs_per_cycle" };
		if (plot_determined(t, NULL, col, by, 1))
			continue;
		ov += (size_t)snprintf(over + ov, ov < sizeof over ? sizeof over - ov : 0, "%s%zu %s", ov ? ", " : "",
				       n,
				       !strcmp(col, "workload")	   ? "workloads"
				       : !strcmp(col, "hw")	   ? "hw configs"
				       : !strcmp(col, "scheduler") ? "schedulers"
								   : plot_short(col));
	}
	plot_fixed(t, NULL, fixed, sizeof fixed);
	snprintf(g.caption, sizeof g.caption, "%s%s%s%s%s%s", over[0] ? "mean over " : "", over,
		 only_sched ? (over[0] ? "; scheduler " : "scheduler ") : "", only_sched ? only_sched : "",
		 fixed[0] ? "\n" : "", fixed);
	if (!rc)
		rc = plot_emit(&g, o, dir, out, err);
	free(sum);
	free(cnt);
	plot_fig_free(&g);
	return rc;
}

static const struct {
	const char *alias, *col, *label;
} plot_columns[] = {
	{ "cycles", "cycles", "cycles" },
	{ "latency", "latency_us", "latency (us)" },
	{ "utilization", "utilization", "utilization (useful MACs / (cycles x N x K))" },
	{ "energy", "energy_uj", "energy (uJ)" },
	{ "power", "avg_power_w", "average power (W)" },
	{ "area", "area_mm2", "area (mm^2)" },
	{ "gflops/w", "gflops_per_w", "GFLOPS/W" },
	{ "macs", "macs_per_cycle", "MAC budget (multipliers, N x K)" },
};

const char *sweep_plot_column(const char *name)
{
	for (size_t i = 0; i < sizeof plot_columns / sizeof *plot_columns; i++)
		if (!strcmp(name, plot_columns[i].alias))
			return plot_columns[i].col;
	return name;
}

static const char *plot_axis_label(const char *col)
{
	for (size_t i = 0; i < sizeof plot_columns / sizeof *plot_columns; i++)
		if (!strcmp(col, plot_columns[i].col))
			return plot_columns[i].label;
	return col;
}

static bool plot_has_col(const sweep_table_t *t, const char *col)
{
	for (size_t c = 0; c < sweep_table_cols(t); c++)
		if (!strcmp(sweep_table_col(t, c), col))
			return true;
	return false;
}

/* A view: o->y against o->x, series o->group, panels o->facet. */
static int plot_view(const sweep_table_t *t, const sweep_plot_opts_t *o, const char *dir, sweep_plots_t *out,
		     sim_err_t *err)
{
	const char *y = sweep_plot_column(o->y), *x = sweep_plot_column(o->x ? o->x : "workload");
	const char *G[SWEEP_PLOT_MAX_COLS], *F[SWEEP_PLOT_MAX_COLS], *on[2 * SWEEP_PLOT_MAX_COLS + 1];
	size_t non = 0;
	on[non++] = x;
	for (size_t i = 0; i < o->ngroup; i++)
		on[non++] = G[i] = sweep_plot_column(o->group[i]);
	for (size_t i = 0; i < o->nfacet; i++)
		on[non++] = F[i] = sweep_plot_column(o->facet[i]);
	for (size_t i = 0; i < non; i++)
		if (!plot_has_col(t, on[i]))
			return sim_err(err, SIM_EINPUT,
				       "plot: no column '%s' in the results, expected hw, workload, "
				       "scheduler, a swept key or a result column (results.csv's header)",
				       on[i]);
	if (!plot_has_col(t, y))
		return sim_err(err, SIM_EINPUT,
			       "plot --y %s: no column '%s' in the results%s, expected a result "
			       "column: cycles, latency, utilization, energy, power, area, gflops/w or another of "
			       "results.csv's header",
			       o->y, y,
			       sweep_is_energy_column(y) ? " (the sweep ran with "
							   "energy: false)"
							 : "");
	for (size_t c = 0; c < sweep_table_cols(t); c++) {
		const char *col = sweep_table_col(t, c);
		bool shown = false;
		for (size_t i = 0; i < non; i++)
			shown |= !strcmp(on[i], col);
		if (shown || !plot_is_axis(col) || plot_distinct(t, NULL, col) < 2 ||
		    plot_determined(t, NULL, col, on, non))
			continue;
		char vals[400];
		plot_values(t, col, vals, sizeof vals);
		return sim_err(err, SIM_EINPUT,
			       "plot: column '%s' varies (%s) and the figure does not show it, "
			       "expected it as --x, --group or --facet, or one value chosen with --where %s=VALUE",
			       col, vals, col);
	}
	plot_fig_t g = { .xlabel = plot_axis_label(x), .ylabel = plot_axis_label(y) };
	char fy[60], fx[60];
	plot_fname(fy, sizeof fy, y);
	plot_fname(fx, sizeof fx, x);
	if (o->name)
		plot_fname(g.name, sizeof g.name, o->name);
	else
		snprintf(g.name, sizeof g.name, "%s-vs-%s", fy, fx);
	g.numeric_x = true;
	for (size_t i = 0; i < sweep_table_rows(t); i++)
		g.numeric_x &= plot_is_number(plot_get(sweep_table_row(t, i), x));
	char lab[PLOT_LABEL];
	for (size_t i = 0; i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		plot_set_add(&g.xs, plot_get(r, x));
		plot_label(r, G, o->ngroup, lab, sizeof lab);
		plot_set_add(&g.ss, o->ngroup ? lab : plot_axis_label(y));
		if (o->nfacet) {
			plot_label(r, F, o->nfacet, lab, sizeof lab);
			plot_set_add(&g.fs, lab);
		}
	}
	if (g.numeric_x && g.xs.n)
		qsort(g.xs.v, g.xs.n, sizeof *g.xs.v, plot_num_cmp);
	int rc = plot_fig_alloc(&g, err);
	for (size_t i = 0; !rc && i < sweep_table_rows(t); i++) {
		const sweep_rec_t *r = sweep_table_row(t, i);
		size_t fi = 0;
		if (o->nfacet) {
			plot_label(r, F, o->nfacet, lab, sizeof lab);
			fi = (size_t)plot_set_find(&g.fs, lab);
		}
		plot_label(r, G, o->ngroup, lab, sizeof lab);
		size_t s = (size_t)plot_set_find(&g.ss, o->ngroup ? lab : plot_axis_label(y));
		size_t xi = (size_t)plot_set_find(&g.xs, plot_get(r, x));
		double *v = plot_cell(&g, fi, xi, s);
		const char *yv = sweep_rec_get(r, y);
		if (!isnan(*v))
			rc = sim_err(err, SIM_EINPUT,
				     "plot: two results at %s=%s in series '%s', expected one per "
				     "point (add the column that tells them apart with --group or --facet)",
				     x, plot_get(r, x), g.ss.v[s]);
		else if (yv && plot_is_number(yv))
			*v = strtod(yv, NULL);
	}
	char fixed[1200], machine[300] = "";
	plot_fixed(t, NULL, fixed, sizeof fixed);
	if (plot_distinct(t, NULL, "hw") == 1)
		plot_machine(t, NULL, machine, sizeof machine);
	snprintf(g.caption, sizeof g.caption, "%s%s%s%s", machine[0] ? "hw " : "", machine,
		 machine[0] && fixed[0] ? "\n" : "", fixed);
	if (!rc)
		rc = plot_emit(&g, o, dir, out, err);
	plot_fig_free(&g);
	return rc;
}

int sweep_plot_write(const sweep_table_t *t, const sweep_plot_opts_t *o, const char *dir, sweep_plots_t *out,
		     sim_err_t *err)
{
	out->n = 0;
	if (o->y)
		return plot_view(t, o, dir, out, err);
	plot_set_t hws = { 0 }, sched = { 0 };
	for (size_t i = 0; i < sweep_table_rows(t); i++) {
		plot_set_add(&hws, plot_get(sweep_table_row(t, i), "hw"));
		plot_set_add(&sched, plot_get(sweep_table_row(t, i), "scheduler"));
	}
	bool has_seq = plot_set_find(&sched, "sequential") >= 0;
	bool kwidth = plot_distinct(t, NULL, "compute.vs_width") > 1;
	bool pad = plot_distinct(t, NULL, "compute.pad_reconfig") > 1;
	int rc = SIM_OK;
	const char *sched_cols[] = { "scheduler" }, *pad_cols[] = { "compute.pad_reconfig" };
	const char *k_cols[PLOT_COLS];
	size_t nk = 0;
	for (size_t c = 0; c < sweep_table_cols(t) && nk < PLOT_COLS; c++) {
		const char *col = sweep_table_col(t, c);
		if (sweep_is_param_column(col) && strncmp(col, "w.", 2) && strcmp(col, "compute.vs_units") &&
		    strcmp(col, "name") && plot_distinct(t, NULL, col) > 1)
			k_cols[nk++] = col;
	}
	for (size_t h = 0; !rc && h < hws.n; h++) {
		if (sched.n > 1 && has_seq && !kwidth)
			rc = plot_bars(t, o, dir, "speedup", hws.v[h], sched_cols, 1, BASE_SEQUENTIAL,
				       "speedup over sequential (cycles ratio)", out, err);
		if (!rc && kwidth)
			rc = plot_bars(t, o, dir, "kwidth", hws.v[h], k_cols, nk, BASE_K32,
				       "speedup over the baseline design (cycles ratio)", out, err);
		if (!rc && pad && !kwidth)
			rc = plot_bars(t, o, dir, "padding", hws.v[h], pad_cols, 1, BASE_PAD_OFF,
				       "speedup of padding reconfiguration (cycles ratio)", out, err);
	}
	if (!rc && plot_distinct(t, NULL, "macs_per_cycle") > 1) {
		rc = plot_lines(t, o, dir, "utilization", "scheduler", "utilization", NULL, false,
				"utilization (useful MACs / (cycles x N x K))", out, err);
		size_t nw = plot_distinct(t, NULL, "workload");
		if (!rc && nw <= 12)
			rc = plot_lines(t, o, dir, "latency", "workload", "latency_us",
					plot_set_find(&sched, "unfolded") >= 0 ? "unfolded" : NULL, true,
					"latency (us)", out, err);
	}
	free(hws.v);
	free(sched.v);
	return rc;
}
