/*
 * cu.c - the compute unit's C model (interface and timing in cu.h).
 *
 * Timing is kept as events, not as a shifting pipeline: a tile accepted in
 * cycle c leaves the tree at exit = c + M + d(cfg) and its block (if `last`)
 * is offered at exit + A. The tap rule keeps exits strictly increasing, so
 * finished blocks form an in-order queue and the model does O(1) work per
 * cycle whatever the tree depth. This is exactly what a registered pipeline
 * of those depths does, because nothing inside the tree can stall.
 *
 * Values (functional mode) are computed when a tile is accepted: the tree
 * and the accumulator are pure functions of the tile and of the block's
 * earlier tiles, which were accepted before it in the same order the
 * hardware adds them, so computing early changes no result.
 */
#include "cu.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../arith/fixed.h"
#include "../arith/fp.h"
#include "../config/hw_cfg.h"
#include "../ctrl/tile.h"

typedef struct cu_slot {
	bool used;
	cu_tag_t tag;
	uint32_t kr;
	uint32_t *acc; /* Kr values (functional) */
} cu_slot_t;

typedef struct cu_done {
	uint64_t ready; /* first cycle the block is offered */
	uint32_t slot;
} cu_done_t;

struct cu {
	cu_cfg_t cfg;
	uint64_t now;
	uint32_t depth[5];
	/* per tile config, asked per tile: M + d(cfg), a tile's cycles from
	 * acceptance to leaving the tree, and Kr = groups(cfg) * K, its rows */
	uint32_t tree_exit[5], kr[5];
	uint32_t max_kr;
	uint64_t last_exit;
	bool exited;
	cu_slot_t *slot;
	uint32_t *free_stack, nfree;
	cu_tag_t *tags;	    /* snapshot scratch, one per accumulator */
	uint32_t last_slot; /* cache: consecutive tiles of one block */
	cu_done_t *done;
	uint32_t dhead, dcount;
	cu_out_t out;
	uint32_t g_max;	   /* largest of 8,4,2,1 dividing N */
	uint32_t *scratch; /* functional: one row's leaves */
	/* counters, plain fields (stats_field): bumped per tile */
	uint64_t tile_cycles, tree_adds, acc_adds, blocks;
	stats_t *st;
	/* functional mode's, after the stepped fields so that they keep
	 * their cache lines (cu_cfg_t.panel) */
	uint32_t panel; /* the tiles' wf rows per panel (cu_panel_of) */
	isa_t isa;	/* the float path's instruction set for 8-row panels (isa.h) */
};

static uint32_t ceil_log2(uint32_t x)
{
	uint32_t l = 0;
	while ((1u << l) < x)
		l++;
	return l;
}

uint32_t cu_tree_depth(uint32_t n, unsigned cfg)
{
	if (cfg < 1 || cfg > 4 || n % tile_groups(cfg))
		return 0;
	return ceil_log2(n / tile_groups(cfg));
}

/* The largest of 8, 4, 2, 1 dividing N: the tree's sub-group split. */
static uint32_t cu_g_max(uint32_t n)
{
	uint32_t g = 1;
	while (g < 8 && n % (g * 2) == 0)
		g *= 2;
	return g;
}

cu_t *cu_create(const cu_cfg_t *cfg, stats_t *st)
{
	if (!cfg->vs_units || !cfg->vs_width || !cfg->mult_latency || !cfg->acc_latency || !cfg->accumulators)
		return NULL;
	cu_t *cu = calloc(1, sizeof *cu);
	if (!cu)
		return NULL;
	cu->cfg = *cfg;
	cu->panel = cu_panel_of(cfg);
	cu->isa = isa_best();
	for (unsigned c = 1; c <= 4; c++) {
		bool ok = cfg->vs_units % tile_groups(c) == 0;
		cu->depth[c] = ok ? cu_tree_depth(cfg->vs_units, c) : 0;
		cu->tree_exit[c] = cfg->mult_latency + cu->depth[c];
		cu->kr[c] = tile_groups(c) * cfg->vs_width;
		if (ok && tile_groups(c) * cfg->vs_width > cu->max_kr)
			cu->max_kr = tile_groups(c) * cfg->vs_width; /* the tallest tile sizes the accumulators */
	}
	cu->g_max = cu_g_max(cfg->vs_units);
	uint32_t a = cfg->accumulators;
	cu->slot = calloc(a, sizeof *cu->slot);
	cu->free_stack = malloc(a * sizeof *cu->free_stack);
	cu->done = calloc(a, sizeof *cu->done);
	cu->tags = calloc(a, sizeof *cu->tags);
	if (!cu->slot || !cu->free_stack || !cu->done || !cu->tags) {
		cu_destroy(cu);
		return NULL;
	}
	for (uint32_t i = 0; i < a; i++)
		cu->free_stack[i] = a - 1 - i; /* slot 0 is handed out first */
	cu->nfree = a;
	if (cfg->functional) {
		for (uint32_t i = 0; i < a; i++)
			if (!(cu->slot[i].acc = calloc(cu->max_kr, sizeof(uint32_t)))) {
				cu_destroy(cu);
				return NULL;
			}
		cu->scratch = malloc(cfg->vs_units * sizeof(uint32_t));
		if (!cu->scratch) {
			cu_destroy(cu);
			return NULL;
		}
	}
	cu->st = st;
	if (!stats_field(st, "vs.tile_cycles", STATS_CYCLES, "cycles the VS array multiplied a tile",
			 &cu->tile_cycles) ||
	    !stats_field(st, "tree.adds", STATS_OPS, "fp32 adds in the add-reduce tree", &cu->tree_adds) ||
	    !stats_field(st, "acc.adds", STATS_OPS, "fp32 adds in the accumulators", &cu->acc_adds) ||
	    !stats_field(st, "acc.blocks", STATS_EVENTS, "row blocks finished", &cu->blocks)) {
		cu_destroy(cu);
		return NULL;
	}
	return cu;
}

