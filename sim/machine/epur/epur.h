/*
 * epur.h - E-PUR [E-PUR] as a machine of its own (docs/baselines/epur.md):
 * one computation unit per gate, each a dot-product unit (DPU) of `width`
 * lanes and a multifunctional unit (MFU), the input MVMs of a whole
 * sequence first into a bounded precompute store ("maximizing weight
 * locality"), then the recurrent MVMs step by step.
 *
 * The config is the `epur:` section of a hardware file; every field is a
 * key of the table epur_params() (epur.c), with its source.
 */
#ifndef SHARPSIM_EPUR_H
#define SHARPSIM_EPUR_H

#include <stdint.h>

#include "../machine.h"

typedef struct epur_energy_cfg {
	double mac_pj;		 /* one useful fp16 multiply + fp32 accumulate */
	double sram_ref_pj;	 /* one 8-byte access of an sram_ref_bytes array */
	uint64_t sram_ref_bytes; /* the array size sram_ref_pj was given for */
	double sram_exponent;	 /* access energy ~ (size / ref)^exponent */
	double act_pj;		 /* one activation (bias add + sigmoid/tanh) */
	double elem_pj;		 /* one element-wise multiply or add of the cell update */
	double dram_pj_per_bit;	 /* cold weight load */
	double logic_leak_w_mm2; /* leakage of DPUs and MFUs per mm^2 */
	double sram_leak_w_mm2;	 /* leakage of the buffers per mm^2 */
	double mac_um2;		 /* one multiplier + its adder-tree share + accumulator */
	double sram_um2_per_kib; /* SRAM array incl. periphery */
	double mfu_um2;		 /* one MFU */
	int sram_model;		 /* EPUR_SRAM_TABLE or EPUR_SRAM_OWN */
} epur_energy_cfg_t;

/* How E-PUR's buffers are priced: from the run's technology table, as
 * SHARP's are (the default: both designs at one node, as the SHARP
 * authors compared them), or from the √-size terms of epur.energy.*. */
enum { EPUR_SRAM_TABLE = 0, EPUR_SRAM_OWN };

typedef struct epur_cfg {
	uint32_t units;		/* computation units (one per LSTM gate) */
	uint32_t macs;		/* multipliers over all units: width = macs / units */
	uint32_t rows;		/* rows a unit's DPU works on at once (E-PUR: 1) */
	uint32_t mult_latency;	/* DPU multiplier stage, cycles */
	uint32_t tree_latency;	/* adder tree, cycles; 0 = auto = ceil(log2 lanes) */
	uint32_t acc_latency;	/* accumulator, cycles */
	uint32_t act_latency;	/* MFU: W.x add, bias, activation */
	uint32_t elem_latency;	/* MFU: element-wise cell update up to h_t written */
	uint64_t precomp_bytes; /* precompute store capacity */
	uint32_t value_bytes;	/* one precomputed W.x value in the store */
	uint64_t wbuf_bytes;	/* weight buffers, all units together */
	uint64_t io_bytes;	/* input + hidden buffers (priced, not checked) */
	double dram_gbps;	/* cold weight load only */
	epur_energy_cfg_t e;
} epur_cfg_t;

/* DPU lanes of one unit. */
uint32_t epur_width(const epur_cfg_t *c);
/* Lanes of one row engine: width / rows. */
uint32_t epur_lanes(const epur_cfg_t *c);
/* The adder tree's latency with auto resolved. */
uint32_t epur_tree_latency(const epur_cfg_t *c);

extern const machine_desc_t machine_desc_epur;

#endif
