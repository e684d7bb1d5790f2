/*
 * smx_prog.h - the per-step program of an output softmax layer on SHARP's
 * datapath (cell: softmax, docs/hardware.md §2.11).
 *
 * p_j = exp(z_j - m) * r, m = max_j z_j, r = 1 / sum_j exp(z_j - m), over
 * the K logits z the previous layer wrote into the I/H buffer. With U MFU
 * units of latency L, B sequences, a tile of Kr rows by Kc columns and
 * L_s = M + d + A + 1 (a sum is an operand that many cycles after its last
 * tile, cu.h), one step is:
 *
 *   max   each MFU unit reads c = ceil(K/U) of a sequence's logits and keeps
 *         their running maximum (its PWL comparator, one compare a value);
 *         the units' partial maxima meet in a comparator tree of
 *         g = ceil(log2 min(U, K)) levels. The B sequences back to back:
 *         B*c cycles, the last m after B*c + g.
 *   exp   the MFU evaluates e_j = exp(z_j - m) (bias add of -m, then exp),
 *         again B*c start cycles, and writes e into the I/H buffer; the last
 *         is readable L cycles after its start and one more: the dot
 *         products may start W1 = 2*B*c + g + L cycles into the step.
 *   dot   S = 1^T e through the adder tree: D = ceil(K/Kc) tiles of one real
 *         row, e as the operands, a constant ones row as the weights (no
 *         bytes: the weight port is forced to one).
 *   recip S leaves the accumulators L_s - 1 cycles after the last dot tile,
 *         enters the MFU the next cycle, r = 1/S is ready L + 1 cycles
 *         later: the update needs L_r = L_s + L + 1 slots after it.
 *   update p = r * e: a VS scalar x vector, one column tile per row block of
 *         Kr rows, e on the VS units' weight inputs (a bypass from the I/H
 *         buffer, K values per tile: its `cols`), r the broadcast operand.
 *         Its K sums leave as the layer's row block: MFU (pass through) and
 *         cell updater (narrow to a data word), as an fc layer's.
 *
 *   slot  0 .. w1-1     w1 .. w1+D-1   (waits)          U_0 ... U_{nb-1}
 *   tile  wait (MFU)    dot            wait (tree+MFU)  update, one per block
 *   w1 = ceil(W1 / B); U_0 at the first tile u with (u - last dot) * B >= L_r
 *
 * Every tile issues once per sequence (B slots), so waits count in tiles of
 * B slots, as apx_prog.h's do. A wait tile uses no lane: its lanes are
 * idle.dependency. The MFU work of the max, exp and reciprocal passes is
 * timed by these waits, not by the MFU unit of the engine (which sees only
 * the update's row blocks): a step's MFU passes may in the engine overlap
 * the previous step's pass-through packets, which a real MFU would
 * serialize (at most K values a step; docs/hardware.md §2.11).
 *
 * Useful lanes a step and sequence: K (dot) + K (update) = 2K; counters
 * per sequence: K max comparisons and K exps (on the dot tiles, the
 * operands they read), one reciprocal (on U_0).
 */
#ifndef SHARPSIM_SMX_PROG_H
#define SHARPSIM_SMX_PROG_H

#include <stdint.h>

#include "../common/err.h"

typedef struct smx_shape {
	uint32_t batch;		 /* B */
	uint32_t mfu_units;	 /* U */
	uint32_t mfu_latency;	 /* L */
	uint32_t scalar_latency; /* L_s = M + d + A + 1 */
} smx_shape_t;

struct sched_params;
struct sched_prog;

/* Builds the program of p (p->softmax set; K = p->hidden_size) into out;
 * SIM_ENOMEM, SIM_EINPUT for a program beyond 2^24 tiles a step. */
int smx_prog_build(const struct sched_params *p, struct sched_prog *out, sim_err_t *err);
/* W1: cycles into a step at which the first dot tile may issue. */
uint64_t smx_exp_ready(const smx_shape_t *s, uint32_t k);

#endif
