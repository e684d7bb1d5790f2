/*
 * tile.h - the one copy of tile geometry, and what a program says about
 * each of its tiles.
 *
 * The VS array of N units of K multipliers forms tile config c (1..4) as
 * groups = 2^(4-c) groups of N/groups units (docs/hardware.md §4): a tile is
 * Kr = groups*K rows by Kc = N/groups columns, and each group's adder tree
 * is log2(N/groups) deep (cu.h).
 *
 * Every column tile of a program carries its own metadata (tile_meta_t),
 * computed once when the program is built (sched.c). The weight buffer
 * (bytes, offsets, bank reads), the controller (useful lanes), the planner
 * (staging room), the functional datapath (real columns) and, through the
 * counters the weight buffer keeps, the energy model read it; none of them
 * re-derives a dense rows x columns x 2 formula, so a compressed or sparse
 * tile only has to fill its metadata differently.
 */
#ifndef SHARPSIM_TILE_H
#define SHARPSIM_TILE_H

#include <stdint.h>

/* Bytes of one dense weight (fp16). */
#define TILE_WEIGHT_BYTES 2u

/* Row groups of tile config cfg (1..4 -> 8, 4, 2, 1). */
static inline uint32_t tile_groups(unsigned cfg)
{
	return 1u << (4 - cfg);
}

/* Kr: rows of a config-cfg tile on K-wide VS units. */
static inline uint32_t tile_rows(unsigned cfg, uint32_t k)
{
	return tile_groups(cfg) * k;
}

/* Kc: columns of a config-cfg tile on N VS units. */
static inline uint32_t tile_cols(unsigned cfg, uint32_t n)
{
	return n / tile_groups(cfg);
}

typedef struct tile_meta {
	uint64_t off;	       /* byte offset within one step's weights, in stream order */
	uint32_t bytes;	       /* stored bytes the tile holds, side data included */
	uint32_t index_bytes;  /* of which side data: scales of a quantized tile (0: fp16) */
	uint32_t bank_rows;    /* K-wide bank rows read: one per column per row group touched */
	uint32_t bank_bytes;   /* bytes those bank reads move */
	uint32_t useful_lanes; /* real (row, column) pairs with a non-zero weight: MACs per sequence */
	uint32_t zero_lanes;   /* real pairs whose weight is pruned (0 when dense): issued, not useful */
	uint32_t col;	       /* its column tile in the partition (columns col*Kc ..); a sparse
				  segment leaves zero tiles out, so it can differ from the index */
	uint32_t useful_adds;  /* tree adds of two live inputs: per real row, its real lanes - 1 */
	uint32_t cols;	       /* real columns: I/H operands read per sequence (docs/energy.md) */
	uint32_t dec_weights;  /* weights the decompression unit expands (0: fp16 dense, bypassed) */
	uint8_t wait;	       /* a progressive layer's wait for its scalar: lanes idle.dependency (apx_prog.h) */
	uint8_t scale_mults;   /* multiplies on the accumulator output as this tile's sums leave (apx_prog.h) */
	uint16_t refine;       /* n >= 1: this tile is U_n of the last block, refinement n reaches every row */
	uint8_t smx;	       /* a softmax's MFU work behind this tile (TILE_SMX_*, smx_prog.h) */
} tile_meta_t;

/* tile_meta_t.smx: each of the tile's `cols` operands was one max
 * comparison and one exp at the MFU; one reciprocal preceded the tile. */
enum { TILE_SMX_EXP = 1u << 0, TILE_SMX_RECIP = 1u << 1 };

#endif
