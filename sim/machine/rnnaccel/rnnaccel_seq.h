/*
 * rnnaccel_seq.h - RNNAccel's sequencer: cuts one pass of a layer into
 * tiles for the MAC array and tracks the vectors the tiles wait for.
 *
 * A tile is up to L gate rows (L = the MAC rate: one row per MAC) by K
 * columns (K = I + H; H alone with skip_input; I for fc), x columns first.
 * The array takes one column per cycle: the column's operand is broadcast
 * to every row's MAC. The rows of a step are cut gate-major (LSTM i f g o;
 * GRU r z n) into phases:
 *   - one phase of G*H rows (LSTM, vanilla, GRU linear_before_reset: the
 *     n rows keep W_n x and U_n h in two accumulators, and r is applied in
 *     the activation unit), or
 *   - GRU reset_before_matmul: phase 0 the r and z rows, phase 1 the n
 *     rows, whose h columns multiply r*h and so wait for all of r;
 *   - fc: one phase of H rows, no recurrence, no waiting.
 * The h columns of a step's first phase wait for the previous step's h
 * (step 0 of each sequence starts from h = 0 and waits for nothing).
 * Batch sequences run one after another; steps are numbered
 * s = b*T + t across them.
 *
 *   step s:   [x cols | h cols ]  [x cols | h cols ] ...   (tiles)
 *                        ^ waits for h(s-1) (or r(s), phase 1 of RBM)
 */
#ifndef SHARPSIM_RNNACCEL_SEQ_H
#define SHARPSIM_RNNACCEL_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#include "../../config/workload.h"
#include "rnnaccel_act.h"

typedef enum { RNNACCEL_DEP_NONE = 0, RNNACCEL_DEP_H, RNNACCEL_DEP_R } rnnaccel_dep_t;

typedef struct rnnaccel_tile {
	uint32_t rows; /* active MACs */
	uint32_t k;    /* columns */
	uint32_t hcol; /* first column that waits for `dep` */
	rnnaccel_dep_t dep;
	uint64_t need; /* events of kind dep that must have retired */
	uint32_t n_ev;
	rnnaccel_event_t ev[2]; /* what this tile's values complete */
} rnnaccel_tile_t;

typedef struct rnnaccel_seq {
	/* the pass */
	uint32_t lanes, in, hid, k, steps_per_seq;
	uint64_t steps;
	bool fc, two_phase;
	uint32_t phase_rows[2];
	uint32_t n_phases;
	uint32_t r_last; /* two phases: the phase-0 row that completes r */
	/* the cursor */
	uint64_t step;
	uint32_t phase, row;
	/* retired events */
	uint64_t h_done, r_done;
} rnnaccel_seq_t;

/* Sets up one pass of layer l on an array of `lanes` MACs. */
void rnnaccel_seq_init(rnnaccel_seq_t *s, const layer_cfg_t *l, uint32_t lanes);
/* The next tile in issue order; false when the pass has none left. */
bool rnnaccel_seq_next(rnnaccel_seq_t *s, rnnaccel_tile_t *t);
/* Whether the tile's waiting columns may run this cycle. */
bool rnnaccel_seq_ready(const rnnaccel_seq_t *s, const rnnaccel_tile_t *t);
/* Events retired by the activation unit this cycle. */
void rnnaccel_seq_event(rnnaccel_seq_t *s, unsigned ev);

#endif
