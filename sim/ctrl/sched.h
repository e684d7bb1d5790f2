/*
 * sched.h - a schedule's per-step program of row segments.
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
 * b = the tile height Kr). Each schedule's order is the `order` function of
 * its descriptor (sim/sched/registry.h; sequential.c, batch.c,
 * intergate.c, unfolded.c, baseline/epur.c, baseline/brainwave.c): it
 * cuts the hidden range (sched_order_ranges) and appends segments
 * (sched_order_add); this file builds everything else.
 * GRU reset_before_matmul runs in two phases: r and z (phase 0), then n
 * (phase 1), whose H partition multiplies r*h and so waits for all of r.
 * An LSTMP layer (proj_size P) appends its projection after the cell's
 * phases, the same in every schedule: P rows cut into segments of one
 * gate (the cheapest config with pad_reconfig, as a gate's range), each
 * over the H columns of o*tanh(c); its U.h segments read P columns.
 * With pad_reconfig, the last segment of each matrix (each gate-set's hidden
 * range) switches to the tile config that finishes the remaining rows in the
 * fewest cycles.
 */
#ifndef SHARPSIM_SCHED_H
#define SHARPSIM_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../approx/apx_prog.h"
#include "../compress/cmp_mask.h"
#include "../compress/cmp_store.h"
#include "../config/hw_cfg.h"
#include "../config/workload.h"
#include "smx_prog.h"
#include "tile.h"

enum { SCHED_PART_X = 0, SCHED_PART_H = 1 };

#define SCHED_MAX_GATES 4

typedef struct sched_seg {
	uint8_t part;  /* SCHED_PART_X or SCHED_PART_H */
	uint8_t cfg;   /* tile config 1..4 */
	uint8_t phase; /* 0, 1 for GRU reset_before_matmul's n, CELL_PHASE_PROJ (cell.h) */
	uint8_t pre;   /* epur: a W.x segment of the all-steps input phase */
	uint8_t ngates;
	uint8_t gate[SCHED_MAX_GATES];
	uint32_t j0;	     /* first hidden index */
	uint32_t rpg;	     /* rows per gate in the tile layout */
	uint32_t valid_pg;   /* real rows per gate: min(rpg, H - j0) */
	uint32_t kr, kc;     /* tile shape */
	uint32_t ncols;	     /* columns of the partition */
	uint32_t ntiles;     /* column tiles */
	uint32_t valid_rows; /* popcount of the tile row mask */
	uint32_t rowgroups;  /* K-row groups holding a real row (bank reads per column) */
	uint32_t block;	     /* block number within the step (trace) */
	/* A progressive layer's refinement-major program (apx_prog.h) issues
	 * a row block in several segments: cont = 1 + the index of the
	 * segment whose accumulator block this one continues (its first tile
	 * does not open one), 0 = it opens its own; open: its last tile does
	 * not close the block, a later segment continues it. */
	uint32_t cont;
	uint8_t open;
	int32_t partner;      /* the X segment an H segment continues, or -1 */
	int32_t block_x_last; /* H: the block's last X segment, or -1 (Unfolded waits for it) */
	uint64_t stream_off;  /* DRAM byte offset of the segment within a step */
	uint32_t tile0;	      /* index of its first column tile in sched_prog_t.tile */
} sched_seg_t;

typedef struct sched_prog {
	sched_seg_t *seg;
	uint32_t n;
	tile_meta_t *tile; /* every segment's column tiles, in program order */
	uint32_t ntile;
	bool pruned;		  /* built from zero masks: tiles of a segment differ in their lanes */
	bool approx;		  /* a progressive layer's (apx_prog.h): every segment needs all of h_{t-1} */
	uint64_t step_bytes;	  /* weight bytes of one step (the tiles' bytes) */
	uint64_t fp16_step_bytes; /* what step_bytes would be with fp16 weights */
	uint64_t macs_per_step;	  /* useful MACs of one step, one sequence */
	uint32_t reconfigs;	  /* tile config switches per step */
	/* The most over the tiles (sched_build), 0 without tiles: bytes
	 * stored, off + bytes (where a tile ends in the step's weights), bank
	 * bytes read, weights decoded (0: nothing is decoded). */
	uint64_t tile_bytes_max, tile_end_max;
	uint32_t bank_bytes_max, dec_weights_max;
} sched_prog_t;

