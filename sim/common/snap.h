/*
 * snap.h - normalized state snapshots for the exact steady-state jump.
 *
 * At the start of each time step the core asks every unit to write its
 * complete state into a snapshot, with absolute times written relative to
 * the current cycle, step numbers relative to the current step and block
 * ids relative to the controller's id counter. Two equal snapshots one step
 * apart mean the machine is in the same state up to those offsets, so the
 * next step repeats the last one exactly (core/accel.c). A unit that leaves
 * a field out of its snapshot breaks that argument: tests/test_fastforward.c
 * and tests/test_stress.c compare every counter against stepping.
 */
#ifndef SHARPSIM_SNAP_H
#define SHARPSIM_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct snap {
	uint64_t *v;
	size_t n, cap;
	bool oom;
	uint64_t now;   /* cycle of the snapshot */
	uint64_t step;  /* step it is taken at */
	uint64_t id;    /* the controller's next block id */
} snap_t;

void snap_reset(snap_t *s, uint64_t now, uint64_t step, uint64_t id);
void snap_put(snap_t *s, uint64_t v);
/* Relative encodings (two's complement in a uint64). */
static inline void snap_time(snap_t *s, uint64_t t) { snap_put(s, t - s->now); }
static inline void snap_step(snap_t *s, uint64_t t) { snap_put(s, t - s->step); }
static inline void snap_id(snap_t *s, uint64_t id) { snap_put(s, id - s->id); }
bool snap_equal(const snap_t *a, const snap_t *b);
void snap_free(snap_t *s);

#endif
