/*
 * params.c - the one table of hardware parameters and the one table of
 * workload layer keys, and the code that sets, formats, dumps and documents
 * a field from its table entry. See params.h for the table contract and
 * configs/README.md for the source of every default.
 */
#include "params.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../cell/cell.h"
#include "../common/fnv.h"
#include "../machine/machine.h"
#include "../sched/registry.h"
#include "hw_cfg.h"
#include "workload.h"

/* Enum fields are stored and read as int. */
_Static_assert(sizeof(tile_sel_t) == sizeof(int), "tile_sel_t is int-sized");
_Static_assert(sizeof(sched_kind_t) == sizeof(int), "sched_kind_t is int-sized");
_Static_assert(sizeof(weight_policy_t) == sizeof(int), "weight_policy_t is int-sized");
_Static_assert(sizeof(deps_kind_t) == sizeof(int), "deps_kind_t is int-sized");
_Static_assert(sizeof(cell_update_t) == sizeof(int), "cell_update_t is int-sized");
_Static_assert(sizeof(dir_sched_t) == sizeof(int), "dir_sched_t is int-sized");
_Static_assert(sizeof(prec_mul_t) == sizeof(int), "prec_mul_t is int-sized");
_Static_assert(sizeof(act_mode_t) == sizeof(int), "act_mode_t is int-sized");
_Static_assert(sizeof(cell_kind_t) == sizeof(int), "cell_kind_t is int-sized");
_Static_assert(sizeof(gru_form_t) == sizeof(int), "gru_form_t is int-sized");
_Static_assert(sizeof(direction_t) == sizeof(int), "direction_t is int-sized");
_Static_assert(sizeof(weight_bits_t) == sizeof(int), "weight_bits_t is int-sized");
_Static_assert(sizeof(weight_scale_t) == sizeof(int), "weight_scale_t is int-sized");
_Static_assert(sizeof(weight_codebook_t) == sizeof(int), "weight_codebook_t is int-sized");
_Static_assert(sizeof(sparse_pattern_t) == sizeof(int), "sparse_pattern_t is int-sized");
_Static_assert(sizeof(sparse_format_t) == sizeof(int), "sparse_format_t is int-sized");
_Static_assert(sizeof(sparsity_mask_t) == sizeof(int), "sparsity_mask_t is int-sized");
_Static_assert(sizeof(layer_act_t) == sizeof(int), "layer_act_t is int-sized");

const char *const param_tile_names[] = { "auto", "config1", "config2", "config3", "config4", NULL };
const char *const param_weights_names[] = { "auto", "resident", "stream", NULL };
const char *const param_deps_names[] = { "step", "element", NULL };
const char *const param_cell_update_names[] = { "auto", "element", "vector", NULL };
static const char *const param_dir_sched_names[] = { "sequential", "interleaved", NULL };
const char *const param_prec_names[] = { "fp16", "bf16", "fp32", "fix16x8", "fix16x16", NULL };
const char *const param_act_names[] = { "exact", "pwl", NULL };
const char *const param_dir_names[] = { "unidirectional", "bidirectional", "reverse", NULL };
const char *const param_gru_names[] = { "linear_before_reset", "reset_before_matmul", NULL };
static const char *const param_wbits_names[] = { "16", "8", "4", "2", NULL };
static const char *const param_wscale_names[] = { "row", "block", "tensor", NULL };
const char *const param_wcb_names[] = { "none", "kmeans", "uniform", "neu5.3", "neu8", "neu16", NULL };
const char *const param_sparse_pattern_names[] = { "unstructured", "block", "row_balanced", NULL };
const char *const param_sparse_format_names[] = { "dense", "bitmask", "csr", "bsr", NULL };
static const char *const param_sparsity_mask_names[] = { "seeded", "magnitude", NULL };
static const char *const param_approx_names[] = { "none", "svd_prune", NULL };
static const char *const param_approx_order_names[] = { "block", "refinement", NULL };
/* layer_act_t's order */
static const char *const param_lact_names[] = { "auto",	      "sigmoid",      "tanh",	"relu",
						"leaky_relu", "hard_sigmoid", "affine", "thresholded_relu",
						"softsign",   "scaled_tanh",  "elu",	"softplus",
						NULL };

#define HW(f) .offset = offsetof(hw_cfg_t, f), .size = sizeof(((hw_cfg_t *)0)->f)
#define LY(f) .offset = offsetof(layer_cfg_t, f), .size = sizeof(((layer_cfg_t *)0)->f)
#define SIZE_MAX_BYTES (1ull << 48) /* 256 TiB: far above any buffer, far below overflow */