void cu_destroy(cu_t *cu)
{
	if (!cu)
		return;
	stats_seal(cu->st); /* its counters are fields of cu */
	if (cu->slot)
		for (uint32_t i = 0; i < cu->cfg.accumulators; i++)
			free(cu->slot[i].acc);
	free(cu->slot);
	free(cu->free_stack);
	free(cu->done);
	free(cu->tags);
	free(cu->scratch);
	free(cu);
}

/* cu_in_ready's test, inlined into cu_in_offer as into its own copy */
static inline __attribute__((always_inline)) cu_refuse_t cu_ready(const cu_t *cu, const cu_tile_t *t)
{
	if (t->first && cu->nfree == 0)
		return CU_REFUSE_SLOTS;
	if (cu->exited && cu->now + cu->tree_exit[t->cfg] <= cu->last_exit)
		return CU_REFUSE_TAP;
	return CU_REFUSE_NONE;
}

cu_refuse_t cu_in_ready(const cu_t *cu, const cu_tile_t *t)
{
	return cu_ready(cu, t);
}

static uint32_t cu_find_slot(cu_t *cu, const cu_tag_t *tag)
{
	cu_slot_t *s = &cu->slot[cu->last_slot];
	if (s->used && s->tag.block == tag->block && s->tag.seq == tag->seq)
		return cu->last_slot;
	for (uint32_t i = 0; i < cu->cfg.accumulators; i++) {
		s = &cu->slot[i];
		if (s->used && s->tag.block == tag->block && s->tag.seq == tag->seq)
			return cu->last_slot = i;
	}
	return UINT32_MAX;
}

/* Adjacent-pair reduction of n fp32 values in place; an odd last node passes
 * through to the next level (docs/numerics.md). */
static uint32_t cu_reduce_f32(uint32_t *v, uint32_t n)
{
	while (n > 1) {
		uint32_t half = n / 2;
		for (uint32_t i = 0; i < half; i++)
			v[i] = arith_f32_add(v[2 * i], v[2 * i + 1]);
		if (n & 1)
			v[half] = v[n - 1];
		n = half + (n & 1);
	}
	return v[0];
}

static uint32_t cu_product(const cu_t *cu, uint16_t w, uint16_t x)
{
	switch (cu->cfg.prec) {
	case PREC_BF16:
		return arith_bf16_mul(w, x);
	default:
		return arith_f16_mul(w, x);
	}
}

/* The block's accumulator after one more tree sum: the first tile starts it
 * (from init when given), later tiles add in tile order. */
static inline void cu_accumulate_f32(cu_slot_t *s, const cu_tile_t *t, uint32_t r, uint32_t sum)
{
	if (t->first)
		s->acc[r] = t->has_init ? arith_f32_add(t->init[r], sum) : sum;
	else
		s->acc[r] = arith_f32_add(s->acc[r], sum);
}

/* Fixed point: exact integer products and tree (order immaterial), then
 * the acc_bits accumulator saturating on every add: sat(sum) on a fresh
 * block, sat(init + sum), sat(acc + sum) with the exact tree sum (the tree
 * sum alone is not clamped before it is added). */
static void cu_compute_fixed(cu_t *cu, cu_slot_t *s, const cu_tile_t *t, uint32_t kr, uint32_t kc)
{
	bool wide = cu->cfg.prec == PREC_FIX16X16;
	unsigned bits = cu->cfg.acc_bits;
	for (uint32_t r = 0; r < kr; r++) {
		const uint16_t *w = t->w + (size_t)r * kc;
		int64_t sum = 0;
		if (wide)
			for (uint32_t j = 0; j < kc; j++)
				sum += fix_mul16x16((int16_t)t->x[j], (int16_t)w[j]);
		else
			for (uint32_t j = 0; j < kc; j++)
				sum += fix_mul16x8((int16_t)t->x[j], w[j]);
		int32_t base = t->first ? (t->has_init ? (int32_t)t->init[r] : 0) : (int32_t)s->acc[r];
		s->acc[r] = (uint32_t)fix_acc_add(base, sum, bits);
	}
}

/* Floating point on the bit patterns (the interface the RTL co-simulation
 * drives): one contract multiply per leaf, one contract add per node. */
