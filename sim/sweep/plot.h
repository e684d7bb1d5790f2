/*
 * plot.h - a sweep's rows as gnuplot figures (data files + scripts).
 *
 * Library side only: writes <name>.dat and <name>.gp into a directory;
 * the caller runs `gnuplot <name>.gp` there, which writes <name>.png
 * (pngcairo) and <name>.svg. What is drawn depends on what the rows vary:
 *   speedup-<hw>   schedulers vary: grouped bars per workload, speedup of
 *                  each scheduler over sequential (Figure 11)
 *   kwidth-<hw>    compute.vs_width varies: grouped bars per workload,
 *                  speedup of each design over K=32 config4 when present,
 *                  else over the first design (Figure 9)
 *   padding-<hw>   compute.pad_reconfig varies: speedup of true over false
 *                  (Figure 10)
 *   utilization    the MAC budget varies: mean utilization per budget, one
 *                  line per scheduler (Figure 12)
 *   latency        the MAC budget varies and at most 12 workloads: latency
 *                  per budget, one line per workload (unfolded rows if any)
 * Every figure is titled with the sweep's title, names the hw and the
 * parameters held fixed in its caption, and labels both axes.
 */
#ifndef SHARPSIM_SWEEP_PLOT_H
#define SHARPSIM_SWEEP_PLOT_H

#include <stddef.h>

#include "../common/err.h"
#include "table.h"

#define SWEEP_PLOT_MAX 64

typedef struct sweep_plots {
	char name[SWEEP_PLOT_MAX][128]; /* figure base names, scripts are <name>.gp */
	size_t n;
} sweep_plots_t;

/* Writes the data and scripts of every applicable figure into dir (which
 * must exist). t must be sorted (sweep_table_sort). */
int sweep_plot_write(const sweep_table_t *t, const char *title, const char *dir, sweep_plots_t *out,
		     sim_err_t *err);

#endif
