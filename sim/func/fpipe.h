/*
 * fpipe.h - the functional datapath: the values that flow through the
 * pipeline the timing model ticks (functional mode, `run --functional`).
 *
 * The cycle model calls these hooks at the moments the hardware moves data;
 * the data never changes a cycle (timing is decided before values exist),
 * and the hooks run in an order the timing already guarantees is causal:
 *   fpipe_tile      a tile enters the VS array: supply its Kr x Kc weights,
 *                   Kc vector elements (x_t, h_{t-1} or r*h_{t-1}) and, on an
 *                   H block's first tile, the X partner's sums as init
 *   fpipe_block     a finished row block leaves the accumulators (X blocks go
 *                   to the intermediate buffer, H blocks to the MFU)
 *   fpipe_activate  the MFU finished a packet (bias, activation; GRU
 *                   reset_before_matmul's r also yields r*h)
 *   fpipe_update    the cell updater finished elements [e0, e0+n) of a step
 *                   (e = j*B + b), writing c and h
 * At the end of each layer the hidden states are compared with the double
 * reference (func/ref.h) run on the same weights before any rounding and
 * before their storage (the datapath multiplies them as stored: pruned,
 * quantized or codebook-coded, sim/compress/cmp_layer.h).
 */
#ifndef SHARPSIM_FPIPE_H
#define SHARPSIM_FPIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/stats.h"
#include "../compute/cu.h"
#include "../config/hw_cfg.h"
#include "../config/workload.h"
#include "../ctrl/sched.h"
#include "delta.h"

typedef struct fpipe fpipe_t;

typedef struct func_err {
	double max_abs, max_rel, rms;
} func_err_t;

/* Errors of one layer against the reference: over every step, and at the
 * last step; c only for LSTM (has_c). All 0 when the reference did not run
 * (fpipe_opts_t.reference false). */
typedef struct func_layer_err {
	func_err_t h, h_last, c, c_last;
	bool has_c;
	/* Peak bytes fpipe held during the layer (its per-layer arrays, the
	 * reference's state and the h sequence carried to or from a stacked
	 * layer; the weights' own arrays and the readers of their input x,
	 * xseq.h, not counted). Deterministic, flat in T
	 * for a single layer, and for a layer whose next layer reads only its
	 * final state (timesteps 1): tests check it, reports do not show it. */
	size_t state_peak_bytes;
	/* Delta network (delta.h), when the layer is one: columns of x and h
	 * per step (0 for a partition not encoded), used and skipped summed
	 * over steps, the useful MACs the compacted tiles carry, and the used
	 * columns (x and h together) of every step (T entries, owned: freed by
	 * run_result_free). */
	bool delta;
	uint32_t delta_nx, delta_nh;
	uint64_t delta_x_used, delta_x_skipped, delta_h_used, delta_h_skipped, delta_macs;
	uint32_t *delta_used_step;
	/* Classifier head (head.h), when the layer is an fc layer that ends the
	 * network: its output vectors (T x B), those whose argmax the datapath
	 * changed, and the mean KL divergence of the datapath's softmax from the
	 * dense double reference's; the same at the last step alone (B
	 * vectors: a sequence classifier's decisions). */
	bool head;
	uint64_t head_decisions, head_changed, head_last_changed;
	double head_kl_mean, head_last_kl_mean;
} func_layer_err_t;

/* What pass k of the run is: a layer of the workload (its index), whether
 * it walks time backward (a bidirectional layer's second pass, or a reverse
 * layer), and whether it is one of a bidirectional layer's two passes
 * (forward first, then backward, as the plan runs them). */
typedef struct fpipe_pass {
	uint32_t layer;
	bool backward;
	bool bidir;
} fpipe_pass_t;

/* What a functional run computes beside the values the datapath needs.
 *   seed       of the random weights and inputs
 *   dump_dir   write h (and c) per layer as .npy (NULL: no dump): (T, B, H)
 *              for a unidirectional or reverse layer, (T, 2, B, H) for a
 *              bidirectional one (ONNX's Y order; direction 0 forward, 1
 *              backward), every one indexed by time
 *   reference  run the double reference (ref.h) beside the datapath and
 *              fill the error fields of func_layer_err_t (and its head);
 *              false leaves them 0 (head false) and skips the reference's
 *              work: its MVMs in double, which cost about what the
 *              datapath's do
 *   words      give tiles the weights' 16-bit words (cu_tile_t.w) as well as
 *              their float copies: an RTL compute unit reads them. Fixed
 *              point, which has no float copies, always has them; without
 *              them a floating-point tile's w is NULL (cu.c multiplies wf). */
typedef struct fpipe_opts {
	uint64_t seed;
	const char *dump_dir;
	bool reference;
	bool words;
} fpipe_opts_t;

/* hw: resolved. w: the run's passes, one unidirectional layer each (w->path
 * the workload file: relative `weights:` paths resolve against its
 * directory); pass: w->n_layers entries saying which layer and direction
 * each pass is. */
fpipe_t *fpipe_create(const hw_cfg_t *hw, const workload_t *w, const fpipe_pass_t *pass, const fpipe_opts_t *o,
		      stats_t *st, sim_err_t *err);
void fpipe_destroy(fpipe_t *f);
int fpipe_begin_layer(fpipe_t *f, uint32_t layer, const sched_prog_t *prog, sim_err_t *err);
void fpipe_tile(fpipe_t *f, uint32_t seg, uint32_t col, cu_tile_t *t);
void fpipe_block(fpipe_t *f, uint32_t seg, uint32_t step, const cu_out_t *o);
void fpipe_activate(fpipe_t *f, uint32_t seg, uint32_t step, uint32_t seq);
void fpipe_update(fpipe_t *f, uint32_t step, uint32_t e0, uint32_t n);
int fpipe_end_layer(fpipe_t *f, uint32_t layer, func_layer_err_t *out, sim_err_t *err);
/* The delta encoder of the run (NULL: no layer is a delta network). The
 * controller reads from it how many columns each step's segments use. */
const dlt_t *fpipe_delta(const fpipe_t *f);

#endif
