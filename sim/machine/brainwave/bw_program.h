/*
 * bw_program.h - one recurrent layer as BrainWave instruction chains.
 *
 * A BrainWave program is a sequence of chains; each chain reads one vector
 * from a register file (v_rd), optionally multiplies it by a matrix held in
 * the tile engines (mv_mul), passes it through the multifunction units
 * (vv_add, vv_a_sub_b, vv_mul, v_sigm, v_tanh) and writes the result back
 * (v_wr). A chain that reads a vector another chain writes waits for that
 * chain's write-back (docs/baselines/brainwave.md, "Program").
 *
 * The program of a layer is a template of the chains of one step, expanded
 * over the steps. With the authors' placement (BW_PLACE_LISTING) the input
 * chains (x_t from the network queue, then W.x) head their own step. With
 * BW_PLACE_HOISTED they are marked `is_x`: they compute the input of the
 * NEXT step (they need no h) and stand after the step's last gate chain, so
 * that they stream while the final h chain waits for the cell state; the
 * input chains of step 0 form a prologue ("step -1") and the last step has
 * none. So step k (k = -1 .. T-1) holds chain j iff
 * (is_x ? k < T-1 : k >= 0).
 *
 * A dependency names a template index and `back`: 0 = the same step,
 * 1 = the previous step. A dependency on a chain that step does not hold
 * (h and c before step 0) is met: the initial state is in the register
 * files before the pass starts.
 */
#ifndef SHARPSIM_BW_PROGRAM_H
#define SHARPSIM_BW_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "../../common/err.h"
#include "../../config/workload.h"

#define BW_MAX_DEPS 4
#define BW_MAX_CHAINS 12

/* Where the input chains stand (brainwave.program). */
typedef enum { BW_PLACE_LISTING = 0, BW_PLACE_HOISTED } bw_placement_t;

typedef struct bw_dep {
	uint8_t back; /* 0: this step, 1: the previous step */
	uint8_t idx;  /* template index */
} bw_dep_t;

typedef struct bw_chain {
	const char *name;	   /* e.g. "f", "x.i": for traces and messages */
	uint32_t mv_rows, mv_cols; /* mv_mul's matrix, 0 x 0 without one */
	uint32_t out_len;	   /* elements written back (and streamed through the MFUs) */
	uint8_t mfu_ops;	   /* elementwise instructions of the chain */
	uint8_t instrs;		   /* instructions, v_rd and v_wr included */
	bool is_x;		   /* input projection of the next step */
	uint8_t n_deps;
	bw_dep_t dep[BW_MAX_DEPS];
} bw_chain_t;

typedef struct bw_program {
	uint32_t n;
	bw_chain_t chain[BW_MAX_CHAINS];
} bw_program_t;

/* The template of layer l's cell, its input chains placed by `place` (one direction; a bidirectional layer runs
 * it twice). SIM_EINPUT for a cell BrainWave's programs do not cover,
 * naming "layer <number>" (1-based, as the run reports layers). */
int bw_program_build(const layer_cfg_t *l, unsigned number, bw_placement_t place, bw_program_t *out, sim_err_t *err);

/* Whether step k (-1 .. steps-1) holds chain j. */
bool bw_program_holds(const bw_program_t *p, uint32_t j, int64_t k, uint32_t steps);

#endif