static const param_t param_hw[] = {
	{ .key = "name",
	  .type = PARAM_STRING,
	  HW(name),
	  .def = "sharp-4k",
	  .untimed = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "configuration name; the default tile table is configs/tiles/<name>.yaml "
		  "(a file without a name takes its file name)" },
	{ .key = "clock_mhz",
	  .type = PARAM_DOUBLE,
	  HW(clock_mhz),
	  .def = "500",
	  .dmin = 0,
	  .dmax = 100000,
	  .src = PARAM_SRC_PAPER,
	  .desc = "clock frequency, MHz (32 nm, 500 MHz; critical path 1.94 ns)" },
	{ .key = "machine",
	  .type = PARAM_ENUM,
	  HW(machine),
	  .def = "sharp",
	  .names = machine_names,
	  .kind = "machine",
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "the accelerator: sharp (every key below), or another design with a datapath of its own, "
		  "configured by its own section (docs/baselines/); its file takes name, clock_mhz, machine "
		  "and that section only" },

	{ .key = "compute.vs_units",
	  .type = PARAM_U32,
	  HW(compute.vs_units),
	  .def = "128",
	  .min = 1,
	  .max = 65536,
	  .src = PARAM_SRC_PAPER,
	  .desc = "N, vector-scalar units (32/128/512/2048 for 1K/4K/16K/64K MACs at K = 32); "
		  "need not be a power of two" },
	{ .key = "compute.vs_width",
	  .type = PARAM_U32,
	  HW(compute.vs_width),
	  .def = "32",
	  .min = 1,
	  .max = 4096,
	  .src = PARAM_SRC_PAPER,
	  .desc = "K, multipliers per VS unit" },
	{ .key = "compute.tile",
	  .type = PARAM_ENUM,
	  HW(compute.tile),
	  .def = "auto",
	  .names = param_tile_names,
	  .untimed = true,
	  .src = PARAM_SRC_PAPER,
	  .desc = "adder-tree tap: auto (best per layer from the explore table) or a fixed config; "
		  "config1/2/3/4 need N divisible by 8/4/2/1" },
	{ .key = "compute.pad_reconfig",
	  .type = PARAM_BOOL,
	  HW(compute.pad_reconfig),
	  .def = "true",
	  .src = PARAM_SRC_PAPER,
	  .desc = "switch to the best config for a matrix's last row segment (dynamic padding reconfiguration)" },
	{ .key = "compute.mult_latency",
	  .type = PARAM_U32,
	  HW(compute.mult_latency),
	  .def = "1",
	  .min = 1,
	  .max = 16,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "cycles in the VS multipliers" },
	{ .key = "compute.accumulators",
	  .type = PARAM_U32,
	  HW(compute.accumulators),
	  .def = "auto",
	  .min = 1,
	  .max = 4096,
	  .has_auto = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "row blocks in flight in the accumulator bank; auto = mult_latency + ceil(log2 N) + "
		  "acc_latency + 1, enough for one-tile blocks back to back, and at least the largest batch" },
	{ .key = "compute.acc_latency",
	  .type = PARAM_U32,
	  HW(compute.acc_latency),
	  .def = "1",
	  .min = 1,
	  .max = 16,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "cycles of the fp32 accumulator add" },
	{ .key = "compute.tile_table",
	  .type = PARAM_STRING,
	  HW(compute.tile_table),
	  .def = "\"\"",
	  .untimed = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "explore table used by tile: auto; \"\" = configs/tiles/<name>.yaml" },

	{ .key = "mfu.units",
	  .type = PARAM_U32,
	  HW(mfu.units),
	  .def = "64",
	  .min = 1,
	  .max = 65536,
	  .src = PARAM_SRC_PAPER,
	  .desc = "activation MFUs: activations started per cycle" },
	{ .key = "mfu.latency",
	  .type = PARAM_U32,
	  HW(mfu.latency),
	  .def = "15",
	  .min = 1,
	  .max = 1000,
	  .src = PARAM_SRC_MODEL,
	  .desc = "MFU pipeline depth, cycles: ceil(29.14 ns / 2 ns) = 15 at 500 MHz (docs/hardware.md 2.4)" },

	{ .key = "cell_updater.lanes",
	  .type = PARAM_U32,
	  HW(cell.lanes),
	  .def = "8",
	  .min = 1,
	  .max = 65536,
	  .src = PARAM_SRC_MODEL,
	  .desc = "hidden elements finished per cycle; a fixed unit, not scaled with the array: Table 2's "
		  "MFU + cell updater area is ~6.4 mm2 at every budget (docs/hardware.md 2.5)" },
	{ .key = "cell_updater.latency",
	  .type = PARAM_U32,
	  HW(cell.latency),
	  .def = "3",
	  .min = 0,
	  .max = 1000,
	  .src = PARAM_SRC_MODEL,
	  .desc = "cell updater depth outside its tanh, cycles: f*c and i*g (1), their add (1), o*tanh(c) (1); "
		  "the pipeline is latency + tanh_latency deep (docs/hardware.md 2.5)" },
	{ .key = "cell_updater.tanh_latency",
	  .type = PARAM_U32,
	  HW(cell.tanh_latency),
	  .def = "auto",
	  .min = 1,
	  .max = 1000,
	  .has_auto = true,
	  .src = PARAM_SRC_MODEL,
	  .desc = "stages of the cell updater's tanh(c); auto = mfu.latency (the same function unit, "
		  "docs/hardware.md 2.5)" },
	{ .key = "cell_updater.peephole_latency",
	  .type = PARAM_U32,
	  HW(cell.peephole_latency),
	  .def = "6",
	  .min = 0,
	  .max = 1000,
	  .quiet_default = true,
	  .src = PARAM_SRC_MODEL,
	  .desc = "extra cell updater depth for lstm_peephole layers outside the extra tanh, cycles; such a "
		  "layer is peephole_latency + tanh_latency deeper (P*c terms, sigmoids; docs/architecture.md, Decisions)" },

	{ .key = "fifo_depth",
	  .type = PARAM_U32,
	  HW(fifo_depth),
	  .def = "16",
	  .min = 1,
	  .max = 1048576,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "row blocks of the accumulators -> MFU FIFO, the one stage boundary where a queue can "
		  "fill (docs/hardware.md 2.6)" },

	{ .key = "memory.weights",
	  .type = PARAM_ENUM,
	  HW(memory.weights),
	  .def = "auto",
	  .names = param_weights_names,
	  .src = PARAM_SRC_MODEL,
	  .desc = "weight placement: resident (the paper's assumption), stream from DRAM, "
		  "or auto (resident when the layer fits)" },
	{ .key = "memory.dram_gbps",
	  .type = PARAM_DOUBLE,
	  HW(memory.dram.gbps),
	  .def = "102.4",
	  .dmin = 0,
	  .dmax = 100000,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "DRAM bandwidth, GB/s (1e9 B/s); the presets give 25.6 per 1K MACs at 500 MHz "
		  "(4K: four 64-bit LPDDR4-3200 channels; docs/hardware.md 2.0)" },
	{ .key = "memory.dram_latency",
	  .type = PARAM_U32,
	  HW(memory.dram.latency),
	  .def = "50",
	  .min = 0,
	  .max = 1000000,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "DRAM latency, cycles from request to data" },
	{ .key = "memory.weight_buffer.bytes",
	  .type = PARAM_SIZE,
	  HW(memory.wbuf.bytes),
	  .def = "26MiB",
	  .min = 1,
	  .max = SIZE_MAX_BYTES,
	  .src = PARAM_SRC_PAPER,
	  .desc = "weight buffer capacity (26 MB; as MiB an LSTM of H = 1280, I = H fits, H = 1536 does not)" },
	{ .key = "memory.weight_buffer.banks",
	  .type = PARAM_U32,
	  HW(memory.wbuf.banks),
	  .def = "auto",
	  .min = 1,
	  .max = 1048576,
	  .has_auto = true,
	  .src = PARAM_SRC_PAPER,
	  .desc = "SRAM banks; auto = N (banks scale with the VS units)" },
	{ .key = "memory.weight_buffer.read_latency",
	  .type = PARAM_U32,
	  HW(memory.wbuf.read_latency),
	  .def = "1",
	  .min = 1,
	  .max = 64,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "cycles from a read's issue to its weights at the VS units" },
	{ .key = "memory.weight_buffer.bytes_per_cycle",
	  .type = PARAM_SIZE,
	  HW(memory.wbuf.bytes_per_cycle),
	  .def = "auto",
	  .min = 1,
	  .max = SIZE_MAX_BYTES,
	  .has_auto = true,
	  .src = PARAM_SRC_MODEL,
	  .desc = "read bandwidth cap, bytes per cycle; auto = N*K*2 (a full fp16 tile per cycle)" },
	{ .key = "memory.weight_buffer.stage_bytes",
	  .type = PARAM_SIZE,
	  HW(memory.wbuf.stage_bytes),
	  .def = "2MiB",
	  .min = 2,
	  .max = SIZE_MAX_BYTES,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "staging area for streamed weights, both halves; must be smaller than bytes" },
	{ .key = "memory.ih_buffer.bytes",
	  .type = PARAM_SIZE,
	  HW(memory.ih_bytes),
	  .def = "2.3MiB",
	  .min = 1,
	  .max = SIZE_MAX_BYTES,
	  .src = PARAM_SRC_PAPER,
	  .desc = "input/hidden buffer (2.3 MB)" },
	{ .key = "memory.cell_buffer.bytes",
	  .type = PARAM_SIZE,
	  HW(memory.cell_bytes),
	  .def = "192KiB",
	  .min = 1,
	  .max = SIZE_MAX_BYTES,
	  .src = PARAM_SRC_PAPER,
	  .desc = "cell-state buffer (192 KB)" },
	{ .key = "memory.inter_buffer.bytes",
	  .type = PARAM_SIZE,
	  HW(memory.inter_bytes),
	  .def = "24KiB",
	  .min = 1,
	  .max = SIZE_MAX_BYTES,
	  .src = PARAM_SRC_PAPER,
	  .desc = "intermediate buffer for Unfolded's W.x (24 KB); at least one fp32 per half" },
	{ .key = "memory.inter_buffer.double_buffered",
	  .type = PARAM_BOOL,
	  HW(memory.inter_double),
	  .def = "true",
	  .src = PARAM_SRC_PAPER,
	  .desc = "double-buffered: half the bytes hold the run-ahead W.x" },
	/* quiet_default: at their defaults the unit never stalls and adds no
	 * depth, so every config hashes (and keys its tile table) as before the
	 * unit existed. */
	{ .key = "decompress.weights_per_cycle",
	  .type = PARAM_U64,
	  HW(decompress.weights_per_cycle),
	  .def = "auto",
	  .min = 1,
	  .max = 1ull << 32,
	  .has_auto = true,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "decompression unit throughput, weights expanded per cycle for a layer stored below 16 bits "
		  "or sparse; auto = N*K (a full tile a cycle: it never stalls the VS array)" },
	{ .key = "decompress.latency",
	  .type = PARAM_U32,
	  HW(decompress.latency),
	  .def = "0",
	  .min = 0,
	  .max = 64,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "cycles the decompression unit adds to the weight-read path of a layer it decodes "
		  "(fp16 dense layers bypass it)" },
	{ .key = "delta.encoder_latency",
	  .type = PARAM_U32,
	  HW(delta_encoder_latency),
	  .def = "0",
	  .min = 0,
	  .max = 65536,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "cycles from h_{t-1} complete to the delta encoder's list of its used columns, which a delta "
		  "layer's U.h segments wait for (0: ready with the last element; docs/hardware.md §2.9)" },

	{ .key = "scheduler",
	  .type = PARAM_ENUM,
	  HW(scheduler),
	  .def = "unfolded",
	  .names = sched_builtin_names,
	  .untimed = true,
	  .src = PARAM_SRC_PAPER,
	  .desc = "block schedule (docs/hardware.md 3): sequential, batch, intergate, unfolded (SHARP's); epur and "
		  "brainwave are what-ifs, those designs' issue orders on SHARP's datapath with fixed config4 "
		  "tiles (the designs themselves are machines: machine: epur, brainwave)" },
	{ .key = "deps",
	  .type = PARAM_ENUM,
	  HW(deps),
	  .def = "step",
	  .names = param_deps_names,
	  .src = PARAM_SRC_MODEL,
	  .desc = "h dependency: step (barrier on the whole h_t) or element (per-segment scoreboard what-if)" },
	{ .key = "cell_update",
	  .type = PARAM_ENUM,
	  HW(cell_update),
	  .def = "auto",
	  .names = param_cell_update_names,
	  .src = PARAM_SRC_MODEL,
	  .desc = "when the cell updater takes an element: auto (the schedule's rule: whole vectors for brainwave, "
		  "else per element), element (once its last gate is activated), or vector (once the whole "
		  "step's vector is; the earlier reading of Sequential) (docs/hardware.md 3)" },
	/* quiet_default: at sequential every config hashes as before the key. */
	{ .key = "direction_schedule",
	  .type = PARAM_ENUM,
	  HW(direction_schedule),
	  .def = "sequential",
	  .names = param_dir_sched_names,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "a bidirectional layer's two directions: sequential (forward pass, then backward) or "
		  "interleaved (one pass whose sequences are both directions, each tile issued once per "
		  "direction with its own weights, so one direction's tiles fill the other's h wait; both "
		  "directions' weights on chip) (docs/hardware.md 3.4)" },
	{ .key = "watchdog_cycles",
	  .type = PARAM_U64,
	  HW(watchdog),
	  .def = "1000000",
	  .min = 1,
	  .max = 1000000000000ull,
	  .untimed = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "cycles without progress before the run stops with a deadlock error" },

	{ .key = "precision.mul",
	  .type = PARAM_ENUM,
	  HW(precision.mul),
	  .def = "fp16",
	  .names = param_prec_names,
	  .src = PARAM_SRC_PAPER,
	  .desc = "multiplier format: fp16 (paper; fp32 accumulate), bf16, fp32, or RNNAccel's fixed "
		  "16x8 / 16x16 (a pair of 16x8 lanes)" },
	{ .key = "precision.data_frac",
	  .type = PARAM_U32,
	  HW(precision.data_frac),
	  .def = "12",
	  .min = 0,
	  .max = 15,
	  .untimed = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "fixed point: fraction bits of 16-bit data (x, h)" },
	{ .key = "precision.weight_frac",
	  .type = PARAM_U32,
	  HW(precision.weight_frac),
	  .def = "6",
	  .min = 0,
	  .max = 15,
	  .untimed = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "fixed point: fraction bits of weights" },
	{ .key = "precision.acc_bits",
	  .type = PARAM_U32,
	  HW(precision.acc_bits),
	  .def = "32",
	  .min = 16,
	  .max = 32,
	  .untimed = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "fixed point: accumulator width, bits (saturating)" },

	{ .key = "activation.mode",
	  .type = PARAM_ENUM,
	  HW(activation.mode),
	  .def = "exact",
	  .names = param_act_names,
	  .untimed = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "activation functions: exact (libm) or pwl (piecewise linear)" },
	{ .key = "activation.segments",
	  .type = PARAM_U32,
	  HW(activation.segments),
	  .def = "64",
	  .min = 2,
	  .max = 65536,
	  .untimed = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "pwl: segments over [-range, range]" },
	{ .key = "activation.range",
	  .type = PARAM_DOUBLE,
	  HW(activation.range),
	  .def = "8.0",
	  .dmin = 0,
	  .dmax = 1000,
	  .untimed = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "pwl: input range; outside it the function saturates" },
};

