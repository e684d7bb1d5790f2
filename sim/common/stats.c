#include "stats.h"

#include <stdlib.h>
#include <string.h>

/* A fixed capacity keeps counter addresses stable without a second level of
 * allocation; the model registers well under a hundred counters. */
#define STATS_MAX 512
#define STATS_NAME 64

struct stats {
	size_t n;
	char name[STATS_MAX][STATS_NAME];
	const char *desc[STATS_MAX];
	stats_unit_t unit[STATS_MAX];
	uint64_t value[STATS_MAX];
	uint64_t *at[STATS_MAX]; /* where counter i lives: &value[i], or a field until sealed */
};

stats_t *stats_create(void)
{
	return calloc(1, sizeof(stats_t));
}

void stats_destroy(stats_t *st)
{
	free(st);
}

static long stats_index(const stats_t *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->name[i], name) == 0)
			return (long)i;
	return -1;
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
	if (!st || !stats_unit_name(unit) || st->n == STATS_MAX || strlen(name) >= STATS_NAME ||
	    stats_index(st, name) >= 0)
		return NULL;
	size_t i = st->n++;
	strcpy(st->name[i], name);
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
