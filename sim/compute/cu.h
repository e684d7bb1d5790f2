/*
 * cu.h - the compute unit: VS multiplier array, pipelined R-Add-Reduce tree
 * and accumulator bank. The C model (cu.c) and the RTL (rtl/cu_top.sv)
 * implement this same cycle-level interface with the same latencies; the
 * co-simulation checks them against each other cycle by cycle.
 *
 * Interface (one clock, everything sampled at the rising edge):
 *
 *   in   valid/ready  one tile per cycle: tile config (1..4), tag, first/last
 *                     column-tile flags, optional initial accumulator values
 *                     (Unfolded's buffered W.x) on a block's first tile, the
 *                     Kr x Kc weights and the Kc vector elements.
 *   out  valid/ready  one finished row block per cycle: its tag and Kr sums.
 *
 *   A row block is the run of tiles from `first` to `last` with one tag; the
 *   bank holds `accumulators` blocks in flight (block = tag.block, tag.seq).
 *
 * Timing: a tile accepted in cycle c is multiplied over `mult_latency`
 * cycles, climbs d(cfg) tree levels (one per cycle) and is added into its
 * accumulator over `acc_latency` cycles. The finished block of a tile with
 * `last` set is offered on `out` from cycle c + latency(cfg), where
 *
 *     latency(cfg) = mult_latency + d(cfg) + acc_latency
 *     d(cfgX)      = ceil(log2(N / groups(cfgX))), groups = 8, 4, 2, 1 for config1..4
 *
 *   cycle        c       c+1 .. c+M      ..  c+M+d     .. c+M+d+A
 *   tile         accept  multiply (M)        tree (d)     accumulate (A) -> out
 *
 * in.ready is low in a cycle when
 *   - the tile opens a block (first) and no accumulator is free
 *     (cause: back-pressure), or
 *   - its tap is shallower than the previous tile's, so its result would
 *     leave the tree in or before the cycle of the previous tile's result
 *     (cause: fill/drain; the bubble is at most the depth difference).
 * Results leave the tree strictly in acceptance order, one per cycle.
 *
 * Order within a cycle (the core's, and the RTL's combinational paths):
 * cu_out_peek/cu_out_pop first, then cu_in_ready/cu_in_push, then cu_tick.
 * An accumulator freed by this cycle's pop can take this cycle's first
 * tile, so in.ready depends combinationally on out.ready.
 *
 * Arithmetic (docs/numerics.md): fp16 x fp16 products are exact in fp32;
 * the tree adds adjacent pairs level by level in fp32 with round-to-nearest-
 * even (an odd node passes through); a block's accumulator starts from its
 * first tile's tree sum, or from init + sum when init is given, then adds
 * each later tile's sum in tile order. Padded lanes carry +0 products.
 */
#ifndef SHARPSIM_CU_H
#define SHARPSIM_CU_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/isa.h"
#include "../common/snap.h"
#include "../common/stats.h"
#include "../common/unit.h"

typedef struct cu_cfg {
	uint32_t vs_units;     /* N */
	uint32_t vs_width;     /* K */
	uint32_t mult_latency; /* M >= 1 */
	uint32_t acc_latency;  /* A >= 1 */
	uint32_t accumulators; /* row blocks in flight */
	bool functional;       /* carry and compute values */
	/* rows per panel of the tiles' wf (cu_wf_row): 0 in a run, the
	 * widest this CPU runs (cu_panel_of); tests set CU_PANEL_SSE or
	 * CU_PANEL_AVX to lay out and run either. A byte, in the padding
	 * after `functional`: the struct keeps its 32 bytes, and struct
	 * cu's stepped fields the cache lines they had (a 4-byte field
	 * here moved them and cost 1K stepping 1.1x with no more work) */
	uint8_t panel;
	int prec;	   /* prec_mul_t of hw_cfg.h */
	uint32_t acc_bits; /* fixed point accumulator width */
} cu_cfg_t;