/* One activation role's three keys: the function, its alpha and its beta
 * (0 = the function's default). Untimed: the MFU takes every function in
 * one pass of its pipeline, so they move values only. */
#define PARAM_ACT_ROLE(KEY, I, WHAT)                                                                              \
	{ .key = KEY,                                                                                             \
	  .type = PARAM_ENUM,                                                                                     \
	  LY(act[I]),                                                                                             \
	  .def = "auto",                                                                                          \
	  .names = param_lact_names,                                                                              \
	  .quiet_default = true,                                                                                  \
	  .untimed = true,                                                                                        \
	  .src = PARAM_SRC_CHOICE,                                                                                \
	  .desc = WHAT "; values only, the MFU takes every function in one pass (docs/numerics.md)" },            \
		{ .key = KEY "_alpha",                                                                            \
		  .type = PARAM_DOUBLE,                                                                           \
		  LY(act_alpha[I]),                                                                               \
		  .def = "0",                                                                                     \
		  .dmin = -1e6,                                                                                   \
		  .dmax = 1e6,                                                                                    \
		  .quiet_default = true,                                                                          \
		  .untimed = true,                                                                                \
		  .src = PARAM_SRC_CHOICE,                                                                        \
		  .desc = KEY "'s alpha (leaky_relu, hard_sigmoid, affine, thresholded_relu, scaled_tanh, elu); " \
			      "0 = the function's default" },                                                     \
	{                                                                                                         \
		.key = KEY "_beta", .type = PARAM_DOUBLE, LY(act_beta[I]), .def = "0", .dmin = -1e6, .dmax = 1e6, \
		.quiet_default = true, .untimed = true, .src = PARAM_SRC_CHOICE,                                  \
		.desc = KEY "'s beta (hard_sigmoid, affine, scaled_tanh); 0 = the function's default"             \
	}

