/*
 * stats.h - the statistics registry.
 *
 * Components register each counter once, by name, when they are created, and
 * keep the returned pointer. The hot path only increments through that
 * pointer: there are no string lookups while the clock runs. Names are
 * "<unit>.<what>" (e.g. "mfu.activations", "idle.padding"); a duplicate name
 * is rejected. Counters are dumped in registration order, which is fixed by
 * the order components are created, so dumps are deterministic.
 */
#ifndef SHARPSIM_STATS_H
#define SHARPSIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct stats stats_t;

stats_t *stats_create(void);
void stats_destroy(stats_t *st);

/* Registers a zeroed counter. Returns NULL if the name is taken or the
 * registry is full (both are programming errors the caller reports). The
 * pointer stays valid until stats_destroy(). */
uint64_t *stats_counter(stats_t *st, const char *name, const char *desc);

size_t stats_size(const stats_t *st);
const char *stats_name(const stats_t *st, size_t i);
const char *stats_desc(const stats_t *st, size_t i);
uint64_t stats_value(const stats_t *st, size_t i);
/* Adds v to counter i (the steady-state jump adds whole periods). */
void stats_add(stats_t *st, size_t i, uint64_t v);
/* End-of-run lookup by name (never on the hot path). */
bool stats_find(const stats_t *st, const char *name, uint64_t *value);

#endif