typedef struct cu_tag {
	uint32_t step;	/* time step */
	uint32_t block; /* row block (segment) id, unique among blocks in flight */
	uint16_t gate;	/* first gate of the block's rows */
	uint16_t seq;	/* batch sequence */
	uint32_t row0;	/* first hidden index of the block */
} cu_tag_t;

typedef enum { CU_REFUSE_NONE = 0, CU_REFUSE_SLOTS, CU_REFUSE_TAP } cu_refuse_t;

typedef struct cu_tile {
	uint8_t cfg;	  /* 1..4 */
	bool first, last; /* first/last column tile of the row block */
	bool has_init;	  /* first tile: init[] holds Kr fp32 initial sums */
	cu_tag_t tag;
	uint32_t useful_lanes; /* multipliers with a real weight and operand */
	uint32_t useful_adds;  /* tree adds with two real inputs (tile_meta_t); tree.adds counts these */
	uint32_t cols;	       /* real columns: operands read from the I/H buffer */
	/* functional mode only (NULL otherwise): */
	const uint16_t *w;    /* Kr*Kc weights, row-major, padded with +0; NULL under fp32, and may be
			       * NULL beside wf for the C model (fpipe_opts_t.words) */
	const uint16_t *x;    /* Kc vector elements, padded with +0; NULL under fp32 */
	const uint32_t *init; /* Kr fp32 bit patterns */
	/* Optional, C model only (the RTL ignores them): the same w and x
	 * widened exactly to float (fp16 and bf16 modes). When both are set
	 * the functional path multiplies these instead of the bit patterns;
	 * they must hold exactly the values of w and x. Under fp32 (C model
	 * only: its words do not fit w and x) they are the only operands and
	 * must be set. */
	const float *wf; /* Kc*Kr in panels of pw rows (cu_panel_of), each panel
			  * column-major: w's word of row r, leaf k at
			  * cu_wf_row(Kr, Kc, r, pw, &ld) + k * ld (a panel's
			  * k-th leaves side by side, which cu.c evaluates one
			  * row per SIMD lane, at a stride the compiler knows) */
	const float *xf; /* Kc, like x */
} cu_tile_t;

/* Rows per panel of cu_tile_t.wf: the rows cu.c evaluates side by side,
 * one SIMD vector of floats: 4 in SSE2, 8 in AVX2 and AVX-512 (isa.h;
 * eight rows as two SSE2 vectors spill the trees' partial sums, and ran
 * at two thirds the speed). cu_panel gives the width whose variant is the
 * fastest isa runs; tiles of either width give the same sums on every
 * CPU. */
#define CU_PANEL_SSE 4
#define CU_PANEL_AVX 8

static inline uint32_t cu_panel(isa_t isa)
{
	return isa >= ISA_AVX2 ? CU_PANEL_AVX : CU_PANEL_SSE;
}

/* The panel width of a compute unit's tiles: cfg->panel, or when 0 the
 * widest this CPU runs. The layout (fpipe.c) and the compute unit both
 * take it from here. */
static inline uint32_t cu_panel_of(const cu_cfg_t *cfg)
{
	return cfg->panel ? cfg->panel : cu_panel(isa_best());
}

/* Where row r's leaf 0 is in a tile's wf of pw-row panels, and (in *ld)
 * the stride between its leaves: the panel of rows [p0, p0 + pw) starts
 * at p0 * Kc and holds its rows' k-th leaves side by side; a last panel of
 * fewer rows (Kr not a multiple of pw) has that many as its stride, so
 * the layout is exactly Kr * Kc floats. */
static inline size_t cu_wf_row(uint32_t kr, uint32_t kc, uint32_t r, uint32_t pw, uint32_t *ld)
{
	uint32_t p0 = r / pw * pw;
	*ld = kr - p0 < pw ? kr - p0 : pw;
	return (size_t)p0 * kc + r % pw;
}

typedef struct cu_out {
	cu_tag_t tag;
	uint32_t kr;	      /* sums valid in sums[] */
	const uint32_t *sums; /* fp32 bit patterns (or fixed-point words); functional only */
} cu_out_t;

