#include "table.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/afile.h"
#include "../common/fnv.h"
#include "../common/json.h"
#include "../config/hw_cfg.h"
#include "../config/params.h"
#include "../report/report.h"
#include "../sched/registry.h"

const char *const *const sweep_result_columns = report_csv_results;

/* A column and its sort rank (table_col_rank), computed once when the
 * column is registered: ranking a name searches the parameter tables. */
typedef struct table_col {
	char *name;
	size_t rank;
} table_col_t;

struct sweep_table {
	sweep_rec_t **rows;
	size_t n, cap;
	table_col_t *cols;
	size_t ncol, colcap;
	/* Open-addressed sets (FNV-1a, linear probing, a power-of-two size
	 * at least twice the entries): the columns by name, as position + 1
	 * (0: free; rebuilt when sorting moves them), and the rows'
	 * config_hash texts, which the rows own (NULL: free). A sweep of N
	 * points with C columns then commits each in O(C) lookups, not
	 * O(N + C^2) string compares. */
	size_t *col_slot, col_slots;
	const char **hash_slot;
	size_t hash_slots, nhash;
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
		free(t->cols[i].name);
	free(t->rows);
	free(t->cols);
	free(t->col_slot);
	free(t->hash_slot);
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

/* A head column (report_csv_head) by its rank. */
static bool table_rank_head(size_t rank)
{
	return rank < 100;
}

/* A swept-parameter column (a hardware key or "w.KEY") by its rank. */
static bool table_rank_param(size_t rank)
{
	return rank >= 100 && rank < 4000;
}

bool sweep_is_param_column(const char *name)
{
	return table_rank_param(table_col_rank(name));
}

bool sweep_is_energy_column(const char *name)
{
	return !strcmp(name, "energy_uj") || !strcmp(name, "avg_power_w") || !strcmp(name, "area_mm2") ||
	       !strcmp(name, "gflops_per_w");
}

static size_t table_hash(const char *s)
{
	return (size_t)fnv1a_str(FNV1A_BASIS, s);
}

/* The slot of column `name` in the column set of `slots` slots: the slot
 * holding it, or the free slot where it would go. */
static size_t table_col_probe(const sweep_table_t *t, const size_t *slot, size_t slots, const char *name)
{
	size_t i = table_hash(name) & (slots - 1);
	while (slot[i] && strcmp(t->cols[slot[i] - 1].name, name))
		i = (i + 1) & (slots - 1);
	return i;
}

/* The same for a config_hash text in the row set. */
static size_t table_hash_probe(const char *const *slot, size_t slots, const char *h)
{
	size_t i = table_hash(h) & (slots - 1);
	while (slot[i] && strcmp(slot[i], h))
		i = (i + 1) & (slots - 1);
	return i;
}

/* Enters every column into the column set, cleared first. */
static void table_index_cols(sweep_table_t *t)
{
	memset(t->col_slot, 0, t->col_slots * sizeof *t->col_slot);
	for (size_t i = 0; i < t->ncol; i++)
		t->col_slot[table_col_probe(t, t->col_slot, t->col_slots, t->cols[i].name)] = i + 1;
}

/* Column position of name, or SIZE_MAX. */
static size_t table_col_find(const sweep_table_t *t, const char *name)
{
	if (!t->col_slots)
		return SIZE_MAX;
	size_t e = t->col_slot[table_col_probe(t, t->col_slot, t->col_slots, name)];
	return e ? e - 1 : SIZE_MAX;
}

int sweep_table_add_column(sweep_table_t *t, const char *name)
{
	if (table_col_find(t, name) != SIZE_MAX)
		return 0;
	if (t->ncol == t->colcap) {
		size_t cap = t->colcap ? 2 * t->colcap : 32;
		table_col_t *c = realloc(t->cols, cap * sizeof *c);
		if (!c)
			return -1;
		t->cols = c;
		t->colcap = cap;
	}
	if (2 * (t->ncol + 1) > t->col_slots) {
		size_t slots = t->col_slots ? 2 * t->col_slots : 64, *slot = malloc(slots * sizeof *slot);
		if (!slot)
			return -1;
		free(t->col_slot);
		t->col_slot = slot;
		t->col_slots = slots;
		table_index_cols(t);
	}
	if (!(t->cols[t->ncol].name = strdup(name)))
		return -1;
	t->cols[t->ncol].rank = table_col_rank(name);
	t->col_slot[table_col_probe(t, t->col_slot, t->col_slots, name)] = ++t->ncol;
	return 0;
}

bool sweep_table_has(const sweep_table_t *t, const char *config_hash)
{
	return t->hash_slots && t->hash_slot[table_hash_probe(t->hash_slot, t->hash_slots, config_hash)];
}

/* Enters a row's config_hash text h (the row's own) into the set, growing
 * it first when it would pass half full. */
static int table_index_row(sweep_table_t *t, const char *h)
{
	if (2 * (t->nhash + 1) > t->hash_slots) {
		size_t slots = t->hash_slots ? 2 * t->hash_slots : 256;
		const char **slot = calloc(slots, sizeof *slot);
		if (!slot)
			return -1;
		for (size_t k = 0; k < t->hash_slots; k++)
			if (t->hash_slot[k])
				slot[table_hash_probe(slot, slots, t->hash_slot[k])] = t->hash_slot[k];
		free(t->hash_slot);
		t->hash_slot = slot;
		t->hash_slots = slots;
	}
	t->hash_slot[table_hash_probe(t->hash_slot, t->hash_slots, h)] = h;
	t->nhash++;
	return 0;
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
	if (h && table_index_row(t, sweep_rec_get(c, "config_hash")))
		return -1;
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
	return t->cols[i].name;
}

static int table_col_cmp(const void *a, const void *b)
{
	const table_col_t *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->name, y->name);
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
		if (table_rank_param(t->cols[i].rank))
			c = table_val_cmp(sweep_rec_get(a, t->cols[i].name), sweep_rec_get(b, t->cols[i].name));
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
	if (t->col_slots)
		table_index_cols(t); /* the columns moved */
	sweep_rec_t **tmp = malloc((t->n ? t->n : 1) * sizeof *tmp);
	if (tmp)
		table_msort(t, t->rows, tmp, t->n);
	free(tmp);
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
		if (!table_rank_head(t->cols[i].rank)) {
			fputc(',', f);
			report_csv_field(f, t->cols[i].name);
		}
	fputc('\n', f);
}

