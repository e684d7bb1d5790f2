/*
 * apx_budget.h - a time budget per time step for progressive LSTM layers
 * (approx: svd_prune; docs/progressive.md §5).
 *
 * A time step of a layer behind the h barrier lasts its period P: from
 * h_{t-1} complete to h_t complete. P(k), the period with k refinement
 * steps, is measured on the engine itself (the layer alone, warm, at T = 4
 * minus T = 3, under the run's hardware and weight policy), never from a
 * formula beside it. It does not fall as k grows (the program with k + 1
 * steps holds every tile of the one with k), so the largest k <= the
 * layer's approx_steps with P(k) <= budget is found by bisection: refining
 * stops before the step that would not finish in time. The choice is made
 * once, before the run, as a design whose step count meets a deadline
 * (the paper's case study picks its configuration so); every time step
 * then refines k times.
 */
#ifndef SHARPSIM_APX_BUDGET_H
#define SHARPSIM_APX_BUDGET_H

#include "../common/err.h"
#include "../config/hw_cfg.h"
#include "../config/workload.h"

struct run_opts;

/* Sets approx_steps of every progressive layer of w to the most that fit
 * budget_us per time step. SIM_EINPUT (at the layer's file:line:col) when
 * one step does not fit, or when w has no progressive layer. */
int apx_budget_fit(const hw_cfg_t *hw, workload_t *w, const struct run_opts *opts, double budget_us, sim_err_t *err);

#endif