typedef struct cu cu_t;

cu_t *cu_create(const cu_cfg_t *cfg, stats_t *st);
void cu_destroy(cu_t *cu);

uint32_t cu_tree_depth(uint32_t vs_units, unsigned cfg);

/* Would a tile be accepted this cycle? Reports why not. */
cu_refuse_t cu_in_ready(const cu_t *cu, const cu_tile_t *t);
/* Accepts a tile (precondition: cu_in_ready() == CU_REFUSE_NONE). */
void cu_in_push(cu_t *cu, const cu_tile_t *t);
/* cu_in_ready, and cu_in_push when it accepts: one call where the caller
 * pushes the tile as soon as it is accepted (a stepped run's tile that
 * opens or closes a block, at 64K every tile). */
cu_refuse_t cu_in_offer(cu_t *cu, const cu_tile_t *t);
/* cu_in_push of a tile inside a block (neither first nor last) in a
 * timing run (not functional), without its counters: the caller counts
 * such tiles later with cu_count_mid (a stepped run counts a segment's
 * middle tiles at once). The tap and the tree's exit move as cu_in_push
 * moves them. */
void cu_in_push_mid(cu_t *cu, const cu_tile_t *t);
/* cu_in_push_mid of a tile of the same config as the one cu_in_push_mid
 * accepted in the previous cycle (the next tile of its block): such a tile
 * is always accepted (it is not first, and its exit is one cycle past the
 * previous one's, so past the tap), so the caller need not ask cu_in_ready.
 * The tree's exit moves on by that cycle. */
void cu_in_push_next(cu_t *cu);
/* Counts n tiles of config cfg accepted by cu_in_push_mid, with tree_adds
 * useful tree adds among them: exactly what cu_in_push would have added. */
void cu_count_mid(cu_t *cu, uint64_t n, uint64_t tree_adds, unsigned cfg);
/* The finished block offered this cycle, or NULL. */
const cu_out_t *cu_out_peek(const cu_t *cu);
/* Takes the offered block (out.ready high). */
void cu_out_pop(cu_t *cu);
/* Advances one clock. */
void cu_tick(cu_t *cu);
/* First cycle a finished block will be offered (UINT64_MAX: none pending). */
uint64_t cu_next_out(const cu_t *cu);
/* Fast-forward: exactly k cycles of (cu_in_push(t); cu_tick()) with the
 * same tile, for tiles that neither open nor close a block (precondition:
 * !t->first, !t->last, not functional, and no block offered before cycle
 * now + k). Counters and the tree's exit time end as stepping leaves them. */
void cu_accept_run(cu_t *cu, const cu_tile_t *t, uint64_t k);
/* Fast-forward k cycles with no input and nothing offered (precondition:
 * cu_next_out() >= now + k): the clock only. */
void cu_skip(cu_t *cu, uint64_t k);
/* Steady-state jump (core/ff.c): the complete state, normalized
 * (snap.h), and the shift by whole periods: cycles, steps and block ids. */
void cu_snapshot(const cu_t *cu, snap_t *s);
void cu_shift(cu_t *cu, uint64_t cycles, uint32_t steps, uint32_t ids);
/* Blocks and tiles still inside (0 when fully drained). */
uint32_t cu_in_flight(const cu_t *cu);

/* The values alone, no clock and no counters: the Kr sums (into sums) a
 * row block of the n tiles t[0..n) leaves the accumulators with, in the
 * arithmetic above (t[0] first, t[n-1] last; functional operands set).
 * scratch: N words. The delta datapath (func/fpipe.c) forms a block's
 * value over the held operands with it, while the timed array issues only
 * the used columns (docs/numerics.md, Delta networks). */
void cu_block_values(const cu_cfg_t *cfg, const cu_tile_t *t, uint32_t n, uint32_t *sums, uint32_t *scratch);

/* This unit behind the unit interface (unit.h). */
extern const unit_ops_t cu_unit;

#endif
