/*
 * cu_backend.h - another implementation of the compute unit in the loop.
 *
 * `sharpsim run --cosim` and `--rtl` replace the C compute unit (cu.h)
 * with a backend that implements the same cycle-level interface: the
 * Verilated RTL alone (--rtl), or the RTL and the C model in lockstep,
 * compared every cycle (--cosim). The core calls the backend exactly where
 * it calls cu.h, in the same order within a cycle:
 *
 *   out_peek (out.valid and the block, before any input of this cycle)
 *   out_pop  (out.ready high this cycle)
 *   in_ready (the tile presented with in.valid; may be refused)
 *   in_push  (the tile is taken at the coming edge)
 *   tick     (the clock edge; inputs drop afterwards)
 *
 * A backend that finds the two implementations disagreeing records the
 * first divergence and reports it through `error` (checked every cycle):
 * the cycle, tile, lane and tag, expected and actual in hex and decimal,
 * and where its waveform window was written. Fast-forward is off while a
 * backend is in the loop (the backends step every cycle).
 */
#ifndef SHARPSIM_CU_BACKEND_H
#define SHARPSIM_CU_BACKEND_H

#include "../common/err.h"
#include "cu.h"

typedef enum { CU_BACKEND_C = 0, CU_BACKEND_COSIM, CU_BACKEND_RTL } cu_backend_mode_t;

typedef struct cu_backend {
	void *ctx;
	cu_refuse_t (*in_ready)(void *ctx, const cu_tile_t *t);
	void (*in_push)(void *ctx, const cu_tile_t *t);
	const cu_out_t *(*out_peek)(void *ctx);
	void (*out_pop)(void *ctx);
	void (*tick)(void *ctx);
	/* SIM_OK, or the first divergence (cosim) or an RTL fault. */
	int (*error)(void *ctx, sim_err_t *err);
	void (*destroy)(void *ctx);
} cu_backend_t;

/* Builds a backend for cfg. In CU_BACKEND_COSIM mode `c_model` is the C
 * compute unit to run beside the RTL (the backend drives it). vcd: where to
 * write waveforms (NULL: only around a divergence, at a default path). */
typedef int (*cu_backend_factory_t)(const cu_cfg_t *cfg, cu_backend_mode_t mode, cu_t *c_model, const char *vcd,
				    cu_backend_t *out, sim_err_t *err);

#endif