/* For each column, the index of r's field holding it (SIZE_MAX: none), so
 * that a line finds each value once instead of searching r per column.
 * NULL when out of memory: table_field then searches. */
static size_t *table_row_fields(const sweep_table_t *t, const sweep_rec_t *r)
{
	size_t *fi = malloc((t->ncol ? t->ncol : 1) * sizeof *fi);
	if (!fi)
		return NULL;
	for (size_t i = 0; i < t->ncol; i++)
		fi[i] = SIZE_MAX;
	for (size_t k = sweep_rec_len(r); k-- > 0;) { /* downwards: the first of a key wins, as sweep_rec_get */
		size_t c = table_col_find(t, sweep_rec_key(r, k));
		if (c != SIZE_MAX)
			fi[c] = k;
	}
	return fi;
}

/* r's field holding column col (SIZE_MAX: none). */
static size_t table_field(const sweep_table_t *t, const sweep_rec_t *r, const size_t *fi, size_t col)
{
	if (fi)
		return fi[col];
	for (size_t k = 0; k < sweep_rec_len(r); k++)
		if (!strcmp(sweep_rec_key(r, k), t->cols[col].name))
			return k;
	return SIZE_MAX;
}

/* r's value in column col, or NULL. */
static const char *table_value(const sweep_table_t *t, const sweep_rec_t *r, const size_t *fi, size_t col)
{
	size_t k = table_field(t, r, fi, col);
	return k == SIZE_MAX ? NULL : sweep_rec_value(r, k);
}

static void table_csv_line(const sweep_table_t *t, const sweep_rec_t *r, FILE *f)
{
	size_t *fi = table_row_fields(t, r);
	for (size_t i = 0; report_csv_head[i]; i++) {
		const char *col = report_csv_head[i];
		size_t c = table_col_find(t, col);
		const char *v = c != SIZE_MAX ? table_value(t, r, fi, c) : sweep_rec_get(r, col);
		if (!strcmp(col, "schema"))
			v = REPORT_CSV_SCHEMA_TEXT;
		else if (!v && !strcmp(col, "row"))
			v = "run";
		fputs(i ? "," : "", f);
		report_csv_field(f, v ? v : "");
	}
	for (size_t i = 0; i < t->ncol; i++) {
		if (table_rank_head(t->cols[i].rank))
			continue;
		fputc(',', f);
		const char *v = table_value(t, r, fi, i);
		if (v)
			report_csv_field(f, v);
	}
	fputc('\n', f);
	free(fi);
}

void sweep_table_csv_row(const sweep_table_t *t, const sweep_rec_t *r, FILE *f)
{
	table_csv_line(t, r, f);
	for (size_t k = 0; k < sweep_rec_children(r); k++)
		table_csv_line(t, sweep_rec_child(r, k), f);
}

static void table_jsonl_line(const sweep_table_t *t, const sweep_rec_t *r, FILE *f)
{
	size_t *fi = table_row_fields(t, r);
	fputc('{', f);
	bool first = true;
	for (size_t i = 0; i < t->ncol; i++) {
		size_t k = table_field(t, r, fi, i);
		if (k == SIZE_MAX)
			continue;
		const char *v = sweep_rec_value(r, k);
		if (!first)
			fputs(", ", f);
		first = false;
		json_write_string(f, t->cols[i].name);
		fputs(": ", f);
		switch (sweep_rec_type(r, k)) {
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
	free(fi);
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
		if (table_rank_param(t->cols[i].rank) &&
		    table_val_cmp(sweep_rec_get(a, t->cols[i].name), sweep_rec_get(b, t->cols[i].name)))
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
		const char *v = sweep_rec_get(r, t->cols[i].name);
		if (v && table_rank_param(t->cols[i].rank) && table_varies(t, t->cols[i].name))
			o += (size_t)snprintf(buf + o, size - o, "%s%s=%s", o ? " " : "", t->cols[i].name, v);
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
