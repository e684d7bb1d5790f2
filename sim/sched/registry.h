/*
 * registry.h - schedules as registered descriptors.
 *
 * A schedule is a table (sched_desc_t): its name and description, flags
 * that tell the planner and the engine what it needs, how it orders one
 * step's segments into a program, how its controller cursors start a layer
 * and pick the next segment, and which of the controller's fields are its
 * own state (for the steady-state snapshot and shift). Each lives in a file
 * of its own (sim/sched/NAME.c, baselines under sim/sched/baseline/) and is
 * listed in the built-in registry; nothing else in the tree branches on a
 * schedule. A registry object holds the built-in schedules and any added at
 * run time (a test adds one; run_opts_t.schedules passes it to a run);
 * hw_cfg_t.scheduler is an index into it.
 */
#ifndef SHARPSIM_SCHED_REGISTRY_H
#define SHARPSIM_SCHED_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/snap.h"
#include "../ctrl/sched.h"

/* What a schedule needs from the planner and the engine. */
enum {
	SCHED_F_FIXED_TILE = 1u << 0,	  /* native config4 tiles: no exploration, no pad reconfiguration */
	SCHED_F_WHOLE_VECTOR = 1u << 1,	  /* the gate buffer hands the cell updater whole vectors
					   * (under cell_update: auto) */
	SCHED_F_NEEDS_RESIDENT = 1u << 2, /* weights must be on chip */
	SCHED_F_X_RUNAHEAD = 1u << 3,	  /* W.x segments run ahead of U.h into the intermediate buffer */
	SCHED_F_X_PRECOMPUTED = 1u << 4,  /* W.x of all steps precomputed into a store of its own */
	SCHED_F_GATES_SHARE = 1u << 5,	  /* a segment holds rows of every gate of its phase */
	SCHED_F_BASELINE = 1u << 6,	  /* another design's schedule: not in SHARP's speedup tables */
};

typedef struct ctrl ctrl_t;
typedef struct ctrl_view ctrl_view_t;
typedef struct ctrl_token ctrl_token_t;

/* At most this many controller fields are a schedule's own state. */
#define SCHED_MAX_FIELDS 4

typedef struct sched_desc {
	const char *name;
	const char *description;
	unsigned flags;
	uint32_t block_segs; /* segments of one partition per row block (0: 1) */
	/* Appends one phase's segments to the program, in issue order (sched.h). */
	void (*order)(sched_order_t *o);
	/* Sets the controller's cursors at the start of a layer. */
	void (*begin_layer)(ctrl_t *c);
	/* With no segment being issued: starts the next one and issues its
	 * first token, or puts a bubble with its cause. */
	void (*pick)(ctrl_t *c, const ctrl_view_t *v, ctrl_token_t *out);
	/* The controller fields (ctrl_impl.h) that are this schedule's own
	 * state, for the steady-state snapshot and shift (snap.h). */
	snap_field_t fields[SCHED_MAX_FIELDS];
	uint32_t n_fields;
} sched_desc_t;

/* Sequential's order, which BrainWave's schedule shares. */
void sched_order_sequential(sched_order_t *o);

typedef struct sched_registry sched_registry_t;

/* The built-in schedules, in hw_cfg.h's sched_kind_t order. */
const sched_registry_t *sched_registry_builtin(void);
/* Their names, NULL-terminated (the scheduler parameter's allowed values). */
extern const char *const sched_builtin_names[];
/* A registry holding the built-in schedules, to which more can be added. */
sched_registry_t *sched_registry_create(void);
void sched_registry_destroy(sched_registry_t *r);
/* Adds d (kept by pointer); returns its index, or -1 (full, or a name
 * already taken, or no order/pick). */
int sched_registry_add(sched_registry_t *r, const sched_desc_t *d);
size_t sched_registry_count(const sched_registry_t *r);
/* NULL past the end. */
const sched_desc_t *sched_registry_get(const sched_registry_t *r, size_t i);
/* Index of the schedule named s, or -1. */
int sched_registry_find(const sched_registry_t *r, const char *s);

#endif
