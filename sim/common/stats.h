/*
 * stats.h - the statistics registry.
 *
 * Components register each counter once, by name, when they are created, and
 * keep the returned pointer, or register a field of their own (stats_field)
 * that the registry reads until it is sealed at the end of a run. The hot
 * path only increments through the pointer or the field: there are no
 * string lookups while the clock runs. Names are
 * "<unit>.<what>" (e.g. "mfu.activations", "idle.padding"); a duplicate name
 * is rejected. Counters are dumped in registration order, which is fixed by
 * the order components are created, so dumps are deterministic.
 *
 * Every counter also carries its unit, from a closed set (docs/outputs.md):
 * what one increment of the counter is. A unit outside the set is rejected
 * like a duplicate name.
 */
#ifndef SHARPSIM_STATS_H
#define SHARPSIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct stats stats_t;

/* What one increment of a counter is. */
typedef enum stats_unit {
	STATS_CYCLES,	   /* clock cycles */
	STATS_LANE_CYCLES, /* one multiplier lane for one cycle (N*K per cycle) */
	STATS_BYTES,	   /* bytes moved */
	STATS_MACS,	   /* multiply-accumulates of a weight by an operand */
	STATS_OPS,	   /* single arithmetic operations: an add, a multiply, a tanh */
	STATS_VALUES,	   /* data values (one number each) read, written or processed */
	STATS_EVENTS,	   /* occurrences: a tile issued, a block finished, a row read */
	STATS_NUNITS
} stats_unit_t;

/* The unit's name as users see it ("cycles", "lane-cycles", "bytes", "MACs",
 * "ops", "values", "events"); NULL for a value outside the set. */
const char *stats_unit_name(stats_unit_t u);

stats_t *stats_create(void);
void stats_destroy(stats_t *st);

/* Registers a zeroed counter counting in unit. Returns NULL if the name is
 * taken, the unit is outside the set or the registry is full (all
 * programming errors the caller reports). The pointer stays valid until
 * stats_destroy(). */
uint64_t *stats_counter(stats_t *st, const char *name, stats_unit_t unit, const char *desc);

/* Registers a counter kept in the caller's own field: the hot path bumps a
 * plain struct field instead of going through a pointer, while the
 * registry reads and adds through the field (stats_value, stats_add,
 * stats_find) as if it were its own. The field is zeroed. Before the
 * field's owner is freed, stats_seal() copies every such counter into the
 * registry's storage; the registry then stands alone. Returns field, or
 * NULL as stats_counter. */
uint64_t *stats_field(stats_t *st, const char *name, stats_unit_t unit, const char *desc, uint64_t *field);
/* Publishes every stats_field counter into the registry's own storage and
 * forgets the fields (NULL st: nothing). */
void stats_seal(stats_t *st);

size_t stats_size(const stats_t *st);
const char *stats_name(const stats_t *st, size_t i);
const char *stats_desc(const stats_t *st, size_t i);
stats_unit_t stats_unit(const stats_t *st, size_t i);
uint64_t stats_value(const stats_t *st, size_t i);
/* Adds v to counter i (the steady-state jump adds whole periods). */
void stats_add(stats_t *st, size_t i, uint64_t v);
/* End-of-run lookup by name (never on the hot path). */
bool stats_find(const stats_t *st, const char *name, uint64_t *value);

#endif
