/*
 * apx_prog.h - the per-time-step program of a progressive (anytime) LSTM
 * layer on SHARP's datapath (approx: svd_prune, docs/progressive.md §5).
 *
 * Each gate g is y_g = sum_{n<=N} sigma_n u_n (p_n^T x~), x~ = [x_t; h_{t-1}]
 * (C = I + H entries), p_n holding NZ entries of v_n (sim/approx/apx_svd.h).
 * Refinement step n, the four gates concurrently (Intergate's row blocks):
 *
 *   dot     s_{g,n} = p_{g,n}^T x~: one tile row per gate, NZ operands
 *           gathered from x~ by index, Kc per cycle through the adder tree:
 *           ceil(NZ / Kc) tiles of 4 real rows x (up to) Kc columns;
 *   scale   sigma_{g,n} * s_{g,n}: one multiply per gate on the
 *           accumulator's output as the sum leaves it (no VS lane);
 *   update  y_g += (sigma s) u_{g,n}: a vector-scalar (VS) operation, one
 *           column tile whose rows are the row block's R-rows of all gates.
 *
 * Row blocks are Intergate's ranges (Kr/4 rows of each gate). The dot
 * products belong to the first block only (their scalars serve every
 * block); each later block holds the N update tiles of its rows. So the
 * first block's tiles are, with D = ceil(NZ/Kc) dot tiles per step,
 *
 *   D_1 | D_2 U_1 | D_3 U_2 | ... | D_N U_{N-1} | U_N
 *
 * software-pipelined: U_n waits for s_n, which leaves the accumulators
 * latency(cfg) = M + d + A cycles after D_n's last tile is accepted and is
 * an operand from the next cycle on (cu.h). So U_n takes the first issue
 * slot at least L_s = M + d + A + 1 slots after D_n's last tile; the slots
 * left between hold wait tiles (no lane used, counted idle.dependency).
 * Each tile issues once per sequence of the batch, back to back, so a
 * sequence's D_n and U_n are B slots apart per tile between them, and U_n
 * needs (tiles from D_n's last to it) * B >= L_s:
 *
 *   slot   a          a+1 .. a+D   (waits)   U_n >= a + L_s
 *   tile   D_n last   D_{n+1}                 (U_{n-1}, its waits and U_N's
 *                                              waits come after D_N)
 *
 * That is block-major order (approx_order: block). Refinement-major order
 * (approx_order: refinement) issues U_n of every block b = 0..nb-1 where
 * block-major issues block 0's, so refinement n reaches every row before
 * any U_{n+1}:
 *
 *   D_1 | D_2 [w] U_1^0 .. U_1^{nb-1} | D_3 [w] U_2^0 .. | ... | [w] U_N^0 .. U_N^{nb-1}
 *
 * The same tiles with at most as many waits (the gap before U_n^0 holds
 * U_{n-1}'s other blocks too). A block's sums stay open from its U_1 to its
 * U_N, so it spans several segments (sched_seg_t.cont, .open) and every
 * block of every sequence is in flight at once: nb * B accumulator blocks,
 * refused with fewer (it would deadlock).
 *
 * The waits are fixed when the program is built, in issue slots: a stall
 * between (a weight fetch) only widens the gap, so they never let U_n
 * issue early (they may then be more than a scoreboard would need).
 *
 * Bytes: the dot tile's values and indices (approx_value_bits,
 * approx_index_bits per entry, each gate its own), sigma with the step's
 * last dot tile, u's rows with the update tile; resident or streamed as the
 * weight policy places the program's step_bytes, like any other layer.
 * Operations per gate and refinement step: NZ + R multiply-adds on VS
 * lanes (vs.useful_macs) and one scale multiply (approx.scale_mults):
 * 2R + 2NZ + 1, as the paper counts them.
 */
#ifndef SHARPSIM_APX_PROG_H
#define SHARPSIM_APX_PROG_H

#include <stdint.h>

#include "../common/err.h"
#include "../config/workload.h"

/* What a progressive layer's program is built from. */
typedef struct apx_shape {
	uint32_t nz, steps;
	uint32_t value_bits, index_bits;
	uint32_t scalar_latency; /* L_s: issue slots from D_n's last tile to U_n (M + d + A + 1) */
	uint32_t batch;		 /* B: each tile issues once per sequence, B slots */
	approx_order_t order;	 /* issue order over several row blocks */
	uint32_t accumulators;	 /* the hardware's accumulator blocks (refinement-major's bound) */
} apx_shape_t;

struct sched_params;
struct sched_prog;

/* Builds the program of p (p->approx set) into out; SIM_ENOMEM. */
int apx_prog_build(const struct sched_params *p, struct sched_prog *out, sim_err_t *err);
/* Useful MACs of a progressive layer, the independent closed form the run
 * checks its lanes against: G * N * (NZ + H) * T * B. */
uint64_t apx_layer_macs(const layer_cfg_t *l);
/* Scale multiplies of a progressive layer: G * N * T * B. */
uint64_t apx_layer_scale_mults(const layer_cfg_t *l);

#endif