static const param_t param_layer[] = {
	{ .key = "cell",
	  .type = PARAM_ENUM,
	  LY(cell),
	  .names = cell_builtin_names,
	  .kind = "cell",
	  .src = PARAM_SRC_PAPER,
	  .desc = "cell (required), from the cell registry (sim/cell/cell.h); fc is fully connected, no recurrence" },
	{ .key = "input_size",
	  .type = PARAM_U32,
	  LY(input_size),
	  .min = 1,
	  .max = 1048576,
	  .src = PARAM_SRC_PAPER,
	  .desc = "I, elements of x_t (required; the SHARP paper uses I = H)" },
	{ .key = "hidden_size",
	  .type = PARAM_U32,
	  LY(hidden_size),
	  .min = 1,
	  .max = 65536,
	  .src = PARAM_SRC_PAPER,
	  .desc = "H, elements of h_t (required)" },
	{ .key = "timesteps",
	  .type = PARAM_U32,
	  LY(timesteps),
	  .min = 1,
	  .max = 10000000,
	  .src = PARAM_SRC_PAPER,
	  .desc = "T, sequence length (required)" },
	{ .key = "batch_size",
	  .type = PARAM_U32,
	  LY(batch_size),
	  .def = "1",
	  .min = 1,
	  .max = 1024,
	  .src = PARAM_SRC_PAPER,
	  .desc = "B, independent sequences sharing the weights" },
	{ .key = "gru_form",
	  .type = PARAM_ENUM,
	  LY(gru_form),
	  .def = "linear_before_reset",
	  .names = param_gru_names,
	  .src = PARAM_SRC_MODEL,
	  .desc = "gru only: linear_before_reset (cuDNN: r scales U_n h) or reset_before_matmul "
		  "(original: U_n (r*h) waits for r)" },
	{ .key = "direction",
	  .type = PARAM_ENUM,
	  LY(direction),
	  .def = "unidirectional",
	  .names = param_dir_names,
	  .src = PARAM_SRC_PAPER,
	  .desc = "bidirectional: two passes in opposite time order with their own weights, run one after "
		  "the other on the accelerator; outputs concatenated (the next layer's input is 2H); reverse: "
		  "one pass from the last step to the first (ONNX's direction reverse), timed as a forward one" },
	{ .key = "skip_input",
	  .type = PARAM_BOOL,
	  LY(skip_input),
	  .def = "false",
	  .src = PARAM_SRC_MODEL,
	  .desc = "leave out W.x (cuDNN skip-input mode, DeepBench's FLOP accounting)" },
	/* quiet_default: a workload that leaves these at fp16 hashes as before
	 * the keys existed (config_hash). */
	{ .key = "weight_bits",
	  .type = PARAM_ENUM,
	  LY(weight_bits),
	  .def = "16",
	  .names = param_wbits_names,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "stored bits per weight in the weight buffer and DRAM: 16 = fp16, or symmetric integers with "
		  "fp32 scales; --functional multiplies the quantized values (docs/compression.md §6)" },
	{ .key = "weight_scale",
	  .type = PARAM_ENUM,
	  LY(weight_scale),
	  .def = "row",
	  .names = param_wscale_names,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "below 16 bits: one fp32 scale per row, per weight_scale_block x weight_scale_block block, "
		  "or per tensor; a tile stores the scales of the groups it touches" },
	{ .key = "weight_scale_block",
	  .type = PARAM_U32,
	  LY(weight_scale_block),
	  .def = "64",
	  .min = 1,
	  .max = 65536,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "weight_scale block: block edge, counted from each tile's corner" },
	/* quiet_default: a layer without a codebook hashes as before. */
	{ .key = "weight_codebook",
	  .type = PARAM_ENUM,
	  LY(weight_codebook),
	  .def = "none",
	  .names = param_wcb_names,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "codebook storage: each weight a codebook_bits index into fp32 entries shared per weight_scale "
		  "group (kmeans or uniform values); neu5.3, neu8, neu16: RNNAccel's NeuCompression ratios (k-means, "
		  "6/4/2-bit indices, one codebook per 256 x 256 block; docs/compression.md §6)" },
	{ .key = "codebook_bits",
	  .type = PARAM_U32,
	  LY(codebook_bits),
	  .def = "4",
	  .min = 1,
	  .max = 8,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "weight_codebook kmeans, uniform: bits of a weight's index" },
	{ .key = "codebook_entries",
	  .type = PARAM_U32,
	  LY(codebook_entries),
	  .def = "0",
	  .min = 0,
	  .max = 256,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "weight_codebook kmeans, uniform: entries per codebook, at most 2^codebook_bits (0: that many)" },
	/* quiet_default as well: a dense layer hashes as before. */
	{ .key = "sparsity",
	  .type = PARAM_DOUBLE,
	  LY(sparsity),
	  .def = "0",
	  .dmin = 0,
	  .dmax = 1,
	  .closed_open = true,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "fraction of zero (pruned) weights in W and in U, each pruned on its own; the mask is drawn at "
		  "plan time from sparsity_seed, and --functional zeroes the same weights (docs/compression.md §6)" },
	{ .key = "sparsity_pattern",
	  .type = PARAM_ENUM,
	  LY(sparsity_pattern),
	  .def = "unstructured",
	  .names = param_sparse_pattern_names,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "which weights are zero: unstructured (floor(s*n) anywhere), block (floor(s*nb) of the "
		  "sparsity_block blocks of every block row), row_balanced (floor(s*cols) in every row)" },
	{ .key = "sparsity_block",
	  .type = PARAM_U32,
	  LY(sparsity_block),
	  .def = "8",
	  .min = 1,
	  .max = 65536,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "block edge of sparsity_pattern: block and of the bsr layout (blocks from the matrix corner)" },
	{ .key = "sparsity_seed",
	  .type = PARAM_U64,
	  LY(sparsity_seed),
	  .def = "1",
	  .min = 0,
	  .max = UINT64_MAX,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "seed of the zero mask: same seed, same mask, same cycles" },
	{ .key = "sparsity_mask",
	  .type = PARAM_ENUM,
	  LY(sparsity_mask),
	  .def = "seeded",
	  .names = param_sparsity_mask_names,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "where the zeros come from: seeded (drawn from sparsity_seed) or magnitude (the layer's "
		  "'weights' directory pruned by magnitude with sparsity_pattern; the same zeros in time and "
		  "values; docs/compression.md §6)" },
	{ .key = "sparse_format",
	  .type = PARAM_ENUM,
	  LY(sparse_format),
	  .def = "dense",
	  .names = param_sparse_format_names,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "stored layout of the weights (cmp_store.h): dense (zeros stored and issued), bitmask, csr, "
		  "bsr; a sparse layout lets the VS array skip a column tile with no non-zero" },
	{ .key = "index_bits",
	  .type = PARAM_U32,
	  LY(index_bits),
	  .def = "16",
	  .min = 1,
	  .max = 32,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "csr, bsr: bits of a column (block column) index; row pointers are 32 bits" },
	/* quiet_default: a layer that is not a delta network hashes as before
	 * the keys existed. The thresholds move cycles (they decide which
	 * columns issue), so they are timed keys. */
	{ .key = "delta",
	  .type = PARAM_BOOL,
	  LY(delta),
	  .def = "false",
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "delta network (DeltaRNN): skip the columns of x_t and h_{t-1} whose change since they were last "
		  "used is below the thresholds; needs --functional (docs/compression.md, Delta networks)" },
	{ .key = "delta_threshold_x",
	  .type = PARAM_DOUBLE,
	  LY(delta_threshold_x),
	  .def = "0",
	  .dmin = 0,
	  .dmax = 1e300,
	  .closed_open = true,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "delta: an element of x_t is used when |x - last used x| >= this; 0 uses every one (the dense "
		  "run); above any change the format can hold (e.g. 1e30) skips every one after the first step" },
	{ .key = "delta_threshold_h",
	  .type = PARAM_DOUBLE,
	  LY(delta_threshold_h),
	  .def = "0",
	  .dmin = 0,
	  .dmax = 1e300,
	  .closed_open = true,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "delta: the same threshold for h_{t-1}" },
	/* quiet_default: a layer without lengths hashes as before. */
	{ .key = "sequence_lens",
	  .type = PARAM_U32_LIST,
	  LY(sequence_lens),
	  .def = "[]",
	  .min = 1,
	  .max = 10000000,
	  .quiet_default = true,
	  .src = PARAM_SRC_MODEL,
	  .desc = "per-sequence lengths (ONNX's sequence_lens), [] = every sequence runs all T steps; else "
		  "batch_size entries, each 1..T, the longest T: a finished sequence's tokens are not issued, so "
		  "steps with fewer sequences take fewer cycles; in values a finished sequence's h is 0 (ONNX's Y)" },
	/* quiet_default: a layer without a projection hashes as before. */
	{ .key = "proj_size",
	  .type = PARAM_U32,
	  LY(proj_size),
	  .def = "0",
	  .min = 0,
	  .max = 65535,
	  .quiet_default = true,
	  .src = PARAM_SRC_MODEL,
	  .desc = "LSTM cells only: P, the projection of LSTMP (PyTorch's proj_size): h = W_proj (o*tanh(c)), "
		  "P x H, one more matrix-vector product per step that the next step's U.h waits for; "
		  "0 = none, else 0 < P < H (docs/architecture.md)" },
	/* Progressive LSTM (docs/progressive.md). Flat keys rather than a
	 * nested approx: map: every layer key is one row of this table, which
	 * drives validation, --help and the dump, and -w key=value overrides
	 * reach flat keys only. quiet_default: an exact layer hashes as before. */
	{ .key = "approx",
	  .type = PARAM_ENUM,
	  LY(approx),
	  .def = "none",
	  .names = param_approx_names,
	  .quiet_default = true,
	  .src = PARAM_SRC_PAPER,
	  .desc = "svd_prune: each LSTM gate as approx_steps rank-1 refinements sigma*u*(v^T x~), v pruned to "
		  "approx_nz entries (Kouris et al. 2020; docs/progressive.md)" },
	{ .key = "approx_nz",
	  .type = PARAM_U32,
	  LY(approx_nz),
	  .def = "0",
	  .min = 0,
	  .max = 2097152,
	  .quiet_default = true,
	  .src = PARAM_SRC_PAPER,
	  .desc = "svd_prune: NZ, entries kept of each right vector, 1..I+H (required with approx)" },
	{ .key = "approx_steps",
	  .type = PARAM_U32,
	  LY(approx_steps),
	  .def = "1",
	  .min = 1,
	  .max = 65535,
	  .quiet_default = true,
	  .src = PARAM_SRC_PAPER,
	  .desc = "svd_prune: refinement steps per gate and time step (the paper's N_steps)" },
	{ .key = "approx_value_bits",
	  .type = PARAM_U32,
	  LY(approx_value_bits),
	  .def = "32",
	  .min = 1,
	  .max = 64,
	  .quiet_default = true,
	  .src = PARAM_SRC_PAPER,
	  .desc = "svd_prune: stored bits of each sigma, u and v value (fp32 in the paper)" },
	{ .key = "approx_index_bits",
	  .type = PARAM_U32,
	  LY(approx_index_bits),
	  .def = "16",
	  .min = 1,
	  .max = 32,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "svd_prune: stored bits of each v index (16 holds any column of I+H <= 65536)" },
	{ .key = "approx_order",
	  .type = PARAM_ENUM,
	  LY(approx_order),
	  .def = "block",
	  .names = param_approx_order_names,
	  .quiet_default = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "svd_prune, several row blocks: block = the first block's refinements and dots, then each later "
		  "block's updates; refinement = the update U_n of every block before U_n+1, so refinement n "
		  "reaches every row earlier; it keeps every block's sums open over the step and needs "
		  "compute.accumulators >= blocks x batch_size (docs/progressive.md §5.2)" },
	{ .key = "approx_factors",
	  .type = PARAM_STRING,
	  LY(approx_factors),
	  .def = "\"\"",
	  .quiet_default = true,
	  .untimed = true,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "svd_prune: directory of `sharpsim decompose`'s factors (<gate>_sigma, _u, _v, _vidx.npy), "
		  "relative to the workload file, checked against the layer and used by --functional; \"\" = "
		  "decompose the layer's weights" },
	/* quiet_default: a workload at the cell's own activations hashes as
	 * before the keys existed; untimed: values only. */
	PARAM_ACT_ROLE("act_f", 0,
		       "activation of role f: LSTM's i, f, o gates, GRU's r, z, the vanilla RNN's h (ONNX's roles); "
		       "auto = sigmoid (vanilla: tanh)"),
	PARAM_ACT_ROLE("act_g", 1, "activation of role g: LSTM's candidate, GRU's n (ONNX's roles); auto = tanh"),
	PARAM_ACT_ROLE("act_h", 2, "activation of role h: LSTM's output o * h(c) (ONNX's roles); auto = tanh"),
	{ .key = "weights",
	  .type = PARAM_STRING,
	  LY(weights),
	  .def = "\"\"",
	  .src = PARAM_SRC_CHOICE,
	  .desc = "directory of .npy weights for functional runs, relative to the workload file; "
		  "\"\" = random" },
};

