/*
 * rnnaccel_act.h - RNNAccel's activation unit: a pipelined piecewise-linear
 * evaluator (tanh, sigmoid, softsign, ReLU) whose last stage also does the
 * element-wise cell update (GRU's r*h and h = (1-z)*n + z*h, LSTM's c and
 * h), fed from a one-tile input buffer.
 *
 * A tile's accumulators land in the input buffer at the end of the tile's
 * last column; each cycle the unit takes up to `rate` of them into stage 0;
 * a value that enters at cycle e is out, and usable by the array, at
 * cycle e + depth:
 *
 *   cycle     e     e+1   ...  e+D-1   e+D
 *   value v   S0    S1    ...  S(D-1)  out (its events fire; the MAC
 *                                           array may use it this cycle)
 *
 * Contract: tick() is called once per cycle before the MAC array's tick;
 * it returns the events (RNNACCEL_EV_*) of the values that left the
 * pipeline this cycle. push() requires inbuf_free().
 */
#ifndef SHARPSIM_RNNACCEL_ACT_H
#define SHARPSIM_RNNACCEL_ACT_H

#include <stdbool.h>
#include <stdint.h>

#include "../../common/err.h"
#include "../../common/stats.h"

/* What the completion of a value means to the sequencer. */
#define RNNACCEL_EV_R 1u /* the last reset-gate value of a GRU step */
#define RNNACCEL_EV_H 2u /* the last value of a step: its h is complete */

typedef struct rnnaccel_event {
	uint32_t pos;  /* index of the value within its tile */
	unsigned kind; /* RNNACCEL_EV_* */
} rnnaccel_event_t;

typedef struct rnnaccel_act rnnaccel_act_t;

int rnnaccel_act_create(uint32_t depth, uint32_t rate, stats_t *st, rnnaccel_act_t **out, sim_err_t *err);
void rnnaccel_act_destroy(rnnaccel_act_t *a);

/* One clock: retire the oldest stage, then take up to `rate` values from
 * the input buffer. Returns the events retired. */
unsigned rnnaccel_act_tick(rnnaccel_act_t *a);
bool rnnaccel_act_inbuf_free(const rnnaccel_act_t *a);
/* A finished tile: n values, with up to two events at their positions. */
void rnnaccel_act_push(rnnaccel_act_t *a, uint32_t n, const rnnaccel_event_t *ev, uint32_t n_ev);
/* Nothing buffered and nothing in the pipeline. */
bool rnnaccel_act_empty(const rnnaccel_act_t *a);
/* Advances an empty unit by n cycles at once (the fast path: an empty
 * pipeline's n ticks change nothing but its clock). */
void rnnaccel_act_skip(rnnaccel_act_t *a, uint64_t n);

#endif
