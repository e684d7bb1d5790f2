#include "spec.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../machine/machine.h"
#include "../common/datadir.h"
#include "../common/fnv.h"
#include "../config/config.h"
#include "../config/params.h"
#include "../config/ydoc.h"
#include "../sched/registry.h"

/* One value of an axis: the overrides it applies together and the columns
 * it labels the point with. */
typedef struct setting {
	char **kv;
	size_t n;
	sweep_rec_t *label;
	const ydoc_node_t *at; /* where it was written, for point errors */
} setting_t;

typedef struct axis {
	bool workload; /* -w overrides (else -p) */
	setting_t *s;
	size_t n;
} axis_t;

/*
 * Expansion loads every point's config and workload to check and hash
 * them. Most points share both with an earlier one (a study has a few
 * configs and a few dozen workloads, times its schedulers and values), so
 * the loads are memoized, keyed by the file and the overrides in order: up
 * to SPEC_HW_MEMO configs (beyond that, replaced round robin), and the
 * last workload (the odometer moves the workload axis slower than the
 * schedulers and every hardware parameter, which do not change the
 * workload). A load is a function of the file and the overrides, so a
 * reused one is what a fresh load would give; a failed load is never
 * kept, so an error is reported at the same point as without the memo.
 */
#define SPEC_HW_MEMO 64

typedef struct spec_hw_memo {
	char *key;
	hw_cfg_t hw;
} spec_hw_memo_t;

typedef struct spec_parse {
	const ydoc_t *d;
	sweep_spec_t *out;
	char *dir; /* the spec's directory, for relative paths */
	char **hw;
	const ydoc_node_t **hw_at;
	size_t nhw;
	char **wl;
	const ydoc_node_t **wl_at;
	size_t nwl;
	axis_t *ax;
	size_t nax;
	sweep_spec_progress_fn *progress;
	void *progress_ctx;
	spec_hw_memo_t *hw_memo; /* SPEC_HW_MEMO slots, NULL until the first load */
	size_t hw_memo_n, hw_memo_next;
	char *wl_key; /* the memoized workload's key; NULL: none */
	workload_t wl_memo;
} spec_parse_t;

/* "path\nkv\nkv\n...": a load's memo key. NULL when out of memory. */
static char *spec_memo_key(const char *path, char *const *kv, size_t n)
{
	size_t len = strlen(path) + 2;
	for (size_t i = 0; i < n; i++)
		len += strlen(kv[i]) + 1;
	char *k = malloc(len), *e = k;
	if (!k)
		return NULL;
	e += sprintf(e, "%s\n", path);
	for (size_t i = 0; i < n; i++)
		e += sprintf(e, "%s\n", kv[i]);
	return k;
}

