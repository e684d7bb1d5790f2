/*
 * run.h - running a workload on a hardware config, and what comes out.
 *
 * A run has three stages, each a function:
 *   load   config_load_hw, config_load_workload, resolve_tile_table;
 *   plan   plan_build (plan.h): every "auto" resolved, the programs built;
 *   run    accel_run_plan, the engine: builds the components, drives the
 *          global clock one cycle at a time (or in exact jumps, see
 *          core/ff.c) until the last layer's last h is written, checks
 *          the lane-conservation identity and the MAC count, and returns
 *          the counters. It reads no file and never plans.
 * accel_run() is plan + run for a config and workload already loaded (it
 * loads the tile table `tile: auto` needs); run_pipeline() is all three
 * plus pricing, the one path `run`, `compare` and `sweep` take. Same
 * inputs, same outputs: nothing depends on time, addresses or the
 * environment.
 *
 * Counter names (registered by the components; the energy model and the
 * reports read them by name once, at the end):
 *   <stage>.busy/.starve          stage in {ctrl, vs, acc, mfu, cell}
 *   <stage>.stall                 stage in {ctrl, vs, acc} (the MFU and the
 *                                 cell updater never wait for their output)
 *   vs.useful_macs vs.issued_macs vs.tile_cycles
 *   idle.padding idle.dependency idle.fill_drain idle.backpressure
 *   idle.weight_fetch idle.decompress idle.zero_weight (lane-cycles)
 *   dcmp.weights (weights the decompression unit expanded)
 *   tree.adds acc.adds acc.blocks                   (fp32 adds, blocks)
 *   mfu.activations mfu.sigmoid mfu.tanh mfu.bias_adds, and one counter per
 *   other activation function (mfu.relu, mfu.leaky_relu, mfu.hard_sigmoid,
 *   mfu.affine, mfu.thresholded_relu, mfu.softsign, mfu.scaled_tanh,
 *   mfu.elu, mfu.softplus)
 *   cell.updates cell.mults cell.adds cell.tanh
 *   wbuf.row_reads (K-wide bank row reads) wbuf.read_bytes wbuf.write_bytes
 *   ihbuf.reads ihbuf.writes (cell updater) ihbuf.operand_reads (VS array)
 *   ihbuf.input_writes (first layer's x_t) cellbuf.reads cellbuf.writes
 *   interbuf.reads interbuf.writes gatebuf.reads gatebuf.writes
 *   gatebuf.peak_values (most gate values held at once; set at the end)
 *   bound.cell bound.mfu (cycles the array waited for h while that stage
 *                         worked: the stage that bound the step)
 *   fifo.preact.pushes fifo.preact.pops  (accumulators -> MFU)
 *   dram.read_bytes
 *   ctrl.tiles ctrl.blocks ctrl.reconfigs
 *   ctrl.dram_wait (cycles waiting for weights from DRAM; dram_bound below)
 */
#ifndef SHARPSIM_RUN_H
#define SHARPSIM_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/stats.h"
#include "../config/hw_cfg.h"
#include "../compute/cu_backend.h"
#include "../config/workload.h"
#include "../config/tile_cache.h"
#include "resolve.h"
#include "../func/fpipe.h"
#include "../sched/registry.h"
#include "../report/trace.h"

typedef struct run_opts {
	bool cold;			   /* count the initial weight load in cycles */
	bool functional;		   /* compute values (bit-accurate datapath) */
	uint64_t seed;			   /* functional: weights and inputs */
	bool no_reference;		   /* functional: skip the double reference (no error figures) */
	const char *trace_path;		   /* Chrome trace-event JSON, or NULL */
	const trace_opts_t *trace_opts;	   /* its window, filters and cap; NULL: the whole run, no cap */
	bool fast_forward;		   /* exact jumps over repeated steady state */
	const char *dump_dir;		   /* functional: write hidden states as .npy here */
	cu_backend_mode_t cu_mode;	   /* C model, RTL, or both in lockstep */
	cu_backend_factory_t cu_factory;   /* builds the RTL backend (sharpsim-rtl) */
	const char *vcd_path;		   /* RTL waveforms */
	const sched_registry_t *schedules; /* hw.scheduler indexes it (NULL: the built-in ones) */
	tile_cache_t *tile_cache;	   /* tile tables kept across runs (NULL: loaded per run) */
	double budget_us;		   /* run_pipeline: per-time-step budget of progressive layers (0: none) */
	bool anytime;			   /* record when each row block leaves the accumulators (run_anytime_t) */
} run_opts_t;

/* The anytime record of a dense layer (run_opts.anytime;
 * docs/progressive.md §5.8). Its row blocks are the program's U.h
 * segments in program order (the blocks whose sums go to the MFU; a W.x
 * segment's sums continue in its U.h partner), block b covering hidden
 * indices j0[b] .. j0[b] + rows[b] - 1 of some of the gates. left_at[t *
 * nblock + b] is the cycle at which block b of time step t left the
 * accumulators for the MFU for the last sequence of the batch (0: never).
 * run_pipeline with functional adds the curve in double (apx_anytime.h):
 * rel_error and cosine of h_t read when block b has left, against the
 * exact h_t (T * nblock each; NULL without values). */
typedef struct run_anytime {
	uint32_t nblock;
	uint32_t *j0, *rows;
	uint64_t *left_at;
	double *rel_error, *cosine;
} run_anytime_t;

