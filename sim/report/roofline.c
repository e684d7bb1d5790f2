#include "roofline.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "../common/afile.h"
#include "../sweep/plot.h"

void rfl_point(const run_result_t *r, rfl_point_t *out)
{
	memset(out, 0, sizeof *out);
	uint64_t dram = 0;
	out->has_dram = stats_find(r->stats, "dram.read_bytes", &dram);
	out->ops = 2.0 * (double)r->useful_macs;
	out->dram_bytes = (double)dram;
	out->load_bytes = r->cold ? 0 : (double)r->load_bytes;
	out->peak_gops = r->peak_gflops;
	out->dram_gbps = r->hw.memory.dram.gbps;
	out->ridge = out->dram_gbps > 0 ? out->peak_gops / out->dram_gbps : INFINITY;
	double bytes = out->dram_bytes + out->load_bytes;
	out->intensity = bytes > 0 ? out->ops / bytes : INFINITY;
	out->steady = dram ? out->ops / out->dram_bytes : -1;
	double bw_roof = out->dram_gbps * out->intensity;
	out->attainable_gops = bw_roof < out->peak_gops ? bw_roof : out->peak_gops;
	out->achieved_gops = r->latency_us > 0 ? out->ops / (r->latency_us * 1e3) : 0;
	double load_us = r->cold ? 0 : (double)r->load_cycles / r->hw.clock_mhz;
	out->achieved_load_gops = r->latency_us + load_us > 0 ? out->ops / ((r->latency_us + load_us) * 1e3) : 0;
	out->memory_bound = out->intensity < out->ridge;
}

/* A CSV field of untrusted text: quoted, quotes doubled (RFC 4180). */
static void rfl_csv_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20)
			continue;
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* A number, or an empty field when it is not finite (or not there). */
static void rfl_num(FILE *f, double v)
{
	if (isfinite(v) && v >= 0)
		fprintf(f, "%.9g", v);
}

void rfl_csv(FILE *f, const run_result_t *r, const char *workload, const rfl_point_t *p)
{
	fputs("hw,workload,peak_gops,dram_gbps,ridge_ops_per_byte,ops,dram_bytes,load_bytes,ops_per_byte,"
	      "ops_per_byte_steady,attainable_gops,achieved_gops,achieved_gops_with_load,bound\n",
	      f);
	rfl_csv_str(f, r->hw.name);
	fputc(',', f);
	rfl_csv_str(f, workload);
	fprintf(f, ",%.9g,%.9g,", p->peak_gops, p->dram_gbps);
	rfl_num(f, p->ridge);
	fprintf(f, ",%.0f,", p->ops);
	if (p->has_dram)
		fprintf(f, "%.0f", p->dram_bytes);
	fprintf(f, ",%.0f,", p->load_bytes);
	rfl_num(f, p->intensity);
	fputc(',', f);
	rfl_num(f, p->steady);
	fputc(',', f);
	rfl_num(f, p->attainable_gops);
	fprintf(f, ",%.9g,%.9g,%s\n", p->achieved_gops, p->achieved_load_gops, p->memory_bound ? "memory" : "compute");
}

void rfl_gnuplot(FILE *f, const run_result_t *r, const char *workload, const rfl_point_t *p, const char *csv_path,
		 const char *svg_path)
{
	/* the x range spans the ridge and the run's intensities, a decade
	 * either side */
	double lo = p->ridge, hi = p->ridge;
	const double xs[2] = { p->intensity, p->steady };
	for (int i = 0; i < 2; i++)
		if (isfinite(xs[i]) && xs[i] > 0) {
			lo = xs[i] < lo ? xs[i] : lo;
			hi = xs[i] > hi ? xs[i] : hi;
		}
	if (!isfinite(lo) || !(lo > 0))
		lo = hi = 1;
	fputs("# sharpsim roofline: run `gnuplot` on this file; it draws the SVG named below\n"
	      "set terminal svg size 800,560 dynamic noenhanced\nset output ",
	      f);
	sweep_plot_gp_str(f, svg_path);
	fputs("\nset title ", f);
	sweep_plot_gp_str(f, r->hw.name);
	fputs(".' / '.", f);
	sweep_plot_gp_str(f, workload);
	fprintf(f,
		"\nset datafile separator ','\nset logscale xy\nset grid\nset key bottom right\n"
		"set xlabel 'operational intensity (ops per byte from DRAM)'\nset ylabel 'Gops/s'\n"
		"peak = %.17g\nbw = %.17g\nroof(x) = bw * x < peak ? bw * x : peak\n"
		"set xrange [%.17g:%.17g]\nset yrange [*:peak * 2]\nset samples 400\n"
		"plot roof(x) title 'roofline (peak, DRAM bandwidth)' with lines lw 2, \\\n     ",
		p->peak_gops, p->dram_gbps, lo / 10, hi * 10);
	sweep_plot_gp_str(f, csv_path);
	fputs(" skip 1 using 9:13 title 'run with its initial load: all its weight bytes, load time included' with points pt 7 ps 1.5, "
	      "\\\n     ",
	      f);
	sweep_plot_gp_str(f, csv_path);
	fputs(" skip 1 using 10:12 title 'run as counted (warm: no load)' with points pt 6 ps 1.5\n", f);
}

int rfl_write(const char *path, const run_result_t *r, const char *workload, sim_err_t *err)
{
	rfl_point_t p;
	rfl_point(r, &p);
	char gp[4096], svg[4096];
	if ((size_t)snprintf(gp, sizeof gp, "%s.gp", path) >= sizeof gp ||
	    (size_t)snprintf(svg, sizeof svg, "%s.svg", path) >= sizeof svg)
		return sim_err(err, SIM_EINPUT, "option --roofline '%s': path too long, expected at most %zu bytes",
			       path, sizeof gp - 8);
	afile_t *a = afile_open(path, err);
	if (!a)
		return err->code;
	rfl_csv(afile_stream(a), r, workload, &p);
	int rc = afile_commit(a, err);
	if (rc)
		return rc;
	if (!(a = afile_open(gp, err)))
		return err->code;
	rfl_gnuplot(afile_stream(a), r, workload, &p, path, svg);
	return afile_commit(a, err);
}
