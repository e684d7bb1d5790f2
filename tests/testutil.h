/*
 * testutil.h - helpers the Check suites share: layers, hardware and runs
 * built for a test, counters looked up by name (failing the test if the
 * model never registered one), files compared and written, and temporary
 * directories.
 */
#ifndef SHARPSIM_TESTUTIL_H
#define SHARPSIM_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "../sim/ctrl/ctrl.h"

static inline layer_cfg_t test_layer(cell_kind_t c, gru_form_t form, uint32_t in, uint32_t hid, uint32_t t, uint32_t b)
{
	layer_cfg_t l;
	memset(&l, 0, sizeof l);
	l.cell = c;
	l.gru_form = form;
	l.input_size = in;
	l.hidden_size = hid;
	l.timesteps = t;
	l.batch_size = b;
	/* The layer table's defaults of the sparsity keys (params.c). */
	l.sparsity_block = 8;
	l.sparsity_seed = 1;
	l.index_bits = 16;
	return l;
}

/* Runs layers[0..n) as one workload whose file is wl_path (a functional
 * run's weights directories are relative to it). */
static inline int test_run_layers(const hw_cfg_t *h, layer_cfg_t *layers, size_t n, bool functional, uint64_t seed,
				  const char *dump, const char *wl_path, run_result_t *r, sim_err_t *e)
{
	workload_t w = { .name = "t", .layers = layers, .n_layers = n };
	snprintf(w.path, sizeof w.path, "%s", wl_path);
	run_opts_t o = { .functional = functional, .seed = seed, .dump_dir = dump };
	memset(e, 0, sizeof *e);
	return accel_run(h, &w, &o, r, e);
}

/* The same, functional, failing the test unless it succeeds. */
static inline run_result_t test_run_layers_ok(const hw_cfg_t *h, layer_cfg_t *layers, size_t n, uint64_t seed,
					      const char *dump, const char *wl_path)
{
	run_result_t r;
	sim_err_t e;
	int rc = test_run_layers(h, layers, n, true, seed, dump, wl_path, &r, &e);
	ck_assert_msg(rc == SIM_OK, "accel_run failed: %s", e.msg);
	return r;
}

static inline uint64_t test_counter(const run_result_t *r, const char *name)
{
	uint64_t v = 0;
	ck_assert_msg(stats_find(r->stats, name, &v), "counter %s not registered", name);
	return v;
}

/* The default hardware shrunk to n VS units of k lanes under schedule s,
 * weights on chip; a fixed tile config turns padding reconfiguration off,
 * so the tiles are the ones named. */
static inline hw_cfg_t test_hw(uint32_t n, uint32_t k, tile_sel_t tile, sched_kind_t s)
{
	hw_cfg_t h;
	config_hw_defaults(&h);
	h.compute.vs_units = n;
	h.compute.vs_width = k;
	h.compute.tile = tile;
	if (tile != TILE_AUTO)
		h.compute.pad_reconfig = false;
	h.scheduler = s;
	h.memory.weights = WEIGHTS_RESIDENT;
	return h;
}

/* Lane conservation: every lane-cycle of the VS array is useful or counted
 * under exactly one idle cause (ctrl.h's list). */
static inline void test_check_lanes(const run_result_t *r, const hw_cfg_t *h)
{
	uint64_t lanes = test_counter(r, "vs.useful_macs");
	char name[64];
	for (int c = 0; c < IDLE_NCAUSES; c++) {
		snprintf(name, sizeof name, "idle.%s", ctrl_cause_name((idle_cause_t)c));
		lanes += test_counter(r, name);
	}
	ck_assert_uint_eq(lanes, r->cycles * (uint64_t)h->compute.vs_units * h->compute.vs_width);
}

/* Runs one layer under opts, checks lane conservation, returns its cycles;
 * the result is kept in *keep (the caller frees it) or freed. */
static inline uint64_t test_run1(const hw_cfg_t *h, const layer_cfg_t *l, run_result_t *keep, run_opts_t o)
{
	workload_t w = { .name = "t", .path = "t", .layers = (layer_cfg_t *)l, .n_layers = 1 };
	run_result_t r;
	sim_err_t e = { 0 };
	int rc = accel_run(h, &w, &o, &r, &e);
	ck_assert_msg(rc == SIM_OK, "accel_run failed: %s", e.msg);
	test_check_lanes(&r, h);
	uint64_t c = r.cycles;
	if (keep)
		*keep = r;
	else
		run_result_free(&r);
	return c;
}

/* Loads a workload from text as file `name` and frees it: the loader's
 * verdict (SIM_OK or the error in *e), for the refusal tests. */
static inline int test_load_workload(const char *name, const char *text, sim_err_t *e)
{
	workload_t w;
	memset(e, 0, sizeof *e);
	int rc = config_load_workload_string(name, text, strlen(text), NULL, 0, &w, e);
	if (!rc)
		workload_free(&w);
	return rc;
}

/* Whether two files hold the same bytes (false when either is missing). */
static inline bool test_same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	bool same = fa && fb;
	while (same) {
		int ca = fgetc(fa), cb = fgetc(fb);
		same = ca == cb;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* Writes n bytes at buf to path, replacing it; fails the test on any error. */
static inline void test_put_file(const char *path, const void *buf, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* The directory a test's scratch files go under: $TMPDIR, else /tmp.
 * Fails the test when it holds a quote, which test_rmdir could not pass
 * to the shell. */
static inline const char *test_tmpbase(void)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	ck_assert_msg(!strchr(base, '\''), "TMPDIR holds a quote: %s", base);
	return base;
}

/* Writes the name sharpsim-TAG-XXXXXX under test_tmpbase into name[0..n),
 * failing the test when it does not fit. */
static inline void test_tmpname(char *name, size_t n, const char *tag)
{
	int len = snprintf(name, n, "%s/sharpsim-%s-XXXXXX", test_tmpbase(), tag);
	ck_assert_msg(len > 0 && (size_t)len < n, "the temporary name does not fit in %zu bytes", n);
}

/* A new directory for a test's files, sharpsim-TAG-XXXXXX under
 * test_tmpbase, its name in dir[0..n); fails the test when the name does
 * not fit or the directory cannot be made. */
static inline void test_tmpdir(char *dir, size_t n, const char *tag)
{
	test_tmpname(dir, n, tag);
	ck_assert_msg(mkdtemp(dir) != NULL, "cannot make the temporary directory %s", dir);
}

/* A new empty file, sharpsim-TAG-XXXXXX under test_tmpbase, its name in
 * path[0..n); returns it open for writing (the caller closes it and
 * unlinks path). Fails the test when it cannot be made. */
static inline FILE *test_tmpfile(char *path, size_t n, const char *tag)
{
	test_tmpname(path, n, tag);
	int fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "cannot make the temporary file %s", path);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	return f;
}

/* Removes a directory test_tmpdir made, with everything in it. */
static inline void test_rmdir(const char *dir)
{
	char cmd[256];
	int len = snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert(len > 0 && (size_t)len < sizeof cmd);
	ck_assert_int_eq(system(cmd), 0);
}

#endif
