/*
 * rnnaccel_mac.h - RNNAccel's MAC array: `macs` 16-bit x 8-bit MAC units,
 * output stationary. With 8-bit weights each unit is one lane (one gate
 * row); with 16-bit weights two units pair into one 16 x 16 MAC, so the
 * array has macs/2 lanes and a tile of R rows costs the same columns at
 * half the rows per tile.
 *
 * One column of the current tile per cycle, when its operand is ready and
 * its weights have arrived; the tile's last column hands the accumulators
 * to the activation unit's input buffer (the array's accumulators are
 * double-buffered, so the next tile starts the next cycle):
 *
 *   cycle      0    1   ...  K-1    K     K+1
 *   array      c0   c1  ...  cK-1   next tile's c0 ...
 *   act inbuf                       R values (rate per cycle)
 *
 * Every cycle each of the `macs` units is either busy or idle for exactly
 * one named cause (all in 16x8 unit-cycles):
 *   idle.padding          lanes with no row in a short tile
 *   idle.dependency       the column's h (or r*h) is not complete
 *   idle.weight_bandwidth the column's weights have not all arrived
 *   idle.act_backpressure the last column waits for the activation
 *                         unit's input buffer
 *   idle.fill_drain       no tile left in the pass: the pipeline drains
 *   idle.weight_load      the cold initial load of resident weights
 * so busy + the sum of idle.* = cycles x macs.
 */
#ifndef SHARPSIM_RNNACCEL_MAC_H
#define SHARPSIM_RNNACCEL_MAC_H

#include <stdbool.h>
#include <stdint.h>

#include "../../common/err.h"
#include "../../common/stats.h"
#include "rnnaccel_act.h"
#include "rnnaccel_lmem.h"
#include "rnnaccel_seq.h"

typedef struct rnnaccel_mac rnnaccel_mac_t;

/* store_bits: bits of a stored weight, so a column of R rows needs
 * ceil(R x store_bits / 8) bytes from the banks. */
int rnnaccel_mac_create(uint32_t macs, uint32_t weight_bits, uint32_t store_bits, stats_t *st, rnnaccel_mac_t **out,
			sim_err_t *err);
void rnnaccel_mac_destroy(rnnaccel_mac_t *m);

/* One clock, after the activation unit's tick of the same cycle. Returns
 * whether a column ran (the run loop's watchdog). */
bool rnnaccel_mac_tick(rnnaccel_mac_t *m, rnnaccel_seq_t *s, rnnaccel_lmem_t *lm, rnnaccel_act_t *a);
/* No tile in hand. */
bool rnnaccel_mac_idle(const rnnaccel_mac_t *m);
/* The fast path: when the activation unit is empty (no event can retire
 * before this tile ends) and the tile's waiting columns are ready, every
 * column up to the last costs the same ceil(need / bandwidth) cycles and
 * the same counts; jumps over them and returns the cycles jumped (0 when
 * the jump does not apply). The caller advances the other units' clocks. */
uint64_t rnnaccel_mac_jump(rnnaccel_mac_t *m, const rnnaccel_seq_t *s, rnnaccel_lmem_t *lm, const rnnaccel_act_t *a);
/* `cycles` cycles of the cold weight load, all units idle. */
void rnnaccel_mac_load_idle(rnnaccel_mac_t *m, uint64_t cycles);

#endif
