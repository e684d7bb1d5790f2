/*
 * hw_cfg.h - the hardware configuration, one sub-struct per component.
 *
 * Filled only by the config module (config.c) from YAML, -p overrides and the
 * parameter table (params.c). Each component's _create() receives only its
 * own sub-struct. Fields documented "0 = auto" keep the user's "auto" so the
 * effective-config dump and config_hash show what was written; the core
 * resolves them (see core/resolve.h) before any component is created.
 */
#ifndef SHARPSIM_HW_CFG_H
#define SHARPSIM_HW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HW_NAME_MAX 64
#define HW_PATH_MAX 512
/* Bytes a machine other than SHARP may keep as its config (machine.h). */
#define HW_MACHINE_CFG_MAX 2048

typedef enum { TILE_AUTO = 0, TILE_CONFIG1 = 1, TILE_CONFIG2, TILE_CONFIG3, TILE_CONFIG4 } tile_sel_t;

/* SHARP's four schedules (SCHED_KIND_COUNT of them), then the baselines the
 * paper compares against, modelled on the same hardware. */
typedef enum {
	SCHED_KIND_SEQUENTIAL = 0,
	SCHED_KIND_BATCH,
	SCHED_KIND_INTERGATE,
	SCHED_KIND_UNFOLDED,
	SCHED_KIND_EPUR,
	SCHED_KIND_BRAINWAVE,
	SCHED_KIND_ALL,
	SCHED_KIND_COUNT = SCHED_KIND_EPUR
} sched_kind_t;

typedef enum { WEIGHTS_AUTO = 0, WEIGHTS_RESIDENT, WEIGHTS_STREAM } weight_policy_t;
typedef enum { DEPS_STEP = 0, DEPS_ELEMENT } deps_kind_t;
/* When the cell updater may take an element (docs/hardware.md §3): auto =
 * the schedule's own rule (SCHED_F_WHOLE_VECTOR), element = once all its
 * gates are activated, vector = once every element of the step is. */
typedef enum { CELL_UPDATE_AUTO = 0, CELL_UPDATE_ELEMENT, CELL_UPDATE_VECTOR } cell_update_t;
/* How a bidirectional layer's two directions share the array: one after the
 * other, or as one pass whose sequences are both directions (plan.c). */
typedef enum { DIRSCHED_SEQUENTIAL = 0, DIRSCHED_INTERLEAVED } dir_sched_t;

typedef enum { PREC_FP16 = 0, PREC_BF16, PREC_FP32, PREC_FIX16X8, PREC_FIX16X16 } prec_mul_t;
typedef enum { ACT_EXACT = 0, ACT_PWL } act_mode_t;

typedef struct compute_cfg {
	uint32_t vs_units;	      /* N */
	uint32_t vs_width;	      /* K */
	tile_sel_t tile;	      /* TILE_AUTO: from the explore table */
	bool pad_reconfig;	      /* switch config on the last row segment */
	uint32_t mult_latency;	      /* cycles in the VS multipliers */
	uint32_t accumulators;	      /* row blocks in flight; 0 = auto (core/resolve.h) */
	uint32_t acc_latency;	      /* cycles of the accumulator add */
	char tile_table[HW_PATH_MAX]; /* explore table for TILE_AUTO; "" = configs/tiles/<name>.yaml */
} compute_cfg_t;

typedef struct mfu_cfg {
	uint32_t units;	  /* activations started per cycle */
	uint32_t latency; /* pipeline depth, cycles */
} mfu_cfg_t;

typedef struct cell_cfg {
	uint32_t lanes;	       /* hidden elements finished per cycle (a fixed unit, docs/hardware.md §2.5) */
	uint32_t latency;      /* depth outside the tanh (multiplies, add), cycles */
	uint32_t tanh_latency; /* stages of its tanh; 0 = auto (mfu.latency) */
	/* Extra depth for peephole cells outside their extra tanh: such a layer
	 * is peephole_latency + tanh_latency deeper (sim/cell/cells/lstm_peephole.c). */
	uint32_t peephole_latency;
} cell_cfg_t;

typedef struct wbuf_cfg {
	uint64_t bytes;		  /* capacity */
	uint32_t banks;		  /* 0 = auto (N, one per VS unit) */
	uint32_t read_latency;	  /* cycles from issue to weights at the VS units */
	uint64_t bytes_per_cycle; /* read bandwidth cap; 0 = auto (a full tile, N*K*2) */
	uint64_t stage_bytes;	  /* DRAM staging area for streamed weights (both halves) */
} wbuf_cfg_t;

typedef struct dram_cfg {
	double gbps;	  /* sustained bandwidth, GB/s (1e9 bytes/s) */
	uint32_t latency; /* cycles from request to data */
} dram_cfg_t;

/* The decompression unit between the weight buffer and the VS array
 * (sim/memory/dcmp.h). */
typedef struct dcmp_cfg {
	uint64_t weights_per_cycle; /* weights decoded per cycle; 0 = auto (N*K: never stalls) */
	uint32_t latency;	    /* cycles added to the weight-read path of a layer it decodes */
} dcmp_cfg_t;

typedef struct memory_cfg {
	weight_policy_t weights;
	wbuf_cfg_t wbuf;
	uint64_t ih_bytes;    /* input/hidden buffer */
	uint64_t cell_bytes;  /* cell-state buffer */
	uint64_t inter_bytes; /* intermediate buffer (Unfolded's W.x) */
	bool inter_double;    /* double-buffered: half the bytes hold run-ahead */
	dram_cfg_t dram;
} memory_cfg_t;

typedef struct precision_cfg {
	prec_mul_t mul;
	uint32_t data_frac;   /* fixed point: fraction bits of 16-bit data (x, h) */
	uint32_t weight_frac; /* fixed point: fraction bits of weights */
	uint32_t acc_bits;    /* fixed point: accumulator width, bits */
} precision_cfg_t;

typedef struct act_cfg {
	act_mode_t mode;
	uint32_t segments; /* PWL segments over [-range, range] */
	double range;
} act_cfg_t;

typedef struct hw_cfg {
	char name[HW_NAME_MAX];
	double clock_mhz;
	compute_cfg_t compute;
	mfu_cfg_t mfu;
	cell_cfg_t cell;
	uint32_t fifo_depth; /* entries of every inter-stage FIFO */
	memory_cfg_t memory;
	dcmp_cfg_t decompress;
	/* A delta network's encoder (docs/hardware.md §2.9): cycles from h_{t-1}
	 * complete to its used-column list, which the U.h segments wait for. */
	uint32_t delta_encoder_latency;
	sched_kind_t scheduler;
	deps_kind_t deps;
	cell_update_t cell_update;
	dir_sched_t direction_schedule;
	uint64_t watchdog; /* cycles without progress before a deadlock error */
	precision_cfg_t precision;
	act_cfg_t activation;
	/* The machine the file describes: 0 = SHARP (every field above), else
	 * an index into machine_names (sim/machine/machine.h) whose descriptor
	 * alone reads machine_cfg, its own config; SHARP's fields then keep
	 * their defaults and are neither dumped nor hashed. */
	int machine;
	union {
		max_align_t align;
		unsigned char bytes[HW_MACHINE_CFG_MAX];
	} machine_cfg;
} hw_cfg_t;

const char *hw_sched_name(sched_kind_t s);
/* What ran: the schedule's name on SHARP, the machine's name otherwise
 * (reports print it in their scheduler column). */
const char *hw_design_name(const hw_cfg_t *hw);
const char *hw_tile_name(tile_sel_t t);
const char *hw_weights_name(weight_policy_t w);

#endif