static void cu_compute_bits(cu_t *cu, cu_slot_t *s, const cu_tile_t *t, uint32_t kr, uint32_t kc, uint32_t sub,
			    uint32_t nsub)
{
	for (uint32_t r = 0; r < kr; r++) {
		const uint16_t *w = t->w + (size_t)r * kc;
		for (uint32_t j = 0; j < kc; j++)
			cu->scratch[j] = cu_product(cu, w[j], t->x[j]);
		for (uint32_t q = 0; q < nsub; q++)
			cu->scratch[q] = cu_reduce_f32(cu->scratch + q * sub, sub);
		cu_accumulate_f32(s, t, r, cu_reduce_f32(cu->scratch, nsub));
	}
}

/*
 * The same arithmetic on the pre-widened float copies (cu_tile_t.wf, .xf):
 * fp16 x fp16 products are exact in binary32 and bf16 x bf16 and fp32 x
 * fp32 products are one RNE binary32 multiply, which is what the host's
 * float * does (docs/numerics.md §8). Bit-identical to cu_compute_bits, and
 * the only path of fp32, whose words do not fit the 16-bit fields.
 *
 * The tile's rows are independent trees of the same shape, so they are
 * evaluated side by side, one row per SIMD lane: wf is in panels of
 * pw rows, each column-major (cu_wf_row, cu.h), so the k-th leaves of
 * a panel are one contiguous vector and every operation below is an
 * element-wise float * or + that the compiler vectorises (no reassociation:
 * each lane performs exactly its row's adds in its row's order). NaN
 * payloads are left as the host makes them and each row's sum is
 * canonicalised once where it leaves the tree (docs/numerics.md §8: + never
 * lets a NaN's payload reach a non-NaN result, so the bits match
 * canonicalising after every add). The project builds with -std=c11, where
 * GCC's default is -ffp-contract=off, so w0 * x0 + w1 * x1 is never fused.
 *
 * Kc a power of two takes cu_rows_fused or cu_rows_big (below); the
 * others go through the stack of partial sums, CU_LANES rows (four
 * panels) at a time.
 *
 * The tree order without a buffer of its Kc leaves: an adjacent-pair tree
 * over n leaves with odd nodes passed up is the perfect trees over the
 * binary digits of n (largest first), added right to left. A stack of
 * partial sums builds it in leaf order: after pushing leaf i, the top two
 * are added (left + right) once for every trailing one bit of i; at the end
 * of a sub-group the rest are added from the top. The sub-group roots are
 * then the leaves of the same scheme (nsub is a power of two, no odd
 * level). Depth: the leaves' stream holds at most one entry per binary
 * digit of sub (32), the nodes' at most 3 (nsub <= 8), plus the one being
 * pushed, so CU_STACK entries bound any N.
 *
 *   push leaf 11 (0b1011: two trailing ones, two adds):
 *   [s0..7][s8,9][s10][s11] -> [s0..7][s8,9][s10,11] -> [s0..7][s8..11]
 */
#define CU_LANES 16
#define CU_STACK 40

/* Forced inline where the compiler has the attribute (GCC, Clang): each
 * call site's constant lane count is what makes the loops vectorise, and
 * -O2's size limits would otherwise keep one shared copy. */
#if defined(__GNUC__)
#define CU_INLINE static inline __attribute__((always_inline))
#else
#define CU_INLINE static inline
#endif

/* The lane operations, each over np panels of pw rows side by side (row j
 * of panel p: leaf at w[p * ps + j], lane p * pw + j): add the stack's top
 * into the entry below, and form a leaf, a pair of leaves or a subtree of
 * eight (restrict: stack entries and weights never overlap, which lets the
 * compiler vectorise without runtime overlap checks). */
CU_INLINE void cu_lanes_add(float *restrict a, const float *restrict b, uint32_t nl)
{
	for (uint32_t r = 0; r < nl; r++)
		a[r] = a[r] + b[r];
}

CU_INLINE void cu_lanes_pair(float *restrict top, const float *restrict w0, const float *restrict w1, size_t ps,
			     float x0, float x1, uint32_t np, uint32_t pw)
{
	for (uint32_t p = 0; p < np; p++)
		for (uint32_t j = 0; j < pw; j++)
			top[p * pw + j] = w0[p * ps + j] * x0 + w1[p * ps + j] * x1;
}

/* The subtree of 8 adjacent leaves k .. k+7 (w: leaf k's rows, ld the
 * leaves' stride), formed in registers: its three levels in the tree's own
 * pairing. */
CU_INLINE void cu_lanes_oct(float *restrict top, const float *restrict w, size_t ld, size_t ps, const float *x,
			    uint32_t np, uint32_t pw)
{
	const float *restrict w1 = w + ld, *restrict w2 = w1 + ld, *restrict w3 = w2 + ld;
	const float *restrict w4 = w3 + ld, *restrict w5 = w4 + ld, *restrict w6 = w5 + ld, *restrict w7 = w6 + ld;
	float x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5], x6 = x[6], x7 = x[7];
	for (uint32_t p = 0; p < np; p++)
		for (uint32_t j = 0; j < pw; j++) {
			size_t r = p * ps + j;
			top[p * pw + j] = ((w[r] * x0 + w1[r] * x1) + (w2[r] * x2 + w3[r] * x3)) +
					  ((w4[r] * x4 + w5[r] * x5) + (w6[r] * x6 + w7[r] * x7));
		}
}

