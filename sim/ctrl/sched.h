/*
 * sched.h - the four schedules as a per-step program of row segments.
 *
 * A segment is one accumulator row block: the rows of one or more gates for
 * a range of hidden indices, over one weight partition (X: the W.x columns,
 * H: the U.h columns). The hardware keeps W and U in separate partitions
 * (docs/hardware.md §3), so a column tile never straddles them; an H segment starts
 * its accumulators from its X partner's saved sums (the intermediate
 * buffer), except for GRU linear_before_reset where W.x and U.h of n must
 * stay apart and are combined by the MFU/cell updater.
 *
 * The program lists one time step's segments in the schedule's canonical
 * order (docs/hardware.md §3, block sizes from the caption of the paper's Fig. 8,
 * b = the tile height Kr):
 *   sequential  gate by gate; segments of Kr rows of one gate: X, H, X, H ...
 *   batch       for each Kr-row range: gate i, f, g, o (each X then H)
 *   intergate   segments of floor(Kr/G) rows of every gate: X, H
 *   unfolded    blocks of two intergate-sized segments over one partition:
 *               X(2j) X(2j+1) H(2j) H(2j+1); X segments may run ahead
 *               (ctrl.c), bounded by the intermediate buffer.
 *   epur        E-PUR: the W.x segments of ALL steps first, each weight tile
 *               held while x_0..x_{T-1} pass (weight locality), into a
 *               precompute store; then per step the U.h segments, all gates
 *               together (E-PUR's four gate units); fixed config4 tiles
 *   brainwave   BrainWave: Sequential's gate-by-gate order on fixed config4
 *               (native) tiles; its deep pipeline is in its config
 * GRU reset_before_matmul runs in two phases: r and z (phase 0), then n
 * (phase 1), whose H partition multiplies r*h and so waits for all of r.
 * With pad_reconfig, the last segment of each matrix (each gate-set's hidden
 * range) switches to the tile config that finishes the remaining rows in the
 * fewest cycles.
 */
#ifndef SHARPSIM_SCHED_H
#define SHARPSIM_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../config/hw_cfg.h"
#include "../config/workload.h"

enum { SCHED_PART_X = 0, SCHED_PART_H = 1 };
#define SCHED_MAX_GATES 4

typedef struct sched_seg {
	uint8_t part;          /* SCHED_PART_X or SCHED_PART_H */
	uint8_t cfg;           /* tile config 1..4 */
	uint8_t phase;         /* 0, or 1 for GRU reset_before_matmul's n */
	uint8_t pre;           /* epur: a W.x segment of the all-steps input phase */
	uint8_t ngates;
	uint8_t gate[SCHED_MAX_GATES];
	uint32_t j0;           /* first hidden index */
	uint32_t rpg;          /* rows per gate in the tile layout */
	uint32_t valid_pg;     /* real rows per gate: min(rpg, H - j0) */
	uint32_t kr, kc;       /* tile shape */
	uint32_t ncols;        /* columns of the partition */
	uint32_t ntiles;       /* column tiles */
	uint32_t valid_rows;   /* popcount of the tile row mask */
	uint32_t rowgroups;    /* K-row groups holding a real row (bank reads per column) */
	uint32_t block;        /* block number within the step (trace) */
	int32_t partner;       /* the X segment an H segment continues, or -1 */
	int32_t block_x_last;  /* H: the block's last X segment, or -1 (Unfolded waits for it) */
	uint64_t stream_off;   /* DRAM byte offset of the segment within a step */
} sched_seg_t;

typedef struct sched_prog {
	sched_seg_t *seg;
	uint32_t n;
	uint64_t step_bytes;   /* weight bytes of one step (real weights, fp16) */
	uint64_t macs_per_step; /* useful MACs of one step, one sequence */
	uint32_t reconfigs;    /* tile config switches per step */
} sched_prog_t;

typedef struct sched_params {
	sched_kind_t kind;
	cell_kind_t cell;
	gru_form_t gru_form;
	uint32_t input_size;   /* 0 with skip_input */
	uint32_t hidden_size;
	uint32_t vs_units, vs_width;
	unsigned cfg;          /* tile config in force, 1..4 */
	bool pad_reconfig;
	uint32_t max_seg_values; /* X rows (per sequence) the intermediate buffer holds */
} sched_params_t;

/* Tile config X: Kr = groups*K rows, Kc = N/groups columns. */
uint32_t sched_groups(unsigned cfg);
/* Can N and K form config cfg for this cell (N % groups == 0, at least one
 * row per gate for intergate-style segments, segment fits the buffer)? */
bool sched_cfg_ok(const sched_params_t *p, unsigned cfg);
int sched_build(const sched_params_t *p, sched_prog_t *out, sim_err_t *err);
void sched_free(sched_prog_t *p);
/* Real lanes of column tile c of segment s (row mask x column mask). */
uint32_t sched_tile_cols(const sched_seg_t *s, uint32_t c);

#endif
