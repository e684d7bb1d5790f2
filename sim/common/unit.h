/*
 * unit.h - how the engine's fast-forward sees a unit.
 *
 * Each unit (controller, compute unit, MFU, gate buffer, cell updater,
 * DRAM) exports one unit_ops_t. The steady-state jump (sim/core/ff.c)
 * takes its snapshots and applies its shifts through these operations
 * alone, over the list of units the engine builds when it connects them;
 * each unit implements both from one declarative table of its state
 * fields (snap.h), so what is compared and what is moved cannot disagree.
 *
 * Contract:
 *   snapshot  writes the unit's whole state, normalized to the snapshot's
 *             cycle, step and block id (NULL: nothing the jump compares;
 *             the engine allows a jump only while such a unit is steady);
 *   shift     moves every time, step and block id the unit holds by a
 *             jump's cycles, steps and ids;
 *   quiet_for the number of ticks from now in which, given no new input,
 *             the unit would only count and advance its clock: its next
 *             event is now + quiet_for (0: it acts this cycle; UINT64_MAX:
 *             never; NULL: the engine asks the unit in its own terms);
 *   skip      exactly k such ticks (k <= quiet_for; NULL: the unit has no
 *             clock of its own);
 *   idle      nothing is inside the unit that will still come out (NULL:
 *             the unit's progress shows in the engine's own counters);
 *             the watchdog counts a cycle as stuck only while every unit
 *             is idle and nothing moved.
 * What a unit reads from its input queue counts as input already given:
 * the unit learns its queue when the engine connects it.
 */
#ifndef SHARPSIM_UNIT_H
#define SHARPSIM_UNIT_H

#include <stdbool.h>
#include <stdint.h>

#include "snap.h"

typedef struct unit_ops {
	const char *name;
	void (*snapshot)(const void *u, snap_t *s);
	void (*shift)(void *u, uint64_t cycles, uint32_t steps, uint32_t ids);
	uint64_t (*quiet_for)(const void *u);
	void (*skip)(void *u, uint64_t k);
	bool (*idle)(const void *u);
} unit_ops_t;

/* A unit as the engine lists it. */
typedef struct unit {
	const unit_ops_t *ops;
	void *self;
} unit_t;

#endif