CU_INLINE void cu_lanes_mul(float *restrict top, const float *restrict w, size_t ps, float x, uint32_t np, uint32_t pw)
{
	for (uint32_t p = 0; p < np; p++)
		for (uint32_t j = 0; j < pw; j++)
			top[p * pw + j] = w[p * ps + j] * x;
}

/* Tree sums of np panels of pw rows (w: leaf 0 of the first panel's first row,
 * ld: the leaves' stride, ps: the panels'), np * pw <= CU_LANES, left in
 * v[0] (v: the stack; n its depth). */
CU_INLINE void cu_rows_tree(const float *w, const float *x, size_t ld, size_t ps, uint32_t kc, uint32_t sub,
			    uint32_t nsub, uint32_t np, uint32_t pw, float (*v)[CU_LANES])
{
	uint32_t n = 0, nl = np * pw;
	if ((sub & (sub - 1)) == 0 && kc > 1) {
		/* sub and nsub powers of two: one adjacent-pair tree over all Kc
		 * leaves with no odd level; its first three levels straight from
		 * the products when Kc >= 8, else its first (w0 * x0 + w1 * x1, as
		 * the tree adds its two leaves) */
		for (uint32_t i = 0; kc >= 8 && i < kc / 8; i++) {
			cu_lanes_oct(v[n++], w + (size_t)8 * i * ld, ld, ps, x + 8 * i, np, pw);
			for (uint32_t c = i; c & 1; c >>= 1, n--)
				cu_lanes_add(v[n - 2], v[n - 1], nl);
		}
		for (uint32_t i = 0; kc < 8 && i < kc / 2; i++) {
			const float *w0 = w + (size_t)2 * i * ld;
			cu_lanes_pair(v[n++], w0, w0 + ld, ps, x[2 * i], x[2 * i + 1], np, pw);
			for (uint32_t c = i; c & 1; c >>= 1, n--)
				cu_lanes_add(v[n - 2], v[n - 1], nl);
		}
	} else {
		for (uint32_t q = 0; q < nsub; q++) {
			uint32_t base = n;
			for (uint32_t j = 0; j < sub; j++) {
				uint32_t k = q * sub + j;
				cu_lanes_mul(v[n++], w + (size_t)k * ld, ps, x[k], np, pw);
				for (uint32_t c = j; c & 1; c >>= 1, n--)
					cu_lanes_add(v[n - 2], v[n - 1], nl);
			}
			for (; n > base + 1; n--)
				cu_lanes_add(v[n - 2], v[n - 1], nl);
			/* the sub-group's root, v[base], is leaf q of the nodes' tree */
			for (uint32_t c = q; c & 1; c >>= 1, n--)
				cu_lanes_add(v[n - 2], v[n - 1], nl);
		}
	}
	for (; n > 1; n--)
		cu_lanes_add(v[n - 2], v[n - 1], nl);
}

/*
 * Kc a power of two up to CU_FUSED_MAX (every tile config of sharp-1k, the
 * narrower ones of the larger presets; cu_rows_big takes the wider): the
 * whole tree of a row in one expression, the tree's own pairing written out
 * (halves of halves down to pairs of products), and the row's accumulator
 * add in the same loop. One loop over a panel's rows, whose iterations are
 * independent rows, so the compiler runs it one row per SIMD lane with no
 * stack of partial sums in memory and every leaf a constant offset from the
 * panel's pointer; within a lane the adds are the row's adds in the row's
 * order, as above. kc is a constant at every
 * call site (always inline), so each Kc gets its own straight-line tree.
 *
 *   Kc = 8:  ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))
 *   Kc = 16: tree8(leaves 0..7) + tree8(leaves 8..15), and so on
 */
#define CU_FUSED_MAX 64

CU_INLINE float cu_t2(const float *w, size_t ld, const float *x, size_t r)
{
	return w[r] * x[0] + w[ld + r] * x[1];
}

/* The tree of 2h leaves: the trees of its two halves added (GCC refuses to
 * inline a recursive function, so one per level). */
#define CU_TREE_LEVEL(name, half, h)                                              \
	CU_INLINE float name(const float *w, size_t ld, const float *x, size_t r) \
	{                                                                         \
		return half(w, ld, x, r) + half(w + (h)*ld, ld, x + (h), r);      \
	}
CU_TREE_LEVEL(cu_t4, cu_t2, 2)
CU_TREE_LEVEL(cu_t8, cu_t4, 4)
CU_TREE_LEVEL(cu_t16, cu_t8, 8)
CU_TREE_LEVEL(cu_t32, cu_t16, 16)
CU_TREE_LEVEL(cu_t64, cu_t32, 32)