const char *param_lact_name(layer_act_t a)
{
	return param_lact_names[a];
}

const param_t *param_hw_table(size_t *n)
{
	*n = sizeof param_hw / sizeof param_hw[0];
	return param_hw;
}

const param_t *param_layer_table(size_t *n)
{
	*n = sizeof param_layer / sizeof param_layer[0];
	return param_layer;
}

const param_t *param_find(const param_t *t, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].key, key) == 0)
			return &t[i];
	return NULL;
}

const char *param_suggest(const param_t *t, size_t n, const char *key)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t dist = ydoc_edit_distance(key, t[i].key);
		if (dist < best_d) {
			best_d = dist;
			best = t[i].key;
		}
	}
	/* Same rule as ydoc_check_keys: at most half the longer name changed. */
	size_t la = strlen(key), lb = best ? strlen(best) : 0;
	return best && 2 * best_d <= (la > lb ? la : lb) ? best : NULL;
}

/* "a, b, c" from a NULL-terminated name list (truncated to the buffer). */
static const char *param_names_list(const char *const *names, char *list, size_t size)
{
	size_t used = 0;
	list[0] = '\0';
	for (int i = 0; names[i] && used < size; i++)
		used += (size_t)snprintf(list + used, size - used, "%s%s", i ? ", " : "", names[i]);
	return list;
}

