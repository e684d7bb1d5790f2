#include "table.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/afile.h"
#include "../common/json.h"
#include "../config/hw_cfg.h"
#include "../config/params.h"
#include "../report/report.h"
#include "../sched/registry.h"

const char *const *const sweep_result_columns = report_csv_results;

struct sweep_table {
	sweep_rec_t **rows;
	size_t n, cap;
	char **cols;
	size_t ncol, colcap;
};

sweep_table_t *sweep_table_create(void)
{
	return calloc(1, sizeof(sweep_table_t));
}

void sweep_table_free(sweep_table_t *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		sweep_rec_free(t->rows[i]);
	for (size_t i = 0; i < t->ncol; i++)
		free(t->cols[i]);
	free(t->rows);
	free(t->cols);
	free(t);
}

/* Sort rank of a column name (see the header's column order). */
static size_t table_col_rank(const char *name)
{
	for (size_t i = 0; report_csv_head[i]; i++)
		if (!strcmp(name, report_csv_head[i]))
			return i;
	size_t n;
	const param_t *t;
	if (!strncmp(name, "w.", 2)) {
		t = param_layer_table(&n);
		const param_t *p = param_find(t, n, name + 2);
		if (p)
			return 2000 + (size_t)(p - t);
	}
	t = param_hw_table(&n);
	const param_t *p = param_find(t, n, name);
	if (p)
		return 100 + (size_t)(p - t);
	for (size_t i = 0; sweep_result_columns[i]; i++)
		if (!strcmp(name, sweep_result_columns[i]))
			return 4000 + i;
	return 9000;
}

bool sweep_is_param_column(const char *name)
{
	size_t r = table_col_rank(name);
	return r >= 100 && r < 4000;
}

bool sweep_is_energy_column(const char *name)
{
	return !strcmp(name, "energy_uj") || !strcmp(name, "avg_power_w") || !strcmp(name, "area_mm2") ||
	       !strcmp(name, "gflops_per_w");
}

int sweep_table_add_column(sweep_table_t *t, const char *name)
{
	for (size_t i = 0; i < t->ncol; i++)
		if (!strcmp(t->cols[i], name))
			return 0;
	if (t->ncol == t->colcap) {
		size_t cap = t->colcap ? 2 * t->colcap : 32;
		char **c = realloc(t->cols, cap * sizeof *c);
		if (!c)
			return -1;
		t->cols = c;
		t->colcap = cap;
	}
	if (!(t->cols[t->ncol] = strdup(name)))
		return -1;
	t->ncol++;
	return 0;
}

bool sweep_table_has(const sweep_table_t *t, const char *config_hash)
{
	for (size_t i = 0; i < t->n; i++) {
		const char *h = sweep_rec_get(t->rows[i], "config_hash");
		if (h && !strcmp(h, config_hash))
			return true;
	}
	return false;
}

int sweep_table_add(sweep_table_t *t, const sweep_rec_t *r)
{
	const char *h = sweep_rec_get(r, "config_hash");
	if (h && sweep_table_has(t, h))
		return 1;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		sweep_rec_t **p = realloc(t->rows, cap * sizeof *p);
		if (!p)
			return -1;
		t->rows = p;
		t->cap = cap;
	}
	sweep_rec_t *c = sweep_rec_copy(r);
	if (!c)
		return -1;
	t->rows[t->n++] = c;
	for (size_t i = 0; i < sweep_rec_len(r); i++)
		if (sweep_table_add_column(t, sweep_rec_key(r, i)))
			return -1;
	for (size_t k = 0; k < sweep_rec_children(r); k++)
		for (size_t i = 0; i < sweep_rec_len(sweep_rec_child(r, k)); i++)
			if (sweep_table_add_column(t, sweep_rec_key(sweep_rec_child(r, k), i)))
				return -1;
	return 0;
}

size_t sweep_table_rows(const sweep_table_t *t)
{
	return t->n;
}

