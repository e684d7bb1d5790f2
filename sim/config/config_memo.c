#include "config_memo.h"

#include <stdlib.h>
#include <string.h>

#include "../common/datadir.h"
#include "../common/fnv.h"
#include "config.h"
#include "ydoc.h"

/* A kept config: the whole input it was loaded from (key: the path given,
 * where it was found, the overrides, each NUL-terminated after their
 * count, then the file's bytes), its FNV-1a sum for a quick miss, and the
 * config (hw for a hardware config, else w). */
typedef struct memo_entry {
	uint64_t sum;
	char *key;
	size_t len;
	hw_cfg_t *hw;
	workload_t w;
} memo_entry_t;

typedef struct memo_set {
	memo_entry_t e[CONFIG_MEMO_ENTRIES];
	size_t n, next;
} memo_set_t;

struct config_memo {
	memo_set_t hw, wl;
};

config_memo_t *config_memo_create(void)
{
	return calloc(1, sizeof(config_memo_t));
}

static void memo_entry_free(memo_entry_t *e)
{
	free(e->key);
	free(e->hw);
	workload_free(&e->w);
}

void config_memo_destroy(config_memo_t *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->hw.n; i++)
		memo_entry_free(&m->hw.e[i]);
	for (size_t i = 0; i < m->wl.n; i++)
		memo_entry_free(&m->wl.e[i]);
	free(m);
}

/* The key of a load (memo_entry_t); NULL when out of memory. */
static char *memo_key(const char *path, const char *found, const char *const *over, size_t n, const char *text,
		      size_t len, size_t *key_len)
{
	size_t lp = strlen(path) + 1, lf = strlen(found) + 1, k = lp + lf + sizeof n + len;
	for (size_t i = 0; i < n; i++)
		k += strlen(over[i]) + 1;
	char *key = malloc(k), *e = key;
	if (!key)
		return NULL;
	memcpy(e, path, lp);
	e += lp;
	memcpy(e, found, lf);
	e += lf;
	memcpy(e, &n, sizeof n);
	e += sizeof n;
	for (size_t i = 0; i < n; i++) {
		size_t lo = strlen(over[i]) + 1;
		memcpy(e, over[i], lo);
		e += lo;
	}
	if (len)
		memcpy(e, text, len);
	*key_len = k;
	return key;
}

static memo_entry_t *memo_find(memo_set_t *s, uint64_t sum, const char *key, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].sum == sum && s->e[i].len == len && !memcmp(s->e[i].key, key, len))
			return &s->e[i];
	return NULL;
}

/* The slot for a new entry (the oldest one when the set is full). */
static memo_entry_t *memo_slot(memo_set_t *s)
{
	memo_entry_t *e;
	if (s->n < CONFIG_MEMO_ENTRIES) {
		e = &s->e[s->n++];
	} else {
		e = &s->e[s->next];
		s->next = (s->next + 1) % CONFIG_MEMO_ENTRIES;
		memo_entry_free(e);
	}
	memset(e, 0, sizeof *e);
	return e;
}

/* One memoized load of either kind (hw non-NULL: a hardware config). Reads
 * the file, then serves the entry of an identical input or loads from the
 * bytes just read and keeps the result. */
static int memo_load(config_memo_t *m, const char *path, const char *const *over, size_t n, hw_cfg_t *hw, workload_t *w,
		     sim_err_t *err)
{
	char buf[DATADIR_PATH_MAX];
	const char *found = datadir_find(path, buf, sizeof buf);
	char *text;
	size_t len;
	int rc = ydoc_read_file(found, YDOC_MAX_BYTES, &text, &len, err);
	if (rc)
		return rc;
	memo_set_t *s = hw ? &m->hw : &m->wl;
	size_t key_len = 0;
	char *key = len <= CONFIG_MEMO_TEXT_MAX ? memo_key(path, found, over, n, text, len, &key_len) : NULL;
	uint64_t sum = key ? fnv1a_bytes(FNV1A_BASIS, key, key_len) : 0;
	memo_entry_t *e = key ? memo_find(s, sum, key, key_len) : NULL;
	if (e) {
		free(text);
		free(key);
		if (hw) {
			*hw = *e->hw;
			return SIM_OK;
		}
		*w = e->w;
		w->layers = malloc(e->w.n_layers * sizeof *w->layers);
		if (!w->layers && e->w.n_layers) {
			*w = (workload_t){ 0 };
			return sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
		}
		if (e->w.n_layers)
			memcpy(w->layers, e->w.layers, e->w.n_layers * sizeof *w->layers);
		return SIM_OK;
	}
	rc = hw ? config_load_hw_read(path, found, text, len, over, n, hw, err)
		: config_load_workload_read(path, found, text, len, over, n, w, err);
	free(text);
	if (rc || !key) {
		free(key);
		return rc;
	}
	/* Keeping is optional: out of memory, the config is returned unkept. */
	hw_cfg_t *kh = hw ? malloc(sizeof *kh) : NULL;
	layer_cfg_t *kl = hw ? NULL : malloc(w->n_layers * sizeof *kl);
	if (hw ? !kh : !kl && w->n_layers) {
		free(kh);
		free(kl);
		free(key);
		return SIM_OK;
	}
	e = memo_slot(s);
	e->sum = sum;
	e->key = key;
	e->len = key_len;
	if (hw) {
		*kh = *hw;
		e->hw = kh;
	} else {
		e->w = *w;
		if (w->n_layers)
			memcpy(kl, w->layers, w->n_layers * sizeof *kl);
		e->w.layers = kl;
	}
	return SIM_OK;
}

int config_memo_hw(config_memo_t *m, const char *path, const char *const *overrides, size_t n, hw_cfg_t *out,
		   sim_err_t *err)
{
	return memo_load(m, path, overrides, n, out, NULL, err);
}

int config_memo_workload(config_memo_t *m, const char *path, const char *const *overrides, size_t n, workload_t *out,
			 sim_err_t *err)
{
	return memo_load(m, path, overrides, n, NULL, out, err);
}