/* One row's tree over kc leaves (kc constant at the call site). */
CU_INLINE float cu_row_tree(const float *w, size_t ld, const float *x, size_t r, uint32_t kc)
{
	switch (kc) {
	case 2:
		return cu_t2(w, ld, x, r);
	case 4:
		return cu_t4(w, ld, x, r);
	case 8:
		return cu_t8(w, ld, x, r);
	case 16:
		return cu_t16(w, ld, x, r);
	case 32:
		return cu_t32(w, ld, x, r);
	default:
		return cu_t64(w, ld, x, r);
	}
}

/* The nr rows of one panel (w: its leaf 0s, ld: its stride, acc and init
 * at its first row) added into the block's accumulator (cu_accumulate_f32,
 * its three cases split so that each loop is branch free; canonicalising
 * the sum before the add or only after it gives the same bits,
 * docs/numerics.md §8). */
CU_INLINE void cu_rows_acc(uint32_t *restrict acc, const cu_tile_t *t, const uint32_t *init, const float *restrict w,
			   size_t ld, uint32_t kc, uint32_t nr)
{
	const float *restrict x = t->xf;
	if (!t->first)
		for (uint32_t r = 0; r < nr; r++)
			acc[r] = arith_float_canon(arith_bits_to_float(acc[r]) + cu_row_tree(w, ld, x, r, kc));
	else if (t->has_init)
		for (uint32_t r = 0; r < nr; r++)
			acc[r] = arith_float_canon(arith_bits_to_float(init[r]) + cu_row_tree(w, ld, x, r, kc));
	else
		for (uint32_t r = 0; r < nr; r++)
			acc[r] = arith_float_canon(cu_row_tree(w, ld, x, r, kc));
}

/* All Kr rows, panel by panel (cu.h): full panels at the constant stride
 * and trip count pw (-O2's vectoriser refuses loops that would need a
 * scalar epilogue, and a constant stride keeps every leaf an offset from one
 * pointer), then a last short panel (odd K). */
CU_INLINE void cu_rows_fused(cu_slot_t *s, const cu_tile_t *t, uint32_t kr, uint32_t kc, uint32_t pw)
{
	uint32_t r0 = 0;
	for (; r0 + pw <= kr; r0 += pw)
		cu_rows_acc(s->acc + r0, t, t->init + r0, t->wf + (size_t)r0 * kc, pw, kc, pw);
	if (r0 < kr)
		cu_rows_acc(s->acc + r0, t, t->init + r0, t->wf + (size_t)r0 * kc, kr - r0, kc, kr - r0);
}

/* Kc a power of two above CU_FUSED_MAX: the trees of its runs of
 * CU_FUSED_MAX leaves (cu_t64), whose roots are the leaves of the rest of
 * the same tree (their count a power of two), built in run order on a stack
 * per row (as cu_rows_tree's: after root c, one add per trailing one bit of
 * c, the earlier node on the left). Runs outermost, so that a run's x
 * stays in registers over up to CU_BIG_PANELS panels; a last short panel
 * (pw < panel rows) goes alone. Bounded by CU_ROOTS runs (Kc <= 4096). */
#define CU_ROOTS 64
#define CU_ROOT_DEPTH 7 /* log2(CU_ROOTS) + 1 */
#define CU_BIG_PANELS 32

CU_INLINE void cu_big_panels(cu_slot_t *s, const cu_tile_t *t, uint32_t kc, uint32_t r0, uint32_t np, uint32_t pw,
			     uint32_t panel)
{
	float st[CU_BIG_PANELS][CU_ROOT_DEPTH][CU_PANEL_AVX];
	const float *restrict w = t->wf + (size_t)r0 * kc;
	uint32_t nc = kc / CU_FUSED_MAX, n = 0;
	for (uint32_t c = 0; c < nc; c++) {
		const float *restrict x = t->xf + c * CU_FUSED_MAX;
		uint32_t m = n;
		for (uint32_t k = c; k & 1; k >>= 1)
			m--;
		for (uint32_t p = 0; p < np; p++) {
			const float *restrict wc = w + (size_t)p * panel * kc + (size_t)c * CU_FUSED_MAX * pw;
			float v[CU_PANEL_AVX];
			for (uint32_t r = 0; r < pw; r++)
				v[r] = cu_t64(wc, pw, x, r);
			for (uint32_t k = c, d = n; k & 1; k >>= 1) {
				const float *restrict left = st[p][--d];
				for (uint32_t r = 0; r < pw; r++)
					v[r] = left[r] + v[r];
			}
			for (uint32_t r = 0; r < pw; r++)
				st[p][m][r] = v[r];
		}
		n = m + 1;
	}
	for (uint32_t p = 0; p < np; p++)
		for (uint32_t r = 0; r < pw; r++)
			cu_accumulate_f32(s, t, r0 + p * panel + r, arith_float_canon(st[p][0][r]));
}

