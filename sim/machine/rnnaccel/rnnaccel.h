/*
 * rnnaccel.h - RNNAccel (Kao et al., arXiv:2010.13311, 2020) as a machine
 * of its own: a 32-MAC fixed-point array (16-bit data x 8-bit weights, two
 * MACs pairing into one 16 x 16 MAC), a pipelined piecewise-linear
 * activation unit, 12 KB of banked local memory and a sequencer, clocked at
 * 250 MHz in a 40 nm process. docs/baselines/rnnaccel.md describes the
 * hardware, the readings taken where the paper is silent, and the energy
 * terms.
 *
 * The units (one .h/.c pair each, all advancing one clock per tick):
 *   rnnaccel_seq   the sequencer: cuts a layer into tiles and tracks which
 *                  vectors (h of a step, r of a GRU step) are complete;
 *   rnnaccel_mac   the MAC array: one column of a tile per cycle;
 *   rnnaccel_act   the activation unit: a pipeline of fixed depth;
 *   rnnaccel_lmem  the local-memory banks and the external weight stream.
 */
#ifndef SHARPSIM_RNNACCEL_H
#define SHARPSIM_RNNACCEL_H

#include <stdint.h>

#include "../machine.h"

/* The `rnnaccel:` section. Every field is a key of the table in
 * rnnaccel.c ("rnnaccel.<key>"), with its source in the description. */
typedef struct rnnaccel_cfg {
	uint32_t macs;	      /* 16-bit x 8-bit MAC units */
	uint32_t weight_bits; /* 8: one weight per unit; 16: two units per MAC */
	uint32_t store_bits;  /* bits a weight takes stored (compressed) */
	uint32_t act_depth;   /* activation pipeline depth, cycles */
	uint32_t act_rate;    /* values the activation unit accepts per cycle */
	uint64_t lmem_bytes;  /* local memory */
	uint32_t lmem_banks;
	uint32_t lmem_bank_width; /* bytes per bank per cycle */
	uint32_t stream_bytes;	  /* external weight stream, bytes per cycle */
	double tech_src_node_nm;  /* node of the per-operation energies below */
	double tech_src_vdd;	  /* their supply voltage */
	double tech_node_nm;	  /* RNNAccel's node */
	double tech_vdd;	  /* its supply voltage */
	double e_mul8_pj;	  /* 8-bit integer multiply (source node) */
	double e_add32_pj;	  /* 32-bit integer add (source node) */
	double e_sram8k_pj;	  /* one byte read from an 8 KB SRAM (source node) */
	double e_ext_pj;	  /* one byte read from the external weight store */
	double a_mul8_um2;	  /* 8-bit multiplier area (source node) */
	double a_add32_um2;	  /* 32-bit adder area (source node) */
	double a_bitcell_um2;	  /* SRAM bit cell at RNNAccel's node */
	double sram_efficiency;	  /* bit-cell area / macro area */
	double leak_mw_per_mm2;	  /* leakage power density */
} rnnaccel_cfg_t;

/* The MAC rate of cfg: MACs per cycle in its weight precision. */
uint32_t rnnaccel_lanes(const rnnaccel_cfg_t *c);

extern const machine_desc_t machine_desc_rnnaccel;

#endif
