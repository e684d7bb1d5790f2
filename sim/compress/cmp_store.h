/*
 * cmp_store.h - storage bytes of a weight matrix, or of one tile of it, in
 * a given format, index overhead included, so that the weight buffer, DRAM
 * streaming and energy can later charge what a compressed tile really costs.
 *
 * A format is a layout of the stored values plus optional side data:
 *   layout    bits of a rows x cols tile with nnz non-zeros (v = value_bits,
 *             x = index_bits, p = ptr_bits):
 *     DENSE     rows*cols*v
 *     BITMASK   rows*cols*1 + nnz*v                 (one presence bit each)
 *     CSR       nnz*(v + x) + (rows + 1)*p          (x addresses a column)
 *     CSC       nnz*(v + x) + (cols + 1)*p          (x addresses a row)
 *     BSR       nzb*(b*b*v + x) + (ceil(rows/b) + 1)*p, nzb = b x b blocks
 *               holding a non-zero; edge blocks are stored padded to b x b,
 *               x addresses a block column
 *   side data, per group (cmp_quant.h) of the tile:
 *     SCALE     scale_bits per group (the quantizer's fp32 scales: 32)
 *     CODEBOOK  entries * entry_bits per group; v is then the index width
 * A tile's bytes are ceil(bits / 8): a tile is a unit of transfer and starts
 * on a byte. A tile carries the side data of the groups it touches (it is
 * read on its own), so per-row scales count once per tile row, and blocks
 * (BSR, BLOCK groups) are taken relative to the tile's corner: tiles should
 * be cut on block boundaries.
 *
 * Examples: fp16 dense 64 x 64 = 8192 bytes; 4-bit with per-row fp32 scales
 * = 64*64*4/8 + 64*4 = 2048 + 256 bytes, a quarter of fp16 plus the scales.
 */
#ifndef SHARPSIM_CMP_STORE_H
#define SHARPSIM_CMP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "cmp_quant.h"

typedef enum { CMP_LAYOUT_DENSE = 0, CMP_LAYOUT_BITMASK, CMP_LAYOUT_CSR, CMP_LAYOUT_CSC, CMP_LAYOUT_BSR } cmp_layout_t;

typedef enum { CMP_SIDE_NONE = 0, CMP_SIDE_SCALE, CMP_SIDE_CODEBOOK } cmp_side_t;

typedef struct cmp_store_cfg {
	cmp_layout_t layout;
	unsigned value_bits; /* 1..32: bits of a value, or of a codebook index */
	unsigned index_bits; /* CSR, CSC, BSR: 1..32 */
	unsigned ptr_bits;   /* CSR, CSC, BSR: 1..32 */
	size_t block;	     /* BSR block edge */
	cmp_side_t side;
	cmp_group_t group;   /* SCALE, CODEBOOK: per tensor, row or block */
	size_t group_block;  /* BLOCK group edge */
	unsigned scale_bits; /* SCALE */
	size_t entries;	     /* CODEBOOK */
	unsigned entry_bits; /* CODEBOOK */
} cmp_store_cfg_t;

/* What a tile holds: its non-zeros, and for BSR its non-zero blocks. */
typedef struct cmp_tile_count {
	size_t nnz;
	size_t nz_blocks;
} cmp_tile_count_t;

/* SIM_EINPUT when a field is out of range or an index/pointer cannot
 * address a rows x cols tile ("8-bit column indices cannot address 300
 * columns, expected at least 9 bits"). */
int cmp_store_check(const cmp_store_cfg_t *cfg, size_t rows, size_t cols, sim_err_t *err);
/* Bits of a rows x cols tile with the given counts (closed form above). */
uint64_t cmp_store_bits(const cmp_store_cfg_t *cfg, size_t rows, size_t cols, cmp_tile_count_t n);
/* ceil(bits / 8). */
uint64_t cmp_store_bytes(const cmp_store_cfg_t *cfg, size_t rows, size_t cols, cmp_tile_count_t n);
/* Counts the tile (r0, c0, rows, cols) of the row-major matrix w with
 * leading dimension ld. */
cmp_tile_count_t cmp_tile_count(const double *w, size_t ld, size_t r0, size_t c0, size_t rows, size_t cols,
				size_t block);
/* Bytes of that tile in format cfg. */
uint64_t cmp_store_tile_bytes(const cmp_store_cfg_t *cfg, const double *w, size_t ld, size_t r0, size_t c0, size_t rows,
			      size_t cols);
/* Bytes of the whole matrix cut into tile_rows x tile_cols tiles (edge tiles
 * smaller), each counted on its own. */
uint64_t cmp_store_matrix_bytes(const cmp_store_cfg_t *cfg, const double *w, size_t rows, size_t cols, size_t tile_rows,
				size_t tile_cols);
/* Crossover of a sparse layout against a dense one for a rows x cols tile:
 * the largest non-zero count (for BSR: non-zero block count) at which the
 * sparse format takes no more bytes than dense, or -1 when sparse costs
 * more even when empty. Non-zero counts are spread evenly (BSR blocks full). */
long long cmp_store_crossover(const cmp_store_cfg_t *sparse, const cmp_store_cfg_t *dense, size_t rows, size_t cols);
const char *cmp_layout_name(cmp_layout_t l);
int cmp_layout_parse(const char *s, cmp_layout_t *out);

#endif
