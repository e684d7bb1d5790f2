/*
 * brainwave.h - Microsoft's BrainWave NPU as a machine of its own
 * (docs/baselines/brainwave.md): tile engines of dot-product engines behind
 * a vector register file, a chain of multifunction units, a write-back to
 * the register files, and a sequencer that issues instruction chains in
 * program order, each chain waiting for the write-back of the chains it
 * reads.
 */
#ifndef SHARPSIM_BRAINWAVE_H
#define SHARPSIM_BRAINWAVE_H

#include <stdint.h>

#include "../machine.h"

/* The `brainwave:` section. Latencies in cycles of the NPU clock. */
typedef struct bw_cfg {
	uint32_t native_dim;   /* n: elements of a native vector, DPEs per tile engine */
	uint32_t lanes;	       /* L: multipliers per DPE; a native vector takes n/L cycles */
	uint32_t tiles;	       /* T: tile engines */
	uint32_t mfus;	       /* multifunction units in the chain */
	uint32_t issue_cycles; /* sequencer cycles per instruction */
	int program;	       /* bw_placement_t: where the input chains stand */
	struct {
		uint32_t rf_read;    /* vector register file read (v_rd) */
		uint32_t rf_to_lane; /* register file to the DPE lanes */
		uint32_t mult;	     /* DPE multipliers */
		uint32_t accum;	     /* DPE accumulation */
		uint32_t reduction;  /* cross-tile add-reduction, plus ceil(log2 T) */
		uint32_t mfu;	     /* one MFU (activation, add, multiply stages) */
		uint32_t write_back; /* MFU chain to the register files (v_wr) */
	} lat;
	struct {
		double pj_per_mac; /* per MAC-unit slot issued (padding included) */
		double static_w;   /* whole device, whatever it does */
		double device_mm2; /* the FPGA's die: the NPU's area */
	} energy;
} bw_cfg_t;

extern const machine_desc_t machine_desc_brainwave;

#endif
