#include "tile_cache.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Which file a table was read from: a rewrite (explore writes through a
 * renamed temporary file, so a new inode) or an edit in place (size or
 * time) makes the entry stale. */
typedef struct tile_cache_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
} tile_cache_id_t;

typedef struct tile_cache_entry {
	char *path;
	tile_cache_id_t id;
	tile_table_t table;
} tile_cache_entry_t;

/* Layers explored under one timing key. */
typedef struct tile_cache_memo {
	uint64_t key;
	tile_table_t table;
} tile_cache_memo_t;

struct tile_cache {
	tile_cache_entry_t *e;
	size_t n, cap;
	tile_cache_memo_t **m; /* each apart: a table handed out never moves */
	size_t nm;
};

tile_cache_t *tile_cache_create(void)
{
	return calloc(1, sizeof(tile_cache_t));
}

void tile_cache_destroy(tile_cache_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].path);
		config_tile_table_free(&c->e[i].table);
	}
	free(c->e);
	for (size_t i = 0; i < c->nm; i++) {
		config_tile_table_free(&c->m[i]->table);
		free(c->m[i]);
	}
	free(c->m);
	free(c);
}

tile_table_t *tile_cache_explored(tile_cache_t *c, uint64_t timing_key)
{
	for (size_t i = 0; i < c->nm; i++)
		if (c->m[i]->key == timing_key)
			return &c->m[i]->table;
	tile_cache_memo_t **m = realloc(c->m, (c->nm + 1) * sizeof *m);
	if (!m)
		return NULL;
	c->m = m;
	tile_cache_memo_t *one = malloc(sizeof *one);
	if (!one)
		return NULL;
	*one = (tile_cache_memo_t){ .key = timing_key, .table = { .has_key = true, .timing_key = timing_key } };
	m[c->nm++] = one;
	return &one->table;
}

static bool tile_cache_same(const tile_cache_id_t *a, const tile_cache_id_t *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec;
}

int tile_cache_get(tile_cache_t *c, const char *path, const tile_table_t **out, sim_err_t *err)
{
	struct stat st;
	tile_cache_id_t id = { 0 };
	/* A path that cannot be stat'ed is left to the loader, which says why. */
	bool known = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	if (known)
		id = (tile_cache_id_t){ st.st_dev, st.st_ino, st.st_size, st.st_mtim };
	tile_cache_entry_t *hit = NULL;
	for (size_t i = 0; i < c->n && !hit; i++)
		if (strcmp(c->e[i].path, path) == 0)
			hit = &c->e[i];
	if (hit && known && tile_cache_same(&hit->id, &id)) {
		*out = &hit->table;
		return SIM_OK;
	}
	tile_table_t t;
	int rc = config_load_tile_table(path, &t, err);
	if (rc)
		return rc;
	if (!hit) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 4;
			tile_cache_entry_t *e = realloc(c->e, cap * sizeof *e);
			if (!e) {
				config_tile_table_free(&t);
				return sim_err(err, SIM_ENOMEM, "out of memory caching the tile table %s", path);
			}
			c->e = e;
			c->cap = cap;
		}
		char *p = strdup(path);
		if (!p) {
			config_tile_table_free(&t);
			return sim_err(err, SIM_ENOMEM, "out of memory caching the tile table %s", path);
		}
		hit = &c->e[c->n++];
		*hit = (tile_cache_entry_t){ .path = p };
	} else {
		config_tile_table_free(&hit->table);
	}
	hit->id = id;
	hit->table = t;
	*out = &hit->table;
	return SIM_OK;
}