CU_INLINE void cu_rows_big(cu_slot_t *s, const cu_tile_t *t, uint32_t kr, uint32_t kc, uint32_t pw)
{
	uint32_t r0 = 0;
	for (; r0 + pw <= kr;) {
		uint32_t np = (kr - r0) / pw;
		np = np < CU_BIG_PANELS ? np : CU_BIG_PANELS;
		cu_big_panels(s, t, kc, r0, np, pw, pw);
		r0 += np * pw;
	}
	if (r0 < kr)
		cu_big_panels(s, t, kc, r0, 1, kr - r0, pw);
}

/* Kc a power of two: cu_rows_fused up to CU_FUSED_MAX, cu_rows_big above.
 * Otherwise full panels CU_LANES rows at a time through the stack, and the
 * rows of a last short panel one at a time. pw: the tiles' panel width, a
 * constant in each variant below. */
CU_INLINE void cu_float_body(cu_slot_t *s, const cu_tile_t *t, uint32_t kr, uint32_t kc, uint32_t sub, uint32_t nsub,
			     uint32_t pw)
{
	switch (kc) {
	case 2:
		cu_rows_fused(s, t, kr, 2, pw);
		return;
	case 4:
		cu_rows_fused(s, t, kr, 4, pw);
		return;
	case 8:
		cu_rows_fused(s, t, kr, 8, pw);
		return;
	case 16:
		cu_rows_fused(s, t, kr, 16, pw);
		return;
	case 32:
		cu_rows_fused(s, t, kr, 32, pw);
		return;
	case 64:
		cu_rows_fused(s, t, kr, 64, pw);
		return;
	default:
		if (kc > CU_FUSED_MAX && (kc & (kc - 1)) == 0 && kc / CU_FUSED_MAX <= CU_ROOTS) {
			cu_rows_big(s, t, kr, kc, pw);
			return;
		}
		break;
	}
	float v[CU_STACK][CU_LANES];
	size_t ps = (size_t)pw * kc;
	uint32_t r0 = 0;
	for (; r0 + CU_LANES <= kr; r0 += CU_LANES) {
		cu_rows_tree(t->wf + (size_t)r0 * kc, t->xf, pw, ps, kc, sub, nsub, CU_LANES / pw, pw, v);
		for (uint32_t r = 0; r < CU_LANES; r++)
			cu_accumulate_f32(s, t, r0 + r, arith_float_canon(v[0][r]));
	}
	for (; r0 + pw <= kr; r0 += pw) {
		cu_rows_tree(t->wf + (size_t)r0 * kc, t->xf, pw, ps, kc, sub, nsub, 1, pw, v);
		for (uint32_t r = 0; r < pw; r++)
			cu_accumulate_f32(s, t, r0 + r, arith_float_canon(v[0][r]));
	}
	for (uint32_t r = r0; r < kr; r++) {
		cu_rows_tree(t->wf + (size_t)r0 * kc + (r - r0), t->xf, kr - r0, ps, kc, sub, nsub, 1, 1, v);
		cu_accumulate_f32(s, t, r, arith_float_canon(v[0][0]));
	}
}

/* The variants: SSE2 on 4-row panels, and 8-row panels in AVX2 and
 * AVX-512 (isa.h), or in plain C where 8-row panels were asked of a CPU
 * without them (cu_cfg_t.panel; the same sums, only slower). */
static void cu_float_sse(cu_slot_t *s, const cu_tile_t *t, uint32_t kr, uint32_t kc, uint32_t sub, uint32_t nsub)
{
	cu_float_body(s, t, kr, kc, sub, nsub, CU_PANEL_SSE);
}

static void cu_float_plain8(cu_slot_t *s, const cu_tile_t *t, uint32_t kr, uint32_t kc, uint32_t sub, uint32_t nsub)
{
	cu_float_body(s, t, kr, kc, sub, nsub, CU_PANEL_AVX);
}

#ifdef ISA_X86
ISA_TARGET_AVX2 static void cu_float_avx2(cu_slot_t *s, const cu_tile_t *t, uint32_t kr, uint32_t kc, uint32_t sub,
					  uint32_t nsub)
{
	cu_float_body(s, t, kr, kc, sub, nsub, CU_PANEL_AVX);
}

ISA_TARGET_AVX512 static void cu_float_avx512(cu_slot_t *s, const cu_tile_t *t, uint32_t kr, uint32_t kc, uint32_t sub,
					      uint32_t nsub)
{
	cu_float_body(s, t, kr, kc, sub, nsub, CU_PANEL_AVX);
}
#endif

static void cu_compute_float(const cu_t *cu, cu_slot_t *s, const cu_tile_t *t, uint32_t kr, uint32_t kc, uint32_t sub,
			     uint32_t nsub)
{
	if (cu->panel != CU_PANEL_AVX)
		cu_float_sse(s, t, kr, kc, sub, nsub);
	else
		ISA_PICK(cu->isa, cu_float_plain8, cu_float_avx2, cu_float_avx512)(s, t, kr, kc, sub, nsub);
}

/* One tile's Kr tree sums added into the block's accumulator. The tree over a
 * tile group of Kc leaves is hierarchical (cu.h): sub-groups of N/g_max
 * leaves reduce by adjacent pairs, then their nodes pair up. */