int param_enum_parse(const ydoc_t *d, const ydoc_node_t *v, const char *what, const char *const *names, int *out,
		     sim_err_t *err)
{
	const char *s = ydoc_scalar(v);
	for (int i = 0; v && s && names[i]; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return SIM_OK;
		}
	}
	/* The list of choices is formatted only for a wrong value. */
	char list[256];
	param_names_list(names, list, sizeof list);
	if (!v || !s)
		return ydoc_error(d, v, err, SIM_EINPUT, "%s, expected one of: %s",
				  v ? "not a single value" : "no value", list);
	return ydoc_error(d, v, err, SIM_EINPUT, "value '%s'%s%s is not a valid choice, expected one of: %s", s,
			  what ? " of " : "", what ? what : "", list);
}

/* A registry's name: the same checks, but a value it does not hold is an
 * unknown <kind> (the registries list their entries, params.h). */
static int param_kind_parse(const ydoc_t *d, const ydoc_node_t *v, const param_t *p, int *out, sim_err_t *err)
{
	const char *s = v ? ydoc_scalar(v) : NULL;
	bool known = false;
	for (int i = 0; s && p->names[i]; i++)
		known |= strcmp(p->names[i], s) == 0;
	if (!s || known)
		return param_enum_parse(d, v, p->key, p->names, out, err);
	char list[256];
	return ydoc_error(d, v, err, SIM_EINPUT, "unknown %s '%s', expected one of %s", p->kind, s,
			  param_names_list(p->names, list, sizeof list));
}

/* Appends text to an error message (for "or auto" and the size hint). */
static void param_err_append(sim_err_t *err, const char *text)
{
	if (!err)
		return;
	size_t used = strlen(err->msg);
	snprintf(err->msg + used, sizeof err->msg - used, "%s", text);
}