const sweep_rec_t *sweep_table_row(const sweep_table_t *t, size_t i)
{
	return t->rows[i];
}

size_t sweep_table_cols(const sweep_table_t *t)
{
	return t->ncol;
}

const char *sweep_table_col(const sweep_table_t *t, size_t i)
{
	return t->cols[i];
}

static int table_col_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t rx = table_col_rank(x), ry = table_col_rank(y);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x, y);
}

static int table_sched_rank(const char *s)
{
	int i = sched_registry_find(sched_registry_builtin(), s);
	return i < 0 ? 100 : i;
}

/* The speedup tables compare SHARP's schedules (not the baselines'),
 * against the reference order, sequential. */
static bool table_sched_compared(int k)
{
	const sched_desc_t *d = sched_registry_get(sched_registry_builtin(), (size_t)k);
	return d && !(d->flags & SCHED_F_BASELINE);
}

static int table_val_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return sweep_natural_cmp(a, b);
}

static int table_row_cmp(const sweep_table_t *t, const sweep_rec_t *a, const sweep_rec_t *b)
{
	int c = table_val_cmp(sweep_rec_get(a, "hw"), sweep_rec_get(b, "hw"));
	if (!c)
		c = table_val_cmp(sweep_rec_get(a, "workload"), sweep_rec_get(b, "workload"));
	if (!c) {
		const char *sa = sweep_rec_get(a, "scheduler"), *sb = sweep_rec_get(b, "scheduler");
		int ra = sa ? table_sched_rank(sa) : -1, rb = sb ? table_sched_rank(sb) : -1;
		c = ra != rb ? (ra < rb ? -1 : 1) : table_val_cmp(sa, sb);
	}
	for (size_t i = 0; !c && i < t->ncol; i++)
		if (sweep_is_param_column(t->cols[i]))
			c = table_val_cmp(sweep_rec_get(a, t->cols[i]), sweep_rec_get(b, t->cols[i]));
	if (!c)
		c = table_val_cmp(sweep_rec_get(a, "config_hash"), sweep_rec_get(b, "config_hash"));
	return c;
}