static void cu_compute(cu_t *cu, cu_slot_t *s, const cu_tile_t *t)
{
	uint32_t groups = tile_groups(t->cfg);
	uint32_t kr = groups * cu->cfg.vs_width, kc = cu->cfg.vs_units / groups;
	uint32_t sub = cu->cfg.vs_units / cu->g_max, nsub = kc / sub;
	if (cu->cfg.prec == PREC_FIX16X8 || cu->cfg.prec == PREC_FIX16X16)
		cu_compute_fixed(cu, s, t, kr, kc);
	else if (t->wf && t->xf) /* fp32 tiles always carry them (cu.h) */
		cu_compute_float(cu, s, t, kr, kc, sub, nsub);
	else
		cu_compute_bits(cu, s, t, kr, kc, sub, nsub);
}

void cu_block_values(const cu_cfg_t *cfg, const cu_tile_t *t, uint32_t n, uint32_t *sums, uint32_t *scratch)
{
	cu_t c = { .cfg = *cfg,
		   .scratch = scratch,
		   .g_max = cu_g_max(cfg->vs_units),
		   .panel = cu_panel_of(cfg),
		   .isa = isa_best() };
	cu_slot_t s = { .used = true, .acc = sums };
	for (uint32_t i = 0; i < n; i++)
		cu_compute(&c, &s, &t[i]);
}

/* cu_in_push's work, inlined into cu_in_offer as into its own copy */
static inline __attribute__((always_inline)) void cu_push(cu_t *cu, const cu_tile_t *t)
{
	uint32_t si = UINT32_MAX;
	if (t->first) {
		si = cu->free_stack[--cu->nfree];
		cu_slot_t *s = &cu->slot[si];
		s->used = true;
		s->tag = t->tag;
		s->kr = cu->kr[t->cfg];
		cu->last_slot = si;
	} else if (t->last || cu->cfg.functional) {
		/* Only the values and the finished block need the slot: a tile
		 * inside a block of a timing run changes no slot (on the
		 * stepped path, most tiles). */
		si = cu_find_slot(cu, &t->tag);
	}
	cu->tile_cycles += 1;
	/* Only adds of two real inputs switch: padded lanes are clock-gated
	 * zeros, as in the multipliers (docs/energy.md). */
	cu->tree_adds += t->useful_adds;
	if (!t->first || t->has_init)
		cu->acc_adds += cu->kr[t->cfg];
	if (cu->cfg.functional && (t->w || t->wf))
		cu_compute(cu, &cu->slot[si], t);
	uint64_t exit = cu->now + cu->tree_exit[t->cfg];
	cu->last_exit = exit;
	cu->exited = true;
	if (t->last) {
		uint32_t a = cu->cfg.accumulators;
		uint32_t tail = (cu->dhead + cu->dcount) % a;
		cu->done[tail].ready = exit + cu->cfg.acc_latency;
		cu->done[tail].slot = si;
		cu->dcount++;
	}
}

void cu_in_push(cu_t *cu, const cu_tile_t *t)
{
	cu_push(cu, t);
}

cu_refuse_t cu_in_offer(cu_t *cu, const cu_tile_t *t)
{
	cu_refuse_t r = cu_ready(cu, t);
	if (r == CU_REFUSE_NONE)
		cu_push(cu, t);
	return r;
}

void cu_in_push_mid(cu_t *cu, const cu_tile_t *t)
{
	cu->last_exit = cu->now + cu->tree_exit[t->cfg];
	cu->exited = true;
}

void cu_in_push_next(cu_t *cu)
{
	cu->last_exit++; /* now + tree_exit[cfg], the previous tile's + 1 */
}

void cu_count_mid(cu_t *cu, uint64_t n, uint64_t tree_adds, unsigned cfg)
{
	cu->tile_cycles += n;
	cu->tree_adds += tree_adds;
	cu->acc_adds += n * cu->kr[cfg]; /* not a block's first tile: every one adds */
}

/* The accumulators' output, peek and pop, forced inline (across units,
 * by the link-time optimizer) into the engine's stage 3: at 64K a block
 * leaves nearly every cycle, and the two calls' prologues and epilogues
 * cost about 10 instructions a cycle there once the controller's tick was
 * inline too (docs/performance.md, "What the thirteenth round removed"). */
inline __attribute__((always_inline)) const cu_out_t *cu_out_peek(const cu_t *cu)
{
	if (!cu->dcount || cu->done[cu->dhead].ready > cu->now)
		return NULL;
	const cu_slot_t *s = &cu->slot[cu->done[cu->dhead].slot];
	cu_out_t *o = (cu_out_t *)&cu->out;
	o->tag = s->tag;
	o->kr = s->kr;
	o->sums = s->acc;
	return o;
}

inline __attribute__((always_inline)) void cu_out_pop(cu_t *cu)
{
	uint32_t si = cu->done[cu->dhead].slot;
	cu->slot[si].used = false;
	cu->free_stack[cu->nfree++] = si;
	cu->dhead = (cu->dhead + 1) % cu->cfg.accumulators;
	cu->dcount--;
	cu->blocks += 1;
}