int param_set(const param_t *p, void *base, const ydoc_t *d, const ydoc_node_t *v, sim_err_t *err)
{
	char *field = (char *)base + p->offset;
	const char *s = ydoc_scalar(v);
	int rc;

	switch (p->type) {
	case PARAM_U32:
	case PARAM_U64:
	case PARAM_SIZE: {
		uint64_t x = 0;
		if (!(p->has_auto && s && strcmp(s, "auto") == 0)) {
			rc = ydoc_as_u64(d, v, p->min, p->max, &x, err);
			if (rc) {
				if (p->type == PARAM_SIZE)
					param_err_append(err, " (a size may end in KiB, MiB, GiB, KB, MB or GB)");
				if (p->has_auto)
					param_err_append(err, ", or auto");
				return rc;
			}
		}
		if (p->type == PARAM_U32) {
			uint32_t y = (uint32_t)x;
			memcpy(field, &y, sizeof y);
		} else {
			memcpy(field, &x, sizeof x);
		}
		return SIM_OK;
	}
	case PARAM_DOUBLE: {
		double x;
		rc = ydoc_as_double(d, v, -HUGE_VAL, HUGE_VAL, &x, err);
		if (rc) {
			char range[96];
			snprintf(range, sizeof range, " above %g and at most %g", p->dmin, p->dmax);
			param_err_append(err, range);
			return rc;
		}
		if (p->closed_open && !(x >= p->dmin && x < p->dmax))
			return ydoc_error(
				d, v, err, SIM_EINPUT,
				"value '%s' of %s is out of range, expected a number at least %g and below %g", s,
				p->key, p->dmin, p->dmax);
		if (!p->closed_open && !(x > p->dmin && x <= p->dmax))
			return ydoc_error(d, v, err, SIM_EINPUT,
					  "value '%s' of %s is out of range, expected a number above %g and at most %g",
					  s, p->key, p->dmin, p->dmax);
		memcpy(field, &x, sizeof x);
		return SIM_OK;
	}
	case PARAM_BOOL: {
		bool x = false;
		rc = ydoc_as_bool(d, v, &x, err);
		if (rc)
			return rc;
		memcpy(field, &x, sizeof x);
		return SIM_OK;
	}
	case PARAM_ENUM: {
		int x;
		rc = p->kind ? param_kind_parse(d, v, p, &x, err) : param_enum_parse(d, v, p->key, p->names, &x, err);
		if (rc)
			return rc;
		memcpy(field, &x, sizeof x);
		return SIM_OK;
	}
	case PARAM_U32_LIST: {
		layer_lens_t x = { 0 };
		if (!v || ydoc_kind(v) != YDOC_SEQ)
			return ydoc_error(d, v, err, SIM_EINPUT,
					  "%s is not a list, expected a list of integers like [8, 4]", p->key);
		if (ydoc_len(v) > LAYER_MAX_BATCH)
			return ydoc_error(d, v, err, SIM_EINPUT, "%s has %zu entries, expected at most %u", p->key,
					  ydoc_len(v), LAYER_MAX_BATCH);
		for (size_t i = 0; i < ydoc_len(v); i++) {
			uint64_t e;
			if ((rc = ydoc_as_u64(d, ydoc_item(v, i), p->min, p->max, &e, err)))
				return rc;
			x.len[x.n++] = (uint32_t)e;
		}
		memcpy(field, &x, sizeof x);
		return SIM_OK;
	}
	case PARAM_STRING: {
		const char *x;
		rc = ydoc_as_string(d, v, &x, err);
		if (rc)
			return rc;
		if (strlen(x) >= p->size)
			return ydoc_error(d, v, err, SIM_EINPUT,
					  "value of %s is %zu characters long, expected at most %zu", p->key, strlen(x),
					  p->size - 1);
		memcpy(field, x, strlen(x) + 1);
		return SIM_OK;
	}
	}
	return sim_err(err, SIM_EINTERNAL, "%s: unknown parameter type", p->key);
}

int param_set_text(const param_t *p, void *base, const char *name, const char *text, sim_err_t *err)
{
	ydoc_t *d;
	int rc = ydoc_load_string(name, text, strlen(text), &d, err);
	if (rc)
		return rc;
	rc = param_set(p, base, d, ydoc_root(d), err);
	ydoc_free(d);
	return rc;
}

int param_defaults(const param_t *t, size_t n, void *base, sim_err_t *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!t[i].def)
			continue;
		int rc = param_set_text(&t[i], base, t[i].key, t[i].def, err);
		if (rc) {
			sim_err_prefix(err, "parameter table default: ");
			return rc == SIM_EINPUT ? SIM_EINTERNAL : rc;
		}
	}
	return SIM_OK;
}

/* snprintf(buf, size, "%s", s) without the format machinery: a run
 * formats every key twice (the config hash, the timing key), and snprintf
 * cost ten times the copy. */
