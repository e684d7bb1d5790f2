#include "stats.h"

#include <stdlib.h>
#include <string.h>

/* A fixed capacity keeps counter addresses stable without a second level of
 * allocation; the model registers well under a hundred counters. */
#define STATS_MAX 512
#define STATS_NAME 64
/* Names are found through an open-addressed hash table of twice the
 * capacity (a load factor of at most one half, so a probe ends quickly):
 * every registration looks its name up to refuse a duplicate, and a run
 * registers about a hundred counters per engine (exploration builds one
 * engine per candidate tile config), which a linear search over the names
 * made quadratic. */
#define STATS_SLOTS (2 * STATS_MAX)

struct stats {
	size_t n;
	uint16_t slot[STATS_SLOTS]; /* counter index + 1 by name hash; 0: empty */
	char name[STATS_MAX][STATS_NAME];
	const char *desc[STATS_MAX];
	stats_unit_t unit[STATS_MAX];
	uint64_t value[STATS_MAX];
	uint64_t *at[STATS_MAX]; /* where counter i lives: &value[i], or a field until sealed */
};

/* Only the count and the hash table are zeroed: the arrays (about 47 KB)
 * are written entry by entry as counters are registered, and nothing reads
 * an entry at or past n. */
stats_t *stats_create(void)
{
	stats_t *st = malloc(sizeof *st);
	if (st) {
		st->n = 0;
		memset(st->slot, 0, sizeof st->slot);
	}
	return st;
}

void stats_destroy(stats_t *st)
{
	free(st);
}

/* FNV-1a over the name; *len gets its length. */
static size_t stats_hash(const char *name, size_t *len)
{
	uint32_t h = 2166136261u;
	const char *c = name;
	for (; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	*len = (size_t)(c - name);
	return h & (STATS_SLOTS - 1);
}

/* The slot holding name, or the empty slot where it would go. */
static size_t stats_slot(const stats_t *st, const char *name, size_t *len)
{
	size_t s = stats_hash(name, len);
	while (st->slot[s] && strcmp(st->name[st->slot[s] - 1], name) != 0)
		s = (s + 1) & (STATS_SLOTS - 1);
	return s;
}

static long stats_index(const stats_t *st, const char *name)
{
	size_t len;
	size_t s = stats_slot(st, name, &len);
	return st->slot[s] ? (long)st->slot[s] - 1 : -1;
}

const char *stats_unit_name(stats_unit_t u)
{
	static const char *const names[STATS_NUNITS] = {
		[STATS_CYCLES] = "cycles", [STATS_LANE_CYCLES] = "lane-cycles",
		[STATS_BYTES] = "bytes",   [STATS_MACS] = "MACs",
		[STATS_OPS] = "ops",	   [STATS_VALUES] = "values",
		[STATS_EVENTS] = "events",
	};
	return (unsigned)u < STATS_NUNITS ? names[u] : NULL;
}

uint64_t *stats_counter(stats_t *st, const char *name, stats_unit_t unit, const char *desc)
{
	if (!st || !stats_unit_name(unit) || st->n == STATS_MAX)
		return NULL;
	size_t len;
	size_t s = stats_slot(st, name, &len);
	if (len >= STATS_NAME || st->slot[s])
		return NULL;
	size_t i = st->n++;
	st->slot[s] = (uint16_t)(i + 1);
	memcpy(st->name[i], name, len + 1);
	st->desc[i] = desc;
	st->unit[i] = unit;
	st->value[i] = 0;
	st->at[i] = &st->value[i];
	return &st->value[i];
}

uint64_t *stats_field(stats_t *st, const char *name, stats_unit_t unit, const char *desc, uint64_t *field)
{
	uint64_t *v = stats_counter(st, name, unit, desc);
	if (!v)
		return NULL;
	*field = 0;
	st->at[st->n - 1] = field;
	return field;
}

void stats_seal(stats_t *st)
{
	for (size_t i = 0; st && i < st->n; i++) {
		st->value[i] = *st->at[i];
		st->at[i] = &st->value[i];
	}
}

size_t stats_size(const stats_t *st)
{
	return st->n;
}
const char *stats_name(const stats_t *st, size_t i)
{
	return st->name[i];
}
const char *stats_desc(const stats_t *st, size_t i)
{
	return st->desc[i];
}
stats_unit_t stats_unit(const stats_t *st, size_t i)
{
	return st->unit[i];
}
uint64_t stats_value(const stats_t *st, size_t i)
{
	return *st->at[i];
}

bool stats_find(const stats_t *st, const char *name, uint64_t *value)
{
	long i = stats_index(st, name);
	if (i < 0)
		return false;
	if (value)
		*value = *st->at[i];
	return true;
}

void stats_add(stats_t *st, size_t i, uint64_t v)
{
	*st->at[i] += v;
}