void cu_tick(cu_t *cu)
{
	cu->now++;
}

uint32_t cu_in_flight(const cu_t *cu)
{
	uint32_t open = cu->cfg.accumulators - cu->nfree;
	bool tree_busy = cu->exited && cu->last_exit + cu->cfg.acc_latency > cu->now;
	return open + (tree_busy ? 1 : 0);
}

uint64_t cu_next_out(const cu_t *cu)
{
	return cu->dcount ? cu->done[cu->dhead].ready : UINT64_MAX;
}

void cu_accept_run(cu_t *cu, const cu_tile_t *t, uint64_t k)
{
	uint32_t groups = tile_groups(t->cfg), kk = cu->cfg.vs_width;
	cu->tile_cycles += k;
	cu->tree_adds += k * t->useful_adds;
	cu->acc_adds += k * groups * kk;
	cu->last_exit = cu->now + k - 1 + cu->cfg.mult_latency + cu->depth[t->cfg];
	cu->exited = true;
	cu->now += k;
}

/* Accumulator slots are interchangeable: which physical slot a block got
 * changes no cycle and no count, so the snapshot names blocks by tag, not
 * by slot, and lists the open ones sorted by (block, sequence). */
static int cu_tag_cmp(const void *x, const void *y)
{
	const cu_tag_t *a = x, *b = y;
	if (a->block != b->block)
		return a->block < b->block ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The compute unit's clock and its last block's exit. */
static const snap_field_t cu_fields[] = {
	SNAP_FIELD(struct cu, now, SNAP_TIME),
	SNAP_FIELD(struct cu, exited, SNAP_PLAIN),
	SNAP_FIELD_IF(struct cu, last_exit, SNAP_TIME, exited),
	SNAP_FIELD(struct cu, nfree, SNAP_PLAIN),
};
/* An open accumulator's tag. */
static const snap_field_t tag_fields[] = {
	SNAP_FIELD(cu_tag_t, step, SNAP_STEP),	SNAP_FIELD(cu_tag_t, block, SNAP_ID),
	SNAP_FIELD(cu_tag_t, gate, SNAP_PLAIN), SNAP_FIELD(cu_tag_t, seq, SNAP_PLAIN),
	SNAP_FIELD(cu_tag_t, row0, SNAP_PLAIN),
};

void cu_snapshot(const cu_t *cu, snap_t *s)
{
	snap_fields(s, cu, (snap_table_t)SNAP_TABLE(cu_fields));
	/* The open accumulators as a set: which slot holds a block does not
	 * change what happens next, so the tags are sorted. */
	cu_tag_t *open = cu->tags;
	uint32_t n = 0;
	for (uint32_t i = 0; i < cu->cfg.accumulators; i++)
		if (cu->slot[i].used)
			open[n++] = cu->slot[i].tag;
	qsort(open, n, sizeof *open, cu_tag_cmp);
	for (uint32_t i = 0; i < n; i++)
		snap_fields(s, &open[i], (snap_table_t)SNAP_TABLE(tag_fields));
	/* Finished blocks waiting to leave, by their slot's tag. */
	snap_put(s, cu->dcount);
	for (uint32_t i = 0; i < cu->dcount; i++) {
		const cu_done_t *d = &cu->done[(cu->dhead + i) % cu->cfg.accumulators];
		snap_time(s, d->ready);
		snap_id(s, cu->slot[d->slot].tag.block);
		snap_put(s, cu->slot[d->slot].tag.seq);
	}
}

void cu_shift(cu_t *cu, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	snap_fields_shift(cu, (snap_table_t)SNAP_TABLE(cu_fields), cycles, steps, ids);
	for (uint32_t i = 0; i < cu->cfg.accumulators; i++)
		if (cu->slot[i].used)
			snap_fields_shift(&cu->slot[i].tag, (snap_table_t)SNAP_TABLE(tag_fields), cycles, steps, ids);
	for (uint32_t i = 0; i < cu->dcount; i++)
		cu->done[(cu->dhead + i) % cu->cfg.accumulators].ready += cycles;
}

void cu_skip(cu_t *cu, uint64_t k)
{
	cu->now += k;
}

/* The unit interface (unit.h). */
static void cu_unit_snapshot(const void *u, snap_t *s)
{
	cu_snapshot(u, s);
}

static void cu_unit_shift(void *u, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	cu_shift(u, cycles, steps, ids);
}

/* Quiet until the next finished block is offered. */
static uint64_t cu_unit_quiet_for(const void *u)
{
	const cu_t *cu = u;
	uint64_t next = cu_next_out(cu);
	return next == UINT64_MAX ? UINT64_MAX : next > cu->now ? next - cu->now : 0;
}

static void cu_unit_skip(void *u, uint64_t k)
{
	cu_skip(u, k);
}

const unit_ops_t cu_unit = {
	.name = "cu",
	.snapshot = cu_unit_snapshot,
	.shift = cu_unit_shift,
	.quiet_for = cu_unit_quiet_for,
	.skip = cu_unit_skip,
};
