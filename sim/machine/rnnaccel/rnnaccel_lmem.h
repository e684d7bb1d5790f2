/*
 * rnnaccel_lmem.h - RNNAccel's local memory: `banks` SRAM banks of equal
 * size, weights interleaved across them, each delivering `bank_width`
 * bytes per cycle, and the external weight stream that refills them.
 *
 * Weights are held compressed (store_bits each); the decompression engine
 * between the banks and the array expands them. A layer's weights either
 * fit next to its activations (resident: loaded once, read from the banks
 * at banks x bank_width bytes per cycle) or do not (streamed: every use of
 * a weight is an external read of stream_bytes per cycle at most, a bank
 * write and a bank read through the same single-ported banks, so the
 * array gets min(banks x bank_width / 2, stream_bytes) bytes per cycle):
 *
 *   cycle        c            c+1           (need = 2 x bw)
 *   lmem      deliver bw   deliver bw
 *   MAC array wait         column executes
 *
 * Contract: deliver() is called by the MAC array once per cycle at most,
 * for the bytes still missing of its current column; it returns what
 * arrived this cycle. The byte counters are what price() charges.
 */
#ifndef SHARPSIM_RNNACCEL_LMEM_H
#define SHARPSIM_RNNACCEL_LMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "../../common/err.h"
#include "../../common/stats.h"
#include "rnnaccel.h"

typedef struct rnnaccel_lmem rnnaccel_lmem_t;

int rnnaccel_lmem_create(const rnnaccel_cfg_t *c, stats_t *st, rnnaccel_lmem_t **out, sim_err_t *err);
void rnnaccel_lmem_destroy(rnnaccel_lmem_t *m);

/* The layer now running keeps its weights in the banks (false: streams
 * them). */
void rnnaccel_lmem_set_resident(rnnaccel_lmem_t *m, bool resident);
/* Weight bytes per cycle the array can get for the current layer. */
uint32_t rnnaccel_lmem_bandwidth(const rnnaccel_lmem_t *m);
/* One cycle of weight delivery toward a column missing `need` bytes. */
uint32_t rnnaccel_lmem_deliver(rnnaccel_lmem_t *m, uint64_t need);
/* Bulk form for the fast path: `bytes` delivered over whole columns. */
void rnnaccel_lmem_deliver_bulk(rnnaccel_lmem_t *m, uint64_t bytes);
/* Operand (x or h element, broadcast to every lane) reads and activation
 * result writes, in bytes. */
void rnnaccel_lmem_operand(rnnaccel_lmem_t *m, uint64_t bytes);
void rnnaccel_lmem_result(rnnaccel_lmem_t *m, uint64_t bytes);
/* Initial load of resident weights: bytes from outside into the banks. */
void rnnaccel_lmem_load(rnnaccel_lmem_t *m, uint64_t bytes);

#endif