/* One pass over the hardware: a layer, or one direction of a bidirectional
 * layer (the forward pass first, then the backward one). */
typedef struct layer_result {
	layer_cfg_t cfg; /* the pass's shape */
	uint32_t layer;	 /* index in the workload */
	bool backward;	 /* the backward pass of a bidirectional layer, or a reverse layer */
	bool both;	 /* both directions of a bidirectional layer in one pass (interleaved) */
	uint64_t cycles; /* from the layer's first issue to its last h */
	uint64_t useful_macs;
	uint64_t issued_macs;
	tile_sel_t tile;	 /* resolved tile config */
	weight_policy_t weights; /* RESIDENT or STREAM, as resolved */
	bool weights_fit;
	uint64_t weight_bytes;	    /* stored bytes of one step (weight_bits, scales) */
	uint64_t fp16_weight_bytes; /* the same weights at fp16 */
	bool fits_only_compressed;  /* weights_fit, but not at fp16 */
	uint64_t nnz_per_step;	    /* pruned layer: its non-zero weights (W and U) */
	func_layer_err_t err;	    /* functional: against the double reference */
	/* A progressive layer (approx: svd_prune): its refinement steps per
	 * time step, and refine_at[t * refine_steps + n - 1], the cycle of the
	 * run at which refinement n of time step t has reached every row's
	 * accumulator (its last update tile accepted + latency(cfg), cu.h). */
	uint32_t refine_steps;
	uint64_t *refine_at;
	/* run_pipeline with functional: after k = 1..refine_steps refinements,
	 * the last hidden state's relative error and cosine against the exact
	 * layer, in double (apx_eval.h); NULL otherwise. */
	double *refine_rel_error, *refine_cosine;
	/* and, with a classifier after it (apx_eval_check_head), per refinement the
	 * mean KL of its softmax from the exact one's and the argmax agreement */
	double *refine_kl, *refine_argmax;
	run_anytime_t *anytime; /* run_opts.anytime and a dense layer; NULL otherwise */
} layer_result_t;

/* "forward", "backward" or "both": the direction a pass ran. */
const char *run_pass_direction(const layer_result_t *l);
/* Frees an anytime record (NULL: nothing). */
void run_anytime_free(run_anytime_t *a);

typedef struct run_result {
	hw_cfg_t hw;	      /* effective config, every auto resolved */
	uint64_t cycles;      /* main count; includes the initial load only if cold */
	uint64_t load_cycles; /* the one-time initial load of the first layer */
	uint64_t load_bytes;  /* the bytes of that load (in dram.read_bytes only when cold) */
	bool cold;
	bool functional;
	bool reference;		 /* functional and the double reference ran: the layers' err holds its figures */
	weight_policy_t weights; /* RESIDENT, STREAM, or AUTO when layers differ */
	bool weights_fit;	 /* every layer's weights fit the buffer */
	/* Cycles the controller waited for weights still arriving from DRAM
	 * (counter ctrl.dram_wait), as a fraction of `cycles`; the run is
	 * DRAM-bound when it exceeds RUN_DRAM_BOUND_FRACTION. */
	double dram_wait_fraction;
	bool dram_bound;
	uint64_t useful_macs;
	uint64_t issued_macs;
	uint64_t macs_per_cycle; /* MAC units: N x K (fix16x16: N x K/2), or another machine's count */
	double utilization;	 /* useful_macs / (cycles * macs_per_cycle) */
	double latency_us;
	double peak_gflops; /* 2 FLOP per MAC per cycle */
	/* The MACs the workload would take with dense weights (G*H*(I+H)*T*B
	 * summed): a pruned run's dense-equivalent ("effective") throughput is
	 * 2 * dense_macs / latency; useful_macs counts only non-zeros. */
	uint64_t dense_macs;
	bool sparse;			    /* a layer has pruned weights or a sparse layout */
	uint64_t wbuf_peak_bytes_per_cycle; /* weight-buffer bandwidth used at peak */
	size_t n_layers;		    /* passes */
	layer_result_t *layers;
	stats_t *stats;		 /* every counter, summed over layers (owned) */
	tile_stale_t tile_stale; /* a tile table found but not used (resolve_tile_table) */
	/* Another machine's one line on how it bent the workload to its
	 * hardware (machine_result_t.note); "" otherwise. */
	char note[256];
} run_result_t;

/* More than half of a run's cycles spent waiting for weights from DRAM
 * makes it DRAM-bound: its time then measures the DRAM, not the
 * accelerator, and the CLI says so (docs/hardware.md §2.0). A report
 * threshold, not hardware: it moves no cycle and no config_hash. */
#define RUN_DRAM_BOUND_FRACTION 0.5

typedef struct plan plan_t;

/* The engine: runs a plan (plan.h). */
int accel_run_plan(const plan_t *plan, const run_opts_t *opts, run_result_t *out, sim_err_t *err);
/* Options the engine cannot honour for this workload (functional mode
 * computes the cells flagged CELL_F_FUNCTIONAL only, in either direction). */
int accel_check_opts(const workload_t *w, const run_opts_t *opts, sim_err_t *err);
/* Plan and run: loads the tile table when the tile is auto, plans, runs. */
int accel_run(const hw_cfg_t *hw, const workload_t *w, const run_opts_t *opts, run_result_t *out, sim_err_t *err);
void run_result_free(run_result_t *r);

#endif