/* A stable merge sort with the table as context (qsort has none in C11). */
static void table_msort(const sweep_table_t *t, sweep_rec_t **v, sweep_rec_t **tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	table_msort(t, v, tmp, h);
	table_msort(t, v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = table_row_cmp(t, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

void sweep_table_sort(sweep_table_t *t)
{
	qsort(t->cols, t->ncol, sizeof *t->cols, table_col_cmp);
	sweep_rec_t **tmp = malloc((t->n ? t->n : 1) * sizeof *tmp);
	if (tmp)
		table_msort(t, t->rows, tmp, t->n);
	free(tmp);
}

static bool table_is_head(const char *col)
{
	for (size_t i = 0; report_csv_head[i]; i++)
		if (!strcmp(col, report_csv_head[i]))
			return true;
	return false;
}

/* The CSV has the schema's head columns first whether or not the rows
 * carry them (schema, and row = "run": a sweep row is a whole run), then
 * the table's other columns in order (report.h). */
void sweep_table_csv_header(const sweep_table_t *t, FILE *f)
{
	bool first = true;
	for (size_t i = 0; report_csv_head[i]; i++, first = false)
		fprintf(f, "%s%s", first ? "" : ",", report_csv_head[i]);
	for (size_t i = 0; i < t->ncol; i++)
		if (!table_is_head(t->cols[i])) {
			fputc(',', f);
			report_csv_field(f, t->cols[i]);
		}
	fputc('\n', f);
}

static void table_csv_line(const sweep_table_t *t, const sweep_rec_t *r, FILE *f)
{
	for (size_t i = 0; report_csv_head[i]; i++) {
		const char *col = report_csv_head[i], *v = sweep_rec_get(r, col);
		if (!strcmp(col, "schema"))
			v = REPORT_CSV_SCHEMA_TEXT;
		else if (!v && !strcmp(col, "row"))
			v = "run";
		fputs(i ? "," : "", f);
		report_csv_field(f, v ? v : "");
	}
	for (size_t i = 0; i < t->ncol; i++) {
		if (table_is_head(t->cols[i]))
			continue;
		fputc(',', f);
		const char *v = sweep_rec_get(r, t->cols[i]);
		if (v)
			report_csv_field(f, v);
	}
	fputc('\n', f);
}

void sweep_table_csv_row(const sweep_table_t *t, const sweep_rec_t *r, FILE *f)
{
	table_csv_line(t, r, f);
	for (size_t k = 0; k < sweep_rec_children(r); k++)
		table_csv_line(t, sweep_rec_child(r, k), f);
}

static void table_jsonl_line(const sweep_table_t *t, const sweep_rec_t *r, FILE *f)
{
	fputc('{', f);
	bool first = true;
	for (size_t i = 0; i < t->ncol; i++) {
		const char *v = sweep_rec_get(r, t->cols[i]);
		if (!v)
			continue;
		if (!first)
			fputs(", ", f);
		first = false;
		json_write_string(f, t->cols[i]);
		fputs(": ", f);
		switch (sweep_rec_get_type(r, t->cols[i])) {
		case 'n':
		case 'b':
			fputs(v, f);
			break;
		case 'z':
			fputs("null", f);
			break;
		default:
			json_write_string(f, v);
		}
	}
	fputs("}\n", f);
}

void sweep_table_jsonl_row(const sweep_table_t *t, const sweep_rec_t *r, FILE *f)
{
	table_jsonl_line(t, r, f);
	for (size_t k = 0; k < sweep_rec_children(r); k++)
		table_jsonl_line(t, sweep_rec_child(r, k), f);
}

static int table_write_one(const sweep_table_t *t, const char *dir, bool csv, sim_err_t *err)
{
	char path[1100];
	snprintf(path, sizeof path, "%s/results.%s", dir, csv ? "csv" : "jsonl");
	afile_t *a = afile_open(path, err);
	if (!a)
		return err->code;
	FILE *f = afile_stream(a);
	if (csv)
		sweep_table_csv_header(t, f);
	for (size_t i = 0; i < t->n; i++) {
		if (csv)
			sweep_table_csv_row(t, t->rows[i], f);
		else
			sweep_table_jsonl_row(t, t->rows[i], f);
	}
	return afile_commit(a, err);
}

int sweep_table_write_files(const sweep_table_t *t, const char *dir, sim_err_t *err)
{
	int rc = table_write_one(t, dir, true, err);
	return rc ? rc : table_write_one(t, dir, false, err);
}

/* ---- summary ---- */

typedef struct group {
	const sweep_rec_t *first;      /* identity: hw, workload and the parameter columns */
	double cycles[SCHED_KIND_ALL]; /* by registry index; 0: that scheduler did not run */
} group_t;

static bool table_same_point(const sweep_table_t *t, const sweep_rec_t *a, const sweep_rec_t *b)
{
	if (table_val_cmp(sweep_rec_get(a, "hw"), sweep_rec_get(b, "hw")) ||
	    table_val_cmp(sweep_rec_get(a, "workload"), sweep_rec_get(b, "workload")))
		return false;
	for (size_t i = 0; i < t->ncol; i++)
		if (sweep_is_param_column(t->cols[i]) &&
		    table_val_cmp(sweep_rec_get(a, t->cols[i]), sweep_rec_get(b, t->cols[i])))
			return false;
	return true;
}

/* True when column c does not hold the same value in every row. */
static bool table_varies(const sweep_table_t *t, const char *c)
{
	for (size_t i = 1; i < t->n; i++)
		if (table_val_cmp(sweep_rec_get(t->rows[0], c), sweep_rec_get(t->rows[i], c)))
			return true;
	return false;
}

/* The swept parameters that vary, as "key=value ..." (the fixed ones
 * would repeat on every line). */
static void table_params_text(const sweep_table_t *t, const sweep_rec_t *r, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < t->ncol && o < size; i++) {
		const char *v = sweep_rec_get(r, t->cols[i]);
		if (v && sweep_is_param_column(t->cols[i]) && table_varies(t, t->cols[i]))
			o += (size_t)snprintf(buf + o, size - o, "%s%s=%s", o ? " " : "", t->cols[i], v);
	}
}

void sweep_table_summary(const sweep_table_t *t, FILE *f)
{
	group_t *g = calloc(t->n ? t->n : 1, sizeof *g);
	int seq = sched_registry_find(sched_registry_builtin(), "sequential");
	if (!g || seq < 0) {
		free(g);
		return;
	}
	size_t ng = 0;
	for (size_t i = 0; i < t->n; i++) {
		const char *s = sweep_rec_get(t->rows[i], "scheduler"), *c = sweep_rec_get(t->rows[i], "cycles");
		int k = s ? table_sched_rank(s) : 100;
		if (!table_sched_compared(k) || !c)
			continue;
		size_t j = 0;
		while (j < ng && !table_same_point(t, g[j].first, t->rows[i]))
			j++;
		if (j == ng)
			g[ng++].first = t->rows[i];
		g[j].cycles[k] = strtod(c, NULL);
	}
	fprintf(f, "%-12s %-24s %-8s %-10s %s\n", "hw", "workload", "speedup", "best", "swept parameters");
	for (size_t j = 0; j < ng; j++) {
		int best = -1;
		for (int k = 0; k < SCHED_KIND_ALL; k++)
			if (g[j].cycles[k] > 0 && (best < 0 || g[j].cycles[k] < g[j].cycles[best]))
				best = k;
		char params[512], speed[32] = "-";
		table_params_text(t, g[j].first, params, sizeof params);
		if (best >= 0 && g[j].cycles[seq] > 0)
			snprintf(speed, sizeof speed, "%.3fx", g[j].cycles[seq] / g[j].cycles[best]);
		fprintf(f, "%-12s %-24s %-8s %-10s%s%s\n", sweep_rec_get(g[j].first, "hw"),
			sweep_rec_get(g[j].first, "workload"), speed, best >= 0 ? sched_builtin_names[best] : "-",
			params[0] ? " " : "", params);
	}
	bool any_seq = false;
	for (size_t j = 0; j < ng; j++)
		any_seq |= g[j].cycles[seq] > 0;
	if (!any_seq) {
		free(g);
		return;
	}
	/* Geometric mean over the points of each hw that ran sequential too. */
	fprintf(f, "\ngeometric-mean speedup over sequential:\n%-12s", "hw");
	for (int k = 0; k < SCHED_KIND_ALL; k++)
		if (table_sched_compared(k))
			fprintf(f, " %-11s", sched_builtin_names[k]);
	fputc('\n', f);
	for (size_t j = 0; j < ng; j++) {
		const char *hw = sweep_rec_get(g[j].first, "hw");
		bool seen = false;
		for (size_t q = 0; q < j && !seen; q++)
			seen = !table_val_cmp(sweep_rec_get(g[q].first, "hw"), hw);
		if (seen)
			continue;
		fprintf(f, "%-12s", hw ? hw : "-");
		for (int k = 0; k < SCHED_KIND_ALL; k++) {
			if (!table_sched_compared(k))
				continue;
			double logsum = 0;
			size_t m = 0;
			for (size_t q = j; q < ng; q++)
				if (!table_val_cmp(sweep_rec_get(g[q].first, "hw"), hw) && g[q].cycles[k] > 0 &&
				    g[q].cycles[seq] > 0) {
					logsum += log(g[q].cycles[seq] / g[q].cycles[k]);
					m++;
				}
			char cell[32] = "-";
			if (m)
				snprintf(cell, sizeof cell, "%.3fx", exp(logsum / (double)m));
			fprintf(f, " %-11s", cell);
		}
		fputc('\n', f);
	}
	free(g);
}
