/*
 * delta.h - the delta encoder and its previous-values buffer (DeltaRNN,
 * docs/compression.md "Delta networks").
 *
 * Per layer and per partition (x_t for W.x, h_{t-1} for U.h) the buffer
 * holds, for every column j and sequence b, the value last *used*: x^_j.
 * At each step the encoder compares the new vector with it,
 *
 *   column j is used   iff  for some b:  !(|v[b][j] - x^[b][j]| < theta)
 *
 * (non-strict: theta = 0 uses every column, so a delta layer at theta = 0
 * is the dense layer in cycles and values; a NaN change counts as used).
 * A used column's held values take the new ones for every sequence (its
 * weights are read for the whole batch anyway); a skipped column keeps
 * them. The first encode of a layer uses every column: the buffer holds
 * nothing yet (DeltaRNN starts from x^ = 0 and a full first delta).
 *
 *   step t:  v (B x n) --compare with x^--> use[0..n) --> count n_t
 *            x^[b][j] <- v[b][j] where use[j]
 *
 * Accesses, counted for the energy model: every compare reads one held
 * value (B * n a step), every used column writes B (delta.buf_reads,
 * delta.buf_writes). The buffer holds (I + H) * B values.
 *
 * The encoder keeps the count of used columns of every step (T values per
 * partition): the controller reads them to compact a segment's tiles, the
 * report per step. The columns themselves are not kept: a caller forms
 * each step's operands again in order (dlt_replay).
 */
#ifndef SHARPSIM_DELTA_H
#define SHARPSIM_DELTA_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/stats.h"

enum { DLT_X = 0, DLT_H = 1, DLT_PARTS = 2 };

/* Not yet encoded (dlt_cols). */
#define DLT_UNKNOWN UINT32_MAX

typedef struct dlt dlt_t;

typedef struct dlt_layer {
	uint32_t T, B;
	uint32_t n[DLT_PARTS];	 /* columns; 0: the partition is not delta-encoded */
	double theta[DLT_PARTS]; /* >= 0 */
} dlt_layer_t;

/* Registers the delta.* counters in st. */
dlt_t *dlt_create(stats_t *st);
void dlt_destroy(dlt_t *d);
/* Starts a layer: every count unknown, nothing held. Returns false when
 * out of memory. */
bool dlt_begin_layer(dlt_t *d, const dlt_layer_t *l);
/* Is partition part of the current layer delta-encoded? */
bool dlt_on(const dlt_t *d, unsigned part);
/* Encodes step `step`'s vector v (B rows of n values, row stride n): sets
 * use[j] (n entries, 0 or 1), updates the held values, counts. Steps are
 * encoded in order, each once. Returns the used columns. */
uint32_t dlt_encode(dlt_t *d, unsigned part, uint32_t step, const double *v, uint8_t *use);
/* The columns of step `step` again, for a caller that keeps the held
 * operands of only a few steps and forms each one's again in order after
 * encoding them all: the same rule over a held buffer of its own (none of
 * the counters move), steps in order from 0, each once, v the vector
 * dlt_encode had. Sets use[] as dlt_encode did; false when out of memory
 * or when the step or its count is not what dlt_encode gave. */
bool dlt_replay(dlt_t *d, unsigned part, uint32_t step, const double *v, uint8_t *use);
/* Used columns of partition part at step t, or DLT_UNKNOWN. */
uint32_t dlt_cols(const dlt_t *d, unsigned part, uint32_t t);
/* Columns of the partition (0 when off). */
uint32_t dlt_width(const dlt_t *d, unsigned part);

#endif