/* The point's config, loaded or from the memo (valid until the next call). */
static int spec_load_hw(spec_parse_t *P, const sweep_point_t *pt, const hw_cfg_t **out, sim_err_t *err)
{
	char *key = spec_memo_key(pt->hw_path, pt->p, pt->np);
	if (!key)
		return sim_err(err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < P->hw_memo_n; i++)
		if (!strcmp(P->hw_memo[i].key, key)) {
			free(key);
			*out = &P->hw_memo[i].hw;
			return SIM_OK;
		}
	if (!P->hw_memo && !(P->hw_memo = calloc(SPEC_HW_MEMO, sizeof *P->hw_memo))) {
		free(key);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	hw_cfg_t hw;
	int rc = config_load_hw(pt->hw_path, (const char *const *)pt->p, pt->np, &hw, err);
	if (rc) {
		free(key);
		return rc;
	}
	size_t slot = P->hw_memo_n < SPEC_HW_MEMO ? P->hw_memo_n : P->hw_memo_next++ % SPEC_HW_MEMO;
	spec_hw_memo_t *m = &P->hw_memo[slot];
	free(m->key);
	m->key = key;
	m->hw = hw;
	if (slot == P->hw_memo_n)
		P->hw_memo_n++;
	*out = &m->hw;
	return SIM_OK;
}

/* The point's workload, loaded or the memoized one (valid until the next
 * call). */
static int spec_load_wl(spec_parse_t *P, const sweep_point_t *pt, const workload_t **out, sim_err_t *err)
{
	char *key = spec_memo_key(pt->wl_path, pt->w, pt->nw);
	if (!key)
		return sim_err(err, SIM_ENOMEM, "out of memory");
	if (P->wl_key && !strcmp(P->wl_key, key)) {
		free(key);
		*out = &P->wl_memo;
		return SIM_OK;
	}
	free(P->wl_key);
	P->wl_key = NULL;
	workload_free(&P->wl_memo);
	P->wl_memo = (workload_t){ 0 };
	int rc = config_load_workload(pt->wl_path, (const char *const *)pt->w, pt->nw, &P->wl_memo, err);
	if (rc) {
		workload_free(&P->wl_memo);
		P->wl_memo = (workload_t){ 0 };
		free(key);
		return rc;
	}
	P->wl_key = key;
	*out = &P->wl_memo;
	return SIM_OK;
}

static const char *const spec_keys[] = { "title",	    "hw",	  "workloads", "schedulers", "params",
					 "workload_params", "cold",	  "energy",    "tech",	     "fast_forward",
					 "per_layer",	    "functional", NULL };

static char *spec_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Appends x to the array *v of *n strings (taking it). */
static int spec_push(char ***v, size_t *n, char *x)
{
	char **p = realloc(*v, (*n + 1) * sizeof *p);
	if (!p)
		return SIM_ENOMEM;
	p[(*n)++] = x;
	*v = p;
	return SIM_OK;
}

static int spec_push_node(const ydoc_node_t ***v, size_t *n, const ydoc_node_t *x)
{
	const ydoc_node_t **p = realloc(*v, (*n + 1) * sizeof *p);
	if (!p)
		return SIM_ENOMEM;
	p[(*n)++] = x;
	*v = p;
	return SIM_OK;
}

/* Appends a file (taking path) and the spec node that named it. */
static int spec_push_file(char ***paths, const ydoc_node_t ***at, size_t *n, char *path, const ydoc_node_t *node)
{
	size_t m = *n;
	if (spec_push_node(at, &m, node))
		return SIM_ENOMEM;
	return spec_push(paths, n, path);
}

/* path as given if readable, else relative to the spec's directory, else
 * among sharpsim's data (common/datadir.h): a spec-relative file wins over
 * a shipped one of the same name. */
static char *spec_resolve(const spec_parse_t *P, const char *path)
{
	if (access(path, R_OK) == 0 || path[0] == '/')
		return strdup(path);
	size_t n = strlen(P->dir) + strlen(path) + 2;
	char *b = malloc(n);
	if (b)
		snprintf(b, n, "%s/%s", P->dir, path);
	if (b && access(b, R_OK) != 0) {
		free(b);
		char found[DATADIR_PATH_MAX];
		return strdup(datadir_find(path, found, sizeof found));
	}
	return b;
}

/* A list of strings: a sequence of scalars, or one scalar. */
static int spec_strings(const spec_parse_t *P, const ydoc_node_t *n, const char *what, const ydoc_node_t ***items,
			size_t *count, sim_err_t *err)
{
	if (ydoc_kind(n) == YDOC_SCALAR) {
		*count = 0;
		return spec_push_node(items, count, n) ? sim_err(err, SIM_ENOMEM, "out of memory") : SIM_OK;
	}
	if (ydoc_kind(n) != YDOC_SEQ || ydoc_len(n) == 0)
		return ydoc_error(P->d, n, err, SIM_EINPUT, "%s: expected a non-empty list of %s", what,
				  strcmp(what, "schedulers") ? "file names" : "scheduler names");
	*count = 0;
	for (size_t i = 0; i < ydoc_len(n); i++) {
		const ydoc_node_t *it = ydoc_item(n, i);
		if (ydoc_kind(it) != YDOC_SCALAR)
			return ydoc_error(P->d, it, err, SIM_EINPUT, "%s: item is not a scalar, expected a name", what);
		if (spec_push_node(items, count, it))
			return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	return SIM_OK;
}

static int spec_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds a workload file, or every *.yaml of a directory in strcmp order. */
static int spec_add_workloads(spec_parse_t *P, const ydoc_node_t *at, sim_err_t *err)
{
	char *path = spec_resolve(P, ydoc_scalar(at));
	if (!path)
		return sim_err(err, SIM_ENOMEM, "out of memory");
	DIR *dir = opendir(path);
	if (!dir) {
		if (access(path, R_OK) != 0) {
			int rc = ydoc_error(P->d, at, err, SIM_EINPUT,
					    "workload '%s' not found, expected a file or "
					    "directory relative to the working directory or the spec",
					    ydoc_scalar(at));
			free(path);
			return rc;
		}
		if (spec_push_file(&P->wl, &P->wl_at, &P->nwl, path, at)) {
			free(path);
			return sim_err(err, SIM_ENOMEM, "out of memory");
		}
		return SIM_OK;
	}
	char **names = NULL;
	size_t nn = 0;
	struct dirent *e;
	int rc = SIM_OK;
	while (!rc && (e = readdir(dir))) {
		size_t l = strlen(e->d_name);
		if (l > 5 && !strcmp(e->d_name + l - 5, ".yaml")) {
			char *s = strdup(e->d_name);
			if (!s || spec_push(&names, &nn, s)) {
				free(s);
				rc = sim_err(err, SIM_ENOMEM, "out of memory");
			}
		}
	}
	closedir(dir);
	if (!rc && nn == 0)
		rc = ydoc_error(P->d, at, err, SIM_EINPUT,
				"directory '%s' holds no *.yaml workload, expected at "
				"least one",
				ydoc_scalar(at));
	if (!rc)
		qsort(names, nn, sizeof *names, spec_name_cmp);
	for (size_t i = 0; i < nn; i++) {
		if (!rc) {
			size_t l = strlen(path) + strlen(names[i]) + 2;
			char *f = malloc(l);
			if (f)
				snprintf(f, l, "%s/%s", path, names[i]);
			if (!f || spec_push_file(&P->wl, &P->wl_at, &P->nwl, f, at)) {
				free(f);
				rc = sim_err(err, SIM_ENOMEM, "out of memory");
			}
		}
		free(names[i]);
	}
	free(names);
	free(path);
	return rc;
}

/* Checks value v of parameter key (table t) at its node and adds it to
 * the setting: "key=canonical value" and the column. */
static int spec_setting_add(spec_parse_t *P, setting_t *s, bool workload, const ydoc_node_t *keynode, const char *key,
			    const ydoc_node_t *v, sim_err_t *err)
{
	size_t n;
	const param_t *t = workload ? param_layer_table(&n) : param_hw_table(&n);
	const param_t *p = param_find(t, n, key);
	/* A key of another machine's section (machine.h): checked against that
	 * machine's table; a point whose hardware file is of another machine
	 * refuses it when it loads, as -p would. */
	for (size_t i = 0; !p && !workload && machine_builtin[i]; i++) {
		size_t mn;
		const param_t *mt = machine_builtin[i]->params(&mn);
		if ((p = param_find(mt, mn, key)) != NULL) {
			t = mt;
			n = mn;
		}
	}
	if (!p) {
		const char *best = param_suggest(t, n, key);
		if (best)
			return ydoc_error(P->d, keynode, err, SIM_EINPUT, "unknown %s key '%s', did you mean '%s'?",
					  workload ? "workload" : "hardware", key, best);
		return ydoc_error(P->d, keynode, err, SIM_EINPUT,
				  "unknown %s key '%s', expected a key listed by "
				  "sharpsim %s",
				  workload ? "workload" : "hardware", key, workload ? "--help-workload" : "--help-hw");
	}
	if (!workload && !strcmp(key, "scheduler"))
		return ydoc_error(P->d, keynode, err, SIM_EINPUT,
				  "scheduler is swept by the schedulers: list, "
				  "expected it there");
	if (ydoc_kind(v) != YDOC_SCALAR)
		return ydoc_error(P->d, v, err, SIM_EINPUT, "%s: expected a single value", key);
	union {
		hw_cfg_t hw;
		layer_cfg_t l;
	} scratch;
	memset(&scratch, 0, sizeof scratch);
	int rc = param_set(p, &scratch, P->d, v, err);
	if (rc)
		return rc;
	char text[600], kv[900], col[300];
	param_format(p, &scratch, text, sizeof text);
	snprintf(kv, sizeof kv, "%s=%s", key, text);
	snprintf(col, sizeof col, "%s%s", workload ? "w." : "", key);
	char type = 's';
	const char *colval = text;
	if (p->type == PARAM_STRING)
		colval = (const char *)&scratch + p->offset;
	else if (p->type == PARAM_BOOL)
		type = 'b';
	else if (p->type != PARAM_ENUM && strcmp(text, "auto"))
		type = 'n';
	char *kvs = strdup(kv);
	if (!kvs || spec_push(&s->kv, &s->n, kvs) || sweep_rec_add(s->label, col, type, colval)) {
		free(kvs);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < P->out->n_param_cols; i++)
		if (!strcmp(P->out->param_cols[i], col))
			return SIM_OK;
	char *c = strdup(col);
	if (!c || spec_push(&P->out->param_cols, &P->out->n_param_cols, c)) {
		free(c);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	return SIM_OK;
}

static setting_t *spec_new_setting(axis_t *a, const ydoc_node_t *at)
{
	setting_t *s = realloc(a->s, (a->n + 1) * sizeof *s);
	if (!s)
		return NULL;
	a->s = s;
	s = &a->s[a->n];
	*s = (setting_t){ .label = sweep_rec_create(), .at = at };
	if (!s->label)
		return NULL;
	a->n++;
	return s;
}

/* One entry of params / workload_params: key -> value(s), or name -> maps. */
static int spec_axis(spec_parse_t *P, bool workload, const ydoc_node_t *k, const ydoc_node_t *v, sim_err_t *err)
{
	axis_t *ax = realloc(P->ax, (P->nax + 1) * sizeof *ax);
	if (!ax)
		return sim_err(err, SIM_ENOMEM, "out of memory");
	P->ax = ax;
	axis_t *a = &P->ax[P->nax++];
	*a = (axis_t){ .workload = workload };
	const char *key = ydoc_scalar(k);
	bool group = ydoc_kind(v) == YDOC_SEQ && ydoc_len(v) > 0 && ydoc_kind(ydoc_item(v, 0)) == YDOC_MAP;
	if (ydoc_kind(v) == YDOC_SEQ && ydoc_len(v) == 0)
		return ydoc_error(P->d, v, err, SIM_EINPUT, "%s: empty list, expected at least one value", key);
	if (ydoc_kind(v) == YDOC_MAP)
		return ydoc_error(P->d, v, err, SIM_EINPUT,
				  "%s: a map, expected a list of values or a list of "
				  "maps of keys set together",
				  key);
	size_t n = ydoc_kind(v) == YDOC_SEQ ? ydoc_len(v) : 1;
	for (size_t i = 0; i < n; i++) {
		const ydoc_node_t *it = ydoc_kind(v) == YDOC_SEQ ? ydoc_item(v, i) : v;
		setting_t *s = spec_new_setting(a, it);
		if (!s)
			return sim_err(err, SIM_ENOMEM, "out of memory");
		if (!group) {
			int rc = spec_setting_add(P, s, workload, k, key, it, err);
			if (rc)
				return rc;
			continue;
		}
		if (ydoc_kind(it) != YDOC_MAP || ydoc_len(it) == 0)
			return ydoc_error(P->d, it, err, SIM_EINPUT,
					  "%s: item %zu is not a map, expected every item "
					  "of a group to be a map of keys set together",
					  key, i + 1);
		for (size_t j = 0; j < ydoc_len(it); j++) {
			int rc = spec_setting_add(P, s, workload, ydoc_key(it, j), ydoc_scalar(ydoc_key(it, j)),
						  ydoc_value(it, j), err);
			if (rc)
				return rc;
		}
	}
	return SIM_OK;
}

static int spec_params(spec_parse_t *P, const ydoc_node_t *m, bool workload, sim_err_t *err)
{
	if (ydoc_kind(m) != YDOC_MAP)
		return ydoc_error(P->d, m, err, SIM_EINPUT, "%s: expected a map of key: [values]",
				  workload ? "workload_params" : "params");
	for (size_t i = 0; i < ydoc_len(m); i++) {
		int rc = spec_axis(P, workload, ydoc_key(m, i), ydoc_value(m, i), err);
		if (rc)
			return rc;
	}
	return SIM_OK;
}

static void spec_free_point(sweep_point_t *p)
{
	free(p->hw_path);
	free(p->wl_path);
	for (size_t i = 0; i < p->np; i++)
		free(p->p[i]);
	for (size_t i = 0; i < p->nw; i++)
		free(p->w[i]);
	free(p->p);
	free(p->w);
	sweep_rec_free(p->label);
}

static size_t spec_hash_slot(const char *hash, size_t cap)
{
	return (size_t)fnv1a_str(FNV1A_BASIS, hash) & (cap - 1);
}

long sweep_spec_find(const sweep_spec_t *s, const char *hash)
{
	if (!s->index_cap)
		return -1;
	for (size_t j = spec_hash_slot(hash, s->index_cap); s->index[j]; j = (j + 1) & (s->index_cap - 1))
		if (!strcmp(s->pts[s->index[j] - 1].hash, hash))
			return (long)(s->index[j] - 1);
	return -1;
}

/* Makes room for one more point in pts and the index (kept at most half
 * full); SIM_ENOMEM or SIM_OK. */
static int spec_reserve(sweep_spec_t *S)
{
	if (S->n == S->cap) {
		size_t nc = S->cap ? 2 * S->cap : 64;
		sweep_point_t *v = realloc(S->pts, nc * sizeof *v);
		if (!v)
			return SIM_ENOMEM;
		S->pts = v;
		S->cap = nc;
	}
	if (2 * (S->n + 1) > S->index_cap) {
		size_t nc = S->index_cap ? 2 * S->index_cap : 128;
		size_t *t = calloc(nc, sizeof *t);
		if (!t)
			return SIM_ENOMEM;
		for (size_t i = 0; i < S->n; i++) {
			size_t j = spec_hash_slot(S->pts[i].hash, nc);
			while (t[j])
				j = (j + 1) & (nc - 1);
			t[j] = i + 1;
		}
		free(S->index);
		S->index = t;
		S->index_cap = nc;
	}
	return SIM_OK;
}

/* Builds, loads and hashes the point of axis indices idx; appends it unless
 * its config is already there. */
static int spec_point(spec_parse_t *P, const size_t *idx, const ydoc_node_t *const *sched, const char *version,
		      sim_err_t *err)
{
	sweep_spec_t *S = P->out;
	sweep_point_t pt = { .label = sweep_rec_create() };
	const ydoc_node_t *at = P->wl_at[idx[1]];
	int rc = pt.label ? SIM_OK : SIM_ENOMEM;
	pt.hw_path = spec_strdup(P->hw[idx[0]]);
	pt.wl_path = spec_strdup(P->wl[idx[1]]);
	if (!pt.hw_path || !pt.wl_path)
		rc = SIM_ENOMEM;
	if (!rc && sched) {
		char kv[64];
		snprintf(kv, sizeof kv, "scheduler=%s", ydoc_scalar(sched[idx[2]]));
		char *s = strdup(kv);
		if (!s || spec_push(&pt.p, &pt.np, s))
			rc = SIM_ENOMEM;
		at = sched[idx[2]];
	}
	for (size_t a = 0; !rc && a < P->nax; a++) {
		const setting_t *s = &P->ax[a].s[idx[3 + a]];
		if (a == 0)
			at = s->at;
		for (size_t i = 0; !rc && i < s->n; i++) {
			char *kv = strdup(s->kv[i]);
			if (!kv ||
			    spec_push(P->ax[a].workload ? &pt.w : &pt.p, P->ax[a].workload ? &pt.nw : &pt.np, kv))
				rc = SIM_ENOMEM;
		}
		for (size_t i = 0; !rc && i < sweep_rec_len(s->label); i++)
			rc = sweep_rec_add(pt.label, sweep_rec_key(s->label, i), sweep_rec_type(s->label, i),
					   sweep_rec_value(s->label, i));
	}
	if (rc) {
		spec_free_point(&pt);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	const hw_cfg_t *hw = NULL;
	const workload_t *w = NULL;
	rc = spec_load_hw(P, &pt, &hw, err);
	if (!rc)
		rc = spec_load_wl(P, &pt, &w, err);
	if (rc) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		ydoc_error(P->d, at, err, rc, "in the point hw %s, workload %s: %s", pt.hw_path, pt.wl_path, msg);
		spec_free_point(&pt);
		return rc;
	}
	if (hw->compute.tile == TILE_AUTO && hw->compute.tile_table[0] && access(hw->compute.tile_table, R_OK) != 0) {
		rc = ydoc_error(P->d, at, err, SIM_EINPUT,
				"in the point hw %s, workload %s: compute.tile_table '%s' "
				"not found, expected a file written by `sharpsim explore`",
				pt.hw_path, pt.wl_path, hw->compute.tile_table);
		spec_free_point(&pt);
		return rc;
	}
	snprintf(pt.hash, sizeof pt.hash, "%016llx", (unsigned long long)config_hash(hw, w, version));
	snprintf(pt.hw_name, sizeof pt.hw_name, "%s", hw->name);
	snprintf(pt.wl_name, sizeof pt.wl_name, "%s", w->name);
	snprintf(pt.sched, sizeof pt.sched, "%s", hw_sched_name(hw->scheduler));
	S->n_expanded++;
	if (sweep_spec_find(S, pt.hash) >= 0) {
		spec_free_point(&pt);
		return SIM_OK;
	}
	if (spec_reserve(S)) {
		spec_free_point(&pt);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	size_t j = spec_hash_slot(pt.hash, S->index_cap);
	while (S->index[j])
		j = (j + 1) & (S->index_cap - 1);
	S->pts[S->n++] = pt;
	S->index[j] = S->n;
	return SIM_OK;
}

static int spec_bool(const ydoc_t *d, const ydoc_node_t *root, const char *key, bool def, bool *out, sim_err_t *err)
{
	const ydoc_node_t *n = ydoc_get(root, key);
	*out = def;
	return n ? ydoc_as_bool(d, n, out, err) : SIM_OK;
}

static int spec_parse(spec_parse_t *P, const char *version, sim_err_t *err)
{
	const ydoc_t *d = P->d;
	const ydoc_node_t *root = ydoc_root(d);
	sweep_spec_t *S = P->out;
	if (!root || ydoc_kind(root) != YDOC_MAP)
		return ydoc_error(d, root, err, SIM_EINPUT,
				  "a sweep spec is a map, expected at least hw: and "
				  "workloads:");
	int rc = ydoc_check_keys(d, root, spec_keys, err);
	if (rc)
		return rc;
	const ydoc_node_t *n;
	const char *s;
	if ((n = ydoc_get(root, "title")) && (rc = ydoc_as_string(d, n, &s, err)))
		return rc;
	S->title = strdup(n ? s : "");
	if ((n = ydoc_get(root, "tech")) && (rc = ydoc_as_string(d, n, &s, err)))
		return rc;
	const ydoc_node_t *tech_at = n;
	S->tech = n && *s ? spec_resolve(P, s) : strdup("");
	if (!S->title || !S->tech)
		return sim_err(err, SIM_ENOMEM, "out of memory");
	if ((rc = spec_bool(d, root, "cold", false, &S->cold, err)) ||
	    (rc = spec_bool(d, root, "energy", true, &S->energy, err)) ||
	    (rc = spec_bool(d, root, "fast_forward", true, &S->fast_forward, err)) ||
	    (rc = spec_bool(d, root, "per_layer", false, &S->per_layer, err)) ||
	    (rc = spec_bool(d, root, "functional", false, &S->functional, err)))
		return rc;
	if (S->energy && S->tech[0] && access(S->tech, R_OK) != 0)
		return ydoc_error(d, tech_at, err, SIM_EINPUT,
				  "technology table '%s' not found, expected a file "
				  "relative to the working directory or the spec (or energy: false)",
				  ydoc_scalar(tech_at));
	const ydoc_node_t **items = NULL;
	size_t count = 0;
	if (!(n = ydoc_get(root, "hw")))
		return ydoc_error(d, root, err, SIM_EINPUT, "no hw: key, expected a list of hardware config files");
	if ((rc = spec_strings(P, n, "hw", &items, &count, err))) {
		free(items);
		return rc;
	}
	for (size_t i = 0; !rc && i < count; i++) {
		char *p = spec_resolve(P, ydoc_scalar(items[i]));
		if (!p || spec_push_file(&P->hw, &P->hw_at, &P->nhw, p, items[i])) {
			free(p);
			rc = sim_err(err, SIM_ENOMEM, "out of memory");
		} else if (access(p, R_OK) != 0) {
			rc = ydoc_error(d, items[i], err, SIM_EINPUT,
					"hardware config '%s' not found, expected a file "
					"relative to the working directory or the spec",
					ydoc_scalar(items[i]));
		}
	}
	free(items);
	items = NULL;
	if (rc)
		return rc;
	if (!(n = ydoc_get(root, "workloads")))
		return ydoc_error(d, root, err, SIM_EINPUT,
				  "no workloads: key, expected a list of workload files "
				  "or directories");
	if ((rc = spec_strings(P, n, "workloads", &items, &count, err))) {
		free(items);
		return rc;
	}
	for (size_t i = 0; !rc && i < count; i++)
		rc = spec_add_workloads(P, items[i], err);
	free(items);
	items = NULL;
	if (rc)
		return rc;
	const ydoc_node_t **sched = NULL;
	size_t nsched = 1;
	if ((n = ydoc_get(root, "schedulers"))) {
		if ((rc = spec_strings(P, n, "schedulers", &sched, &nsched, err))) {
			free(sched);
			return rc;
		}
		for (size_t i = 0; !rc && i < nsched; i++) {
			int k;
			rc = param_enum_parse(d, sched[i], "schedulers", sched_builtin_names, &k, err);
		}
	}
	if (!rc && (n = ydoc_get(root, "params")))
		rc = spec_params(P, n, false, err);
	if (!rc && (n = ydoc_get(root, "workload_params")))
		rc = spec_params(P, n, true, err);
	/* Odometer over the axes, the last one fastest. */
	size_t nax = 3 + P->nax;
	size_t *idx = calloc(nax, sizeof *idx), *len = calloc(nax, sizeof *len);
	if (!rc && (!idx || !len))
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	size_t total = 1;
	if (!rc) {
		len[0] = P->nhw;
		len[1] = P->nwl;
		len[2] = nsched;
		for (size_t a = 0; a < P->nax; a++)
			len[3 + a] = P->ax[a].n;
		/* The product, saturated: refused before a single point loads. */
		for (size_t a = 0; a < nax; a++)
			total = len[a] && total > SWEEP_MAX_POINTS / len[a] ? SWEEP_MAX_POINTS + 1 : total * len[a];
		if (total > SWEEP_MAX_POINTS) {
			char axes[256] = "";
			size_t o = (size_t)snprintf(axes, sizeof axes, "%zu hw x %zu workloads x %zu schedulers",
						    len[0], len[1], len[2]);
			for (size_t a = 3; a < nax && o < sizeof axes; a++)
				o += (size_t)snprintf(axes + o, sizeof axes - o, " x %zu", len[a]);
			rc = ydoc_error(d, root, err, SIM_EINPUT,
					"the spec expands to more than %d points (%s), "
					"expected at most %d: split it into several specs",
					SWEEP_MAX_POINTS, axes, SWEEP_MAX_POINTS);
		}
	}
	while (!rc) {
		if (P->progress && S->n_expanded % 256 == 0)
			P->progress(P->progress_ctx, S->n_expanded, total);
		rc = spec_point(P, idx, sched, version, err);
		size_t a = nax;
		while (a > 0 && ++idx[a - 1] == len[a - 1])
			idx[--a] = 0;
		if (a == 0)
			break;
	}
	free(idx);
	free(len);
	free(sched);
	return rc;
}

int sweep_spec_load(const char *path, const char *version, sweep_spec_t *out, sim_err_t *err)
{
	return sweep_spec_load_progress(path, version, NULL, NULL, out, err);
}

int sweep_spec_load_progress(const char *path, const char *version, sweep_spec_progress_fn *fn, void *ctx,
			     sweep_spec_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	ydoc_t *d = NULL;
	int rc = ydoc_load_file(path, &d, err);
	if (rc)
		return rc;
	spec_parse_t P = { .d = d, .out = out, .progress = fn, .progress_ctx = ctx };
	out->path = strdup(path);
	P.dir = strdup(path);
	if (!out->path || !P.dir) {
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	} else {
		char *slash = strrchr(P.dir, '/');
		if (slash)
			*slash = '\0';
		else
			strcpy(P.dir, ".");
		rc = spec_parse(&P, version, err);
	}
	for (size_t i = 0; i < P.nhw; i++)
		free(P.hw[i]);
	for (size_t i = 0; i < P.nwl; i++)
		free(P.wl[i]);
	for (size_t a = 0; a < P.nax; a++) {
		for (size_t i = 0; i < P.ax[a].n; i++) {
			for (size_t k = 0; k < P.ax[a].s[i].n; k++)
				free(P.ax[a].s[i].kv[k]);
			free(P.ax[a].s[i].kv);
			sweep_rec_free(P.ax[a].s[i].label);
		}
		free(P.ax[a].s);
	}
	free(P.ax);
	free(P.hw);
	free(P.hw_at);
	free(P.wl);
	free(P.wl_at);
	free(P.dir);
	for (size_t i = 0; i < P.hw_memo_n; i++)
		free(P.hw_memo[i].key);
	free(P.hw_memo);
	free(P.wl_key);
	workload_free(&P.wl_memo);
	ydoc_free(d);
	if (rc)
		sweep_spec_free(out);
	return rc;
}

void sweep_spec_free(sweep_spec_t *s)
{
	for (size_t i = 0; i < s->n; i++)
		spec_free_point(&s->pts[i]);
	for (size_t i = 0; i < s->n_param_cols; i++)
		free(s->param_cols[i]);
	free(s->pts);
	free(s->index);
	free(s->param_cols);
	free(s->path);
	free(s->title);
	free(s->tech);
	memset(s, 0, sizeof *s);
}
