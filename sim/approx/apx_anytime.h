/*
 * apx_anytime.h - the dense baseline's anytime curve: the quality of a
 * layer's h_t read after each of its row blocks has left the accumulators,
 * against the exact h_t (docs/progressive.md §5.8).
 *
 * Reading. A hidden unit j of step t is final once every row block that
 * holds one of its gate rows has left the accumulators (its MFU and cell
 * update follow at a fixed latency, and they compute it exactly). Until
 * then the hidden-state buffer still holds h_{t-1,j} (h0 at t = 0): the
 * cell updater overwrites a unit only with its final value. So the output
 * read when block b of step t leaves is, per unit, h_t,j if every block
 * covering j left no later, else h_{t-1,j}. (Reading an unfinished unit's
 * partial sums through the cell, or as zero, gives a value that the
 * hardware never stores; the previous output is the one a reader finds.)
 * After the step's last block the reading is h_t itself: the curve ends
 * at the exact output. Values in double (ref.h) on the layer's weights as
 * a functional run draws or reads them (apx_eval.h); the previous and the
 * exact h are both the reference's, so the curve isolates the partial
 * reading from the datapath's rounding.
 */
#ifndef SHARPSIM_APX_ANYTIME_H
#define SHARPSIM_APX_ANYTIME_H

#include <stdint.h>

#include "../common/err.h"
#include "../config/workload.h"
#include "../core/run.h"

/* Fills at->rel_error and at->cosine (T * nblock each, allocated here)
 * for layer l of w from at->left_at. SIM_EINPUT for weights that cannot
 * be read, SIM_ENOMEM. */
int apx_anytime_eval(const workload_t *w, size_t l, uint64_t seed, run_anytime_t *at, sim_err_t *err);

#endif
