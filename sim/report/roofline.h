/*
 * roofline.h - a run as a point of the roofline model (Williams, Waterman
 * and Patterson, CACM 2009): operational intensity, the operations done
 * per byte read from DRAM, against the machine's two roofs, its peak
 * operations per second and its DRAM bandwidth times the intensity.
 *
 *   ops         2 * useful MACs (a multiply and an add)
 *   peak        r->peak_gflops: 2 * MACs per cycle * clock
 *   bandwidth   memory.dram.gbps (GB/s, 1e9 bytes)
 *   ridge       peak / bandwidth: the intensity above which the run can be
 *               compute-bound
 *   intensity   ops / (dram bytes + initial load bytes): every byte the
 *               run's weights take from DRAM, the one-time load included
 *               (a warm run does not count the load in its cycles or in
 *               dram.read_bytes, but its weights still came from DRAM once)
 *   steady      ops / dram bytes of the counted cycles (empty when 0: a
 *               warm run whose weights stay resident reads nothing)
 *   attainable  min(peak, bandwidth * intensity)
 *   achieved    ops / latency (the counted cycles)
 *   achieved with load  ops / (latency + the initial load's time when the
 *               run is warm): the point drawn at `intensity`, so that both
 *               sides of it count the load
 *   bound       "memory" when intensity < ridge, else "compute"
 *
 * rfl_write writes one CSV row with a header to `path`, and beside it
 * `path`.gp, a gnuplot script that draws both roofs and the run's points
 * into `path`.svg (run `gnuplot path.gp`). Names and paths reach the
 * script only as gnuplot single-quoted strings (sweep_plot_gp_str);
 * numbers are printed by the program.
 */
#ifndef SHARPSIM_ROOFLINE_H
#define SHARPSIM_ROOFLINE_H

#include <stdio.h>

#include "../common/err.h"
#include "../core/run.h"

typedef struct rfl_point {
	double ops, dram_bytes, load_bytes;
	double peak_gops, dram_gbps, ridge;
	double intensity, steady; /* steady < 0: no DRAM byte in the counted cycles */
	double attainable_gops, achieved_gops, achieved_load_gops;
	bool memory_bound;
	bool has_dram; /* the run counts its DRAM bytes (dram.read_bytes) */
} rfl_point_t;

void rfl_point(const run_result_t *r, rfl_point_t *out);
/* The CSV header and row of one run (workload: its name). */
void rfl_csv(FILE *f, const run_result_t *r, const char *workload, const rfl_point_t *p);
/* The gnuplot script for the CSV at csv_path, drawing into svg_path. */
void rfl_gnuplot(FILE *f, const run_result_t *r, const char *workload, const rfl_point_t *p, const char *csv_path,
		 const char *svg_path);
/* Both files, each written atomically (afile.h). */
int rfl_write(const char *path, const run_result_t *r, const char *workload, sim_err_t *err);

#endif