typedef struct sched_desc sched_desc_t;

typedef struct sched_params {
	const sched_desc_t *sched; /* the schedule (sim/sched/registry.h) */
	cell_kind_t cell;
	gru_form_t gru_form;
	uint32_t input_size; /* 0 with skip_input */
	uint32_t hidden_size;
	uint32_t proj_size; /* LSTMP's P (the U.h columns and the projection's rows), 0: none */
	uint32_t vs_units, vs_width;
	unsigned cfg; /* tile config in force, 1..4 */
	bool pad_reconfig;
	uint32_t max_seg_values;      /* X rows (per sequence) the intermediate buffer holds */
	const cmp_store_cfg_t *store; /* stored weight format; NULL = dense fp16 */
	/* Pruned weights: the zero mask of each partition (SCHED_PART_X, _H;
	 * rows g*H + j of gate g, the partition's columns), NULL = dense. With
	 * skip_zero a column tile with no non-zero is left out of its segment
	 * (the VS array never sees it), except that a segment keeps at least
	 * its first tile: its row block must still reach the MFU. */
	const cmp_mask_t *mask[2];
	bool skip_zero;
	/* A progressive layer (approx: svd_prune): its program comes from
	 * apx_prog_build, NULL = the schedule's. */
	const apx_shape_t *approx;
	/* An output softmax (a CELL_F_SOFTMAX cell): its program comes from
	 * smx_prog_build, NULL = the schedule's. */
	const smx_shape_t *softmax;
} sched_params_t;

/* A range of hidden indices one segment covers, and its tile config. */
typedef struct sched_range {
	uint32_t j0, rpg;
	uint8_t cfg;
} sched_range_t;

/* What a schedule's order function (registry.h) sees while the program of
 * one phase is built: it cuts ranges and appends segments in issue order. */
typedef struct sched_order {
	const sched_params_t *p;
	unsigned phase;
	const uint8_t *gates; /* the phase's gates, in issue order */
	unsigned ng;
	bool has_x;	/* the layer has a W.x partition */
	uint32_t block; /* next block number; the order function advances it */
	sched_prog_t *prog;
	size_t cap;	   /* segments prog->seg has room for */
	bool overflow;	   /* an order appended more than that: the build fails */
	sched_range_t *rg; /* filled by sched_order_ranges */
} sched_order_t;

/* Cuts the hidden range into segments holding seg_gates gates each (with
 * pad_reconfig, the last one in the cheapest config); the ranges are
 * o->rg[0 .. returned count). */
uint32_t sched_order_ranges(sched_order_t *o, unsigned seg_gates);
/* Appends the segment of partition `part` over range o->rg[r] for the
 * given gates, in row block `block`; returns it (NULL, and o->overflow
 * set, beyond the program's room: every segment holds a row per gate). */
sched_seg_t *sched_order_add(sched_order_t *o, unsigned part, uint32_t r, const uint8_t *gates, unsigned ng,
			     uint32_t block);

/* Can N and K form config cfg for this cell (N % groups == 0, at least one
 * row per gate for intergate-style segments, segment fits the buffer)? */
bool sched_cfg_ok(const sched_params_t *p, unsigned cfg);
int sched_build(const sched_params_t *p, sched_prog_t *out, sim_err_t *err);
void sched_free(sched_prog_t *p);
/* Segment s's row mask, from its kr, rpg and valid_pg with ng gate slots
 * in use and K-row bank groups: its real rows (valid_rows) and the groups
 * a tile reads (rowgroups). For program builders (sched.c, apx_prog.c). */
void sched_seg_rows(sched_seg_t *s, uint32_t ng, uint32_t k);
/* Column tile c of segment s of program p. */
static inline const tile_meta_t *sched_tile(const sched_prog_t *p, const sched_seg_t *s, uint32_t c)
{
	return &p->tile[s->tile0 + c];
}

#endif
