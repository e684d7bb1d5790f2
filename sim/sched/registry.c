#include "registry.h"

#include <stdlib.h>
#include <string.h>

#include "../config/hw_cfg.h"

/* The built-in schedules, one line each, in sched_kind_t order; a
 * schedule's descriptor is sched_desc_<name> and its name is <name>. */
#define SCHED_BUILTINS(X) X(sequential) X(batch) X(intergate) X(unfolded) X(epur) X(brainwave)

#define SCHED_DECLARE(id) extern const sched_desc_t sched_desc_##id;
SCHED_BUILTINS(SCHED_DECLARE)
#undef SCHED_DECLARE

#define SCHED_ADDRESS(id) &sched_desc_##id,
static const sched_desc_t *const builtin[] = { SCHED_BUILTINS(SCHED_ADDRESS) };
#undef SCHED_ADDRESS

#define SCHED_NAME(id) #id,
const char *const sched_builtin_names[] = { SCHED_BUILTINS(SCHED_NAME) NULL };
#undef SCHED_NAME

#define SCHED_NBUILTIN (sizeof builtin / sizeof builtin[0])
_Static_assert(SCHED_NBUILTIN == SCHED_KIND_ALL, "one built-in schedule per sched_kind_t");

/* Room for the built-in schedules and a few added ones. */
#define SCHED_REGISTRY_MAX 16

struct sched_registry {
	const sched_desc_t *const *d;
	size_t n;
	const sched_desc_t *own[SCHED_REGISTRY_MAX]; /* d == own in a created registry */
};

static const sched_registry_t builtin_registry = { .d = builtin, .n = SCHED_NBUILTIN };

const sched_registry_t *sched_registry_builtin(void)
{
	return &builtin_registry;
}

sched_registry_t *sched_registry_create(void)
{
	sched_registry_t *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	memcpy(r->own, builtin, sizeof builtin);
	r->n = SCHED_NBUILTIN;
	r->d = r->own;
	return r;
}

void sched_registry_destroy(sched_registry_t *r)
{
	free(r);
}

int sched_registry_add(sched_registry_t *r, const sched_desc_t *d)
{
	if (r->d != r->own || r->n == SCHED_REGISTRY_MAX || !d->name || !d->order || !d->pick ||
	    d->n_fields > SCHED_MAX_FIELDS || sched_registry_find(r, d->name) >= 0)
		return -1;
	r->own[r->n] = d;
	return (int)r->n++;
}

size_t sched_registry_count(const sched_registry_t *r)
{
	return r->n;
}

const sched_desc_t *sched_registry_get(const sched_registry_t *r, size_t i)
{
	return i < r->n ? r->d[i] : NULL;
}

int sched_registry_find(const sched_registry_t *r, const char *s)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->d[i]->name, s))
			return (int)i;
	return -1;
}