static void param_put(char *buf, size_t size, const char *s)
{
	if (!size)
		return;
	size_t n = strlen(s);
	n = n < size ? n : size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* "%llu" of v, after a '-' when neg (as "%.0f" writes -0 and negatives). */
static void param_put_u64(char *buf, size_t size, uint64_t v, bool neg)
{
	char t[24];
	size_t i = sizeof t;
	t[--i] = '\0';
	do
		t[--i] = (char)('0' + v % 10);
	while (v /= 10);
	if (neg)
		t[--i] = '-';
	param_put(buf, size, t + i);
}

/* Shortest %g form that reads back to the same double (at most %.17g),
 * written without an exponent when it is a whole number below 1e15. */
static void param_format_double(double x, char *buf, size_t size)
{
	if (x == floor(x) && fabs(x) < 1e15) { /* an integer, exact in a uint64_t */
		param_put_u64(buf, size, (uint64_t)fabs(x), signbit(x));
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

static void param_quote(const char *s, char *buf, size_t size)
{
	size_t o = 0;
	if (size < 3) {
		buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (; *s && o + 6 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

void param_format(const param_t *p, const void *base, char *buf, size_t size)
{
	const char *field = (const char *)base + p->offset;
	switch (p->type) {
	case PARAM_U32: {
		uint32_t x;
		memcpy(&x, field, sizeof x);
		if (p->has_auto && x == 0)
			param_put(buf, size, "auto");
		else
			param_put_u64(buf, size, x, false);
		return;
	}
	case PARAM_U64:
	case PARAM_SIZE: {
		uint64_t x;
		memcpy(&x, field, sizeof x);
		if (p->has_auto && x == 0)
			param_put(buf, size, "auto");
		else
			param_put_u64(buf, size, x, false);
		return;
	}
	case PARAM_DOUBLE: {
		double x;
		memcpy(&x, field, sizeof x);
		param_format_double(x, buf, size);
		return;
	}
	case PARAM_BOOL: {
		bool x;
		memcpy(&x, field, sizeof x);
		param_put(buf, size, x ? "true" : "false");
		return;
	}
	case PARAM_ENUM: {
		int x;
		memcpy(&x, field, sizeof x);
		int count = 0;
		while (p->names[count])
			count++;
		param_put(buf, size, x >= 0 && x < count ? p->names[x] : "?");
		return;
	}
	case PARAM_STRING:
		param_quote(field, buf, size);
		return;
	case PARAM_U32_LIST: {
		const layer_lens_t *x = (const layer_lens_t *)(const void *)field;
		size_t o = (size_t)snprintf(buf, size, "[");
		for (uint32_t i = 0; i < x->n && o < size; i++)
			o += (size_t)snprintf(buf + o, size - o, "%s%u", i ? ", " : "", x->len[i]);
		if (o < size)
			snprintf(buf + o, size - o, "]");
		return;
	}
	}
}

void param_range_text(const param_t *p, char *buf, size_t size)
{
	const char *or_auto = p->has_auto ? " or auto" : "";
	switch (p->type) {
	case PARAM_U32:
	case PARAM_U64:
		snprintf(buf, size, "integer %llu..%llu%s", (unsigned long long)p->min, (unsigned long long)p->max,
			 or_auto);
		return;
	case PARAM_SIZE:
		snprintf(buf, size, "bytes %llu..%llu (KiB, MiB, GiB, KB, MB, GB)%s", (unsigned long long)p->min,
			 (unsigned long long)p->max, or_auto);
		return;
	case PARAM_DOUBLE:
		snprintf(buf, size, p->closed_open ? "number in [%g, %g)" : "number in (%g, %g]", p->dmin, p->dmax);
		return;
	case PARAM_BOOL:
		snprintf(buf, size, "true | false");
		return;
	case PARAM_ENUM: {
		size_t o = 0;
		buf[0] = '\0';
		for (int i = 0; p->names[i] && o < size; i++)
			o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? " | " : "", p->names[i]);
		return;
	}
	case PARAM_STRING:
		snprintf(buf, size, "string, at most %zu characters", p->size - 1);
		return;
	case PARAM_U32_LIST:
		snprintf(buf, size, "list of integers %llu..%llu, at most %u", (unsigned long long)p->min,
			 (unsigned long long)p->max, LAYER_MAX_BATCH);
		return;
	}
}

#define PARAM_MAX_DEPTH 8

/* Splits a dotted key into at most PARAM_MAX_DEPTH components held in buf
 * (a key longer than buf is cut, as the table's keys never are). */
static size_t param_split(const char *key, char *buf, size_t size, const char **comp)
{
	size_t len = strlen(key);
	len = len < size ? len : size - 1;
	memcpy(buf, key, len);
	buf[len] = '\0';
	size_t n = 0;
	comp[n++] = buf;
	for (char *c = buf; *c && n < PARAM_MAX_DEPTH; c++) {
		if (*c == '.') {
			*c = '\0';
			comp[n++] = c + 1;
		}
	}
	return n;
}

void param_out_text(param_out_t *o, const char *s, size_t n)
{
	if (o->f)
		fwrite(s, 1, n, o->f);
	else
		o->hash = fnv1a_bytes(o->hash, s, n);
}

void param_out_str(param_out_t *o, const char *s)
{
	param_out_text(o, s, strlen(s));
}

/* 2 * depth spaces: a key's indentation. */
static void param_out_indent(param_out_t *o, size_t depth)
{
	static const char spaces[2 * PARAM_MAX_DEPTH + 1] = "                ";
	param_out_text(o, spaces, 2 * (depth < PARAM_MAX_DEPTH ? depth : PARAM_MAX_DEPTH));
}

/* Sections, "key: value" lines: written piece by piece rather than through
 * fprintf, which formatting every key of every config twice a run (once
 * for the hash) made a visible share of a run's instructions. */
static void param_dump_keys(param_out_t *o, const param_t *t, size_t n, const void *base, bool for_hash)
{
	char prev_buf[128] = "", buf[128], value[PARAM_VALUE_MAX];
	const char *prev[PARAM_MAX_DEPTH], *comp[PARAM_MAX_DEPTH];
	size_t n_prev = 0;
	for (size_t i = 0; i < n; i++) {
		param_format(&t[i], base, value, sizeof value);
		if (for_hash && t[i].quiet_default && t[i].def && strcmp(value, t[i].def) == 0)
			continue;
		size_t nc = param_split(t[i].key, buf, sizeof buf, comp);
		size_t common = 0;
		while (common + 1 < nc && common + 1 < n_prev && strcmp(comp[common], prev[common]) == 0)
			common++;
		for (size_t s = common; s + 1 < nc; s++) {
			param_out_indent(o, s);
			param_out_str(o, comp[s]);
			param_out_text(o, ":\n", 2);
		}
		param_out_indent(o, nc - 1);
		param_out_str(o, comp[nc - 1]);
		param_out_text(o, ": ", 2);
		param_out_str(o, value);
		param_out_text(o, "\n", 1);
		memcpy(prev_buf, buf, sizeof buf);
		n_prev = param_split(t[i].key, prev_buf, sizeof prev_buf, prev);
	}
}

void param_dump(FILE *f, const param_t *t, size_t n, const void *base)
{
	param_dump_keys(&(param_out_t){ .f = f }, t, n, base, false);
}

void param_dump_hash(param_out_t *o, const param_t *t, size_t n, const void *base)
{
	param_dump_keys(o, t, n, base, true);
}

uint64_t param_timing_key(const param_t *t, size_t n, const void *base)
{
	uint64_t h = FNV1A_BASIS;
	char value[PARAM_VALUE_MAX];
	for (size_t i = 0; i < n; i++) {
		if (t[i].untimed)
			continue;
		param_format(&t[i], base, value, sizeof value);
		if (t[i].quiet_default && t[i].def && strcmp(value, t[i].def) == 0)
			continue;
		h = fnv1a_str(fnv1a_str(fnv1a_str(fnv1a_str(h, t[i].key), ": "), value), "\n");
	}
	return h;
}

static const char *param_src_name(param_src_t s)
{
	switch (s) {
	case PARAM_SRC_PAPER:
		return "paper";
	case PARAM_SRC_MODEL:
		return "hardware.md";
	case PARAM_SRC_CHOICE:
		return "engineering choice";
	}
	return "?";
}

/* Writes s as troff text: backslashes and hyphens escaped, and a line
 * never starts with a control character. */
static void param_man_text(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

void param_help_man(FILE *f, const param_t *t, size_t n)
{
	char range[256];
	for (size_t i = 0; i < n; i++) {
		param_range_text(&t[i], range, sizeof range);
		fputs(".TP\n.B ", f);
		param_man_text(f, t[i].key);
		fputs("\n", f);
		param_man_text(f, range);
		fputs("; default ", f);
		param_man_text(f, t[i].def ? t[i].def : "none, required");
		fprintf(f, " (%s).\n.br\n", param_src_name(t[i].src));
		param_man_text(f, t[i].desc);
		fputc('\n', f);
	}
}

void param_help(FILE *f, const param_t *t, size_t n)
{
	char range[256];
	for (size_t i = 0; i < n; i++) {
		param_range_text(&t[i], range, sizeof range);
		fprintf(f, "  %-40s %s\n", t[i].key, range);
		fprintf(f, "  %-40s default %s (%s)\n", "", t[i].def ? t[i].def : "none, required",
			param_src_name(t[i].src));
		fprintf(f, "  %-40s %s\n", "", t[i].desc);
	}
}
