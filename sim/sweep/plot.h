/*
 * plot.h - a sweep's rows as gnuplot figures (data files + scripts).
 *
 * Library side only: writes <name>.dat and <name>.gp into a directory;
 * the caller runs `gnuplot <name>.gp` there, which writes <name>.png
 * (pngcairo), <name>.svg and <name>.pdf (pdfcairo), as chosen.
 *
 * Two ways to choose what is drawn:
 *   - a view (opts.y set): any result column against any column (opts.x,
 *     default the workload), one series per value of the opts.group
 *     columns, one panel per value of the opts.facet columns;
 *   - the paper's figures (opts.y NULL), whichever the rows vary:
 *     speedup-<hw>  schedulers vary: grouped bars, speedup of each
 *                   scheduler over sequential (Figure 11)
 *     kwidth-<hw>   compute.vs_width varies: speedup of each design over
 *                   K=32 config4 when present, else over the first design
 *                   (Figure 9)
 *     padding-<hw>  compute.pad_reconfig varies: speedup of true over
 *                   false (Figure 10)
 *     utilization   the MAC budget varies: mean utilization per budget,
 *                   one line per scheduler (Figure 12)
 *     latency       the MAC budget varies, at most 12 workloads: latency
 *                   per budget, one line per workload
 *
 * Contract: no data is dropped or merged silently. Every column that
 * varies among the plotted rows is on the figure (x tick labels, series,
 * panels) or is determined by the columns that are; otherwise a view is
 * refused with an error naming the column, its values and the options
 * that place it. The paper's bar figures put every such column on the x
 * axis; the two line figures average over the rest and say so, with the
 * count, in their caption. The caption lists each value held fixed once;
 * the machine (N x K, clock) is the effective one, from the results.
 *
 * Untrusted text (titles, hardware and workload names, values) reaches
 * gnuplot only inside single-quoted strings, where gnuplot expands
 * nothing (no backquotes, no escapes): a quote is spliced in as the
 * constant "'" and control characters are dropped (plot_gp_str in
 * plot.c). Figure file names keep only
 * [A-Za-z0-9._+-] of a hardware name. Data files hold numbers only.
 */
#ifndef SHARPSIM_SWEEP_PLOT_H
#define SHARPSIM_SWEEP_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../common/err.h"
#include "table.h"

#define SWEEP_PLOT_MAX 64
#define SWEEP_PLOT_MAX_COLS 8

enum { SWEEP_PLOT_PNG = 1, SWEEP_PLOT_SVG = 2, SWEEP_PLOT_PDF = 4 };

typedef struct sweep_plot_opts {
	const char *title; /* NULL: no title */
	bool no_caption;
	unsigned formats; /* SWEEP_PLOT_* bits; 0 means PNG and SVG */
	const char *y;	  /* a view's value column (aliases: sweep_plot_column); NULL: the paper's figures */
	const char *x;	  /* a view's x column; NULL: workload */
	const char *group[SWEEP_PLOT_MAX_COLS];
	size_t ngroup;
	const char *facet[SWEEP_PLOT_MAX_COLS];
	size_t nfacet;
	const char *name; /* a view's figure name; NULL: "<y>-vs-<x>" */
} sweep_plot_opts_t;

typedef struct sweep_plots {
	char name[SWEEP_PLOT_MAX][128]; /* figure base names, scripts are <name>.gp */
	size_t n;
} sweep_plots_t;

/* Writes s as a gnuplot single-quoted string literal, the one way
 * untrusted text reaches a script (see above; also the roofline's). */
void sweep_plot_gp_str(FILE *f, const char *s);

/* The column a --y/--x/--group name means: an alias (energy, power, area,
 * latency, gflops/w) or the column itself. */
const char *sweep_plot_column(const char *name);

/* Writes the data and scripts of the figures into dir (which must exist).
 * t must be sorted (sweep_table_sort). */
int sweep_plot_write(const sweep_table_t *t, const sweep_plot_opts_t *opts, const char *dir, sweep_plots_t *out,
		     sim_err_t *err);

#endif
