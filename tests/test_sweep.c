/*
 * test_sweep.c - the sweep's pieces: result rows, the journal (framing,
 * checksums, torn-tail recovery), the table's canonical order and output
 * formats, and spec expansion and errors.
 *
 * The end-to-end properties (kill/resume, merge, emit-jobs, plots) are
 * tested by the shell scripts of tests/sweep/ under `make sweep-test`.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../sim/sweep/journal.h"
#include "../sim/sweep/point.h"
#include "../sim/sweep/record.h"
#include "../sim/sweep/spec.h"
#include "../sim/sweep/table.h"
#include "testutil.h"

#define FIX "tests/sweep/fixtures/"

static sweep_rec_t *row(const char *hash, const char *hw, const char *wl, const char *sched, const char *cycles)
{
	sweep_rec_t *r = sweep_rec_create();
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(sweep_rec_add(r, "config_hash", 's', hash), SIM_OK);
	ck_assert_int_eq(sweep_rec_add(r, "hw", 's', hw), SIM_OK);
	ck_assert_int_eq(sweep_rec_add(r, "workload", 's', wl), SIM_OK);
	ck_assert_int_eq(sweep_rec_add(r, "scheduler", 's', sched), SIM_OK);
	ck_assert_int_eq(sweep_rec_add(r, "cycles", 'n', cycles), SIM_OK);
	return r;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	char *b = malloc(1 << 20);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	b[*n] = '\0';
	return b;
}

static long file_size(const char *path)
{
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	return (long)st.st_size;
}

/* ---- records ---- */

START_TEST(natural_order)
{
	/* Digit runs compare as numbers; leading zeros do not change the value;
	 * equal values fall back to strcmp so the order is total. */
	ck_assert_int_lt(sweep_natural_cmp("sharp-1k", "sharp-4k"), 0);
	ck_assert_int_lt(sweep_natural_cmp("sharp-4k", "sharp-16k"), 0);
	ck_assert_int_lt(sweep_natural_cmp("sharp-16k", "sharp-64k"), 0);
	ck_assert_int_lt(sweep_natural_cmp("lstm_h512_b1", "lstm_h1024_b1"), 0);
	ck_assert_int_gt(sweep_natural_cmp("gru_h1024_b4", "gru_h1024_b2"), 0);
	ck_assert_int_lt(sweep_natural_cmp("a", "ab"), 0);
	ck_assert_int_eq(sweep_natural_cmp("x10", "x10"), 0);
	ck_assert_int_ne(sweep_natural_cmp("x010", "x10"), 0);
}
END_TEST

START_TEST(record_round_trip)
{
	sweep_rec_t *r = sweep_rec_create();
	ck_assert_int_eq(sweep_rec_add(r, "name", 's', "a\tb\nc"), SIM_OK);
	ck_assert_int_eq(sweep_rec_add_u64(r, "cycles", 18446744073709551615ull), SIM_OK);
	ck_assert_int_eq(sweep_rec_add_num(r, "ratio", "%.3f", 0.5), SIM_OK);
	ck_assert_int_eq(sweep_rec_add_num(r, "bad", "%.3f", 0.0 / 0.0), SIM_OK);
	ck_assert_int_eq(sweep_rec_add(r, "name", 's', "again"), SIM_OK); /* replaces in place */
	size_t len;
	char *p = sweep_rec_encode(r, &len);
	ck_assert_str_eq(p, "name\ts\tagain\ncycles\tn\t18446744073709551615\nratio\tn\t0.500\nbad\tz\t\n");
	sweep_rec_t *d;
	sim_err_t err = { 0 };
	ck_assert_int_eq(sweep_rec_decode(p, len, "test", &d, &err), SIM_OK);
	ck_assert_uint_eq(sweep_rec_len(d), 4);
	ck_assert_str_eq(sweep_rec_get(d, "cycles"), "18446744073709551615");
	ck_assert_int_eq(sweep_rec_get_type(d, "bad"), 'z');
	ck_assert_ptr_null(sweep_rec_get(d, "missing"));
	/* Separators inside a value become spaces, so the payload stays one
	 * field per line. */
	ck_assert_int_eq(sweep_rec_add(d, "name", 's', "a\tb\nc"), SIM_OK);
	ck_assert_str_eq(sweep_rec_get(d, "name"), "a b c");
	{
		sweep_rec_t *bad = NULL;
		ck_assert_int_eq(sweep_rec_decode("k\tq\tv\n", 6, "test", &bad, &err), SIM_EINPUT);
		ck_assert_ptr_null(bad);
	}
	free(p);
	sweep_rec_free(r);
	sweep_rec_free(d);
}
END_TEST

/* A point's layer rows are sub-rows of its record: encoded after its
 * fields, each behind an empty-key line, decoded back in order, copied with
 * it, and written right after it in CSV and JSONL. */
START_TEST(record_sub_rows)
{
	sweep_rec_t *r = sweep_rec_create();
	ck_assert_int_eq(sweep_rec_add(r, "config_hash", 's', "h1"), SIM_OK);
	ck_assert_int_eq(sweep_rec_add_u64(r, "cycles", 30), SIM_OK);
	for (int i = 0; i < 2; i++) {
		sweep_rec_t *l = sweep_rec_create();
		ck_assert_int_eq(sweep_rec_add(l, "config_hash", 's', "h1"), SIM_OK);
		ck_assert_int_eq(sweep_rec_add(l, "row", 's', "layer"), SIM_OK);
		ck_assert_int_eq(sweep_rec_add_u64(l, "layer", 1), SIM_OK);
		ck_assert_int_eq(sweep_rec_add(l, "pass", 's', i ? "backward" : "forward"), SIM_OK);
		ck_assert_int_eq(sweep_rec_add_u64(l, "cycles", i ? 20 : 10), SIM_OK);
		ck_assert_int_eq(sweep_rec_add_child(r, l), SIM_OK);
	}
	size_t len;
	char *p = sweep_rec_encode(r, &len);
	ck_assert_str_eq(p,
			 "config_hash\ts\th1\ncycles\tn\t30\n"
			 "\tr\t\nconfig_hash\ts\th1\nrow\ts\tlayer\nlayer\tn\t1\npass\ts\tforward\ncycles\tn\t10\n"
			 "\tr\t\nconfig_hash\ts\th1\nrow\ts\tlayer\nlayer\tn\t1\npass\ts\tbackward\ncycles\tn\t20\n");
	ck_assert_uint_eq(len, strlen(p));
	sweep_rec_t *d;
	sim_err_t err = { 0 };
	ck_assert_int_eq(sweep_rec_decode(p, len, "test", &d, &err), SIM_OK);
	ck_assert_uint_eq(sweep_rec_len(d), 2);
	ck_assert_uint_eq(sweep_rec_children(d), 2);
	ck_assert_str_eq(sweep_rec_get(sweep_rec_child(d, 1), "pass"), "backward");
	ck_assert_uint_eq(sweep_rec_children(sweep_rec_child(d, 1)), 0);
	sweep_rec_t *c = sweep_rec_copy(d);
	size_t len2;
	char *p2 = sweep_rec_encode(c, &len2);
	ck_assert_str_eq(p2, p);

	sweep_table_t *t = sweep_table_create();
	ck_assert_int_eq(sweep_table_add(t, c), 0);
	sweep_table_sort(t);
	ck_assert_uint_eq(sweep_table_rows(t), 1); /* points only: sub-rows are not rows */
	char *buf;
	size_t blen;
	FILE *f = open_memstream(&buf, &blen);
	sweep_table_csv_row(t, sweep_table_row(t, 0), f);
	sweep_table_jsonl_row(t, sweep_table_row(t, 0), f);
	fclose(f);
	ck_assert_str_eq(
		buf,
		"4,,h1,run,,,,,,,30\n"
		"4,,h1,layer,1,forward,,,,,10\n"
		"4,,h1,layer,1,backward,,,,,20\n"
		"{\"config_hash\": \"h1\", \"cycles\": 30}\n"
		"{\"config_hash\": \"h1\", \"row\": \"layer\", \"layer\": 1, \"pass\": \"forward\", \"cycles\": 10}\n"
		"{\"config_hash\": \"h1\", \"row\": \"layer\", \"layer\": 1, \"pass\": \"backward\", \"cycles\": 20}\n");
	free(buf);
	sweep_table_free(t);
	free(p);
	free(p2);
	sweep_rec_free(r);
	sweep_rec_free(d);
	sweep_rec_free(c);
}
END_TEST

/* ---- journal ---- */

START_TEST(crc32_check_value)
{
	/* The CRC-32/ISO-HDLC check value of "123456789" (zlib's crc32). */
	ck_assert_uint_eq(sweep_crc32("123456789", 9), 0xCBF43926u);
	ck_assert_uint_eq(sweep_crc32("", 0), 0);
}
END_TEST

static char tmpdir[200];

static const char *journal_path(void)
{
	static char p[256];
	test_tmpdir(tmpdir, sizeof tmpdir, "sweep");
	snprintf(p, sizeof p, "%s/journal", tmpdir);
	return p;
}

static void journal_fill(const char *path, size_t n)
{
	sweep_journal_t *j;
	size_t dropped;
	sim_err_t err = { 0 };
	ck_assert_int_eq(sweep_journal_open(path, &j, &dropped, &err), SIM_OK);
	for (size_t i = 0; i < n; i++) {
		char h[17];
		snprintf(h, sizeof h, "%016zx", i);
		sweep_rec_t *r = row(h, "sharp-1k", "w", "batch", "100");
		ck_assert_int_eq(sweep_journal_append(j, r, &err), SIM_OK);
		sweep_rec_free(r);
	}
	sweep_journal_close(j);
}

static size_t journal_reopen(const char *path, size_t *dropped)
{
	sweep_journal_t *j;
	sim_err_t err = { 0 };
	ck_assert_msg(sweep_journal_open(path, &j, dropped, &err) == SIM_OK, "%s", err.msg);
	size_t n = sweep_journal_count(j);
	sweep_journal_close(j);
	return n;
}

START_TEST(journal_torn_tail_is_cut)
{
	const char *path = journal_path();
	journal_fill(path, 3);
	long good = file_size(path);
	/* Each record is a 20-byte header, the payload and a newline; the file
	 * starts with the 25-byte magic line. */
	size_t n;
	char *b = slurp(path, &n);
	ck_assert_int_eq(memcmp(b, SWEEP_JOURNAL_MAGIC, 25), 0);
	ck_assert_int_eq(b[25], 'R');
	/* A fourth record cut at every possible length must be cut off whole. */
	journal_fill(path, 4);
	size_t four;
	char *b4 = slurp(path, &four);
	/* journal_fill appended 4 more records (hashes 0..3): 7 in all. */
	ck_assert_uint_eq(journal_reopen(path, &(size_t){ 0 }), 7);
	size_t rec = (four - (size_t)good) / 4;
	for (size_t cut = 1; cut < rec; cut += 7) {
		FILE *f = fopen(path, "wb");
		fwrite(b4, 1, (size_t)good + cut, f);
		fclose(f);
		size_t dropped;
		ck_assert_uint_eq(journal_reopen(path, &dropped), 3);
		ck_assert_uint_eq(dropped, cut);
		ck_assert_int_eq(file_size(path), good);
	}
	free(b);
	free(b4);
	unlink(path);
	rmdir(tmpdir);
}
END_TEST

START_TEST(journal_checksum_catches_a_flipped_byte)
{
	const char *path = journal_path();
	journal_fill(path, 2);
	size_t n;
	char *b = slurp(path, &n);
	/* Flip a payload byte of the last record: its CRC no longer matches. */
	b[n - 5] ^= 0x01;
	FILE *f = fopen(path, "wb");
	fwrite(b, 1, n, f);
	fclose(f);
	size_t dropped;
	ck_assert_uint_eq(journal_reopen(path, &dropped), 1);
	ck_assert_uint_gt(dropped, 20);
	/* A journal cut inside its own magic line is a torn creation: empty. */
	f = fopen(path, "wb");
	fwrite(SWEEP_JOURNAL_MAGIC, 1, 7, f);
	fclose(f);
	ck_assert_uint_eq(journal_reopen(path, &dropped), 0);
	ck_assert_int_eq(file_size(path), 25);
	/* Anything else is not a journal and is left alone. */
	f = fopen(path, "wb");
	fputs("hello\n", f);
	fclose(f);
	sweep_journal_t *j;
	sim_err_t err = { 0 };
	ck_assert_int_eq(sweep_journal_open(path, &j, &dropped, &err), SIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a sharpsim sweep journal"));
	ck_assert_int_eq(file_size(path), 6);
	free(b);
	unlink(path);
	rmdir(tmpdir);
}
END_TEST

START_TEST(journal_single_writer)
{
	const char *path = journal_path();
	sweep_journal_t *j;
	size_t dropped;
	sim_err_t err = { 0 };
	ck_assert_int_eq(sweep_journal_open(path, &j, &dropped, &err), SIM_OK);
	/* POSIX record locks are per process: a second opener must be another
	 * process to be refused. */
	pid_t pid = fork();
	if (pid == 0) {
		sweep_journal_t *k;
		sim_err_t e2 = { 0 };
		_exit(sweep_journal_open(path, &k, &dropped, &e2) == SIM_EINPUT && strstr(e2.msg, "locked") ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a second writer was not refused");
	sweep_journal_close(j);
	unlink(path);
	rmdir(tmpdir);
}
END_TEST

/* ---- table ---- */

START_TEST(table_canonical_order_and_dedup)
{
	sweep_table_t *t = sweep_table_create();
	const char *in[][4] = {
		{ "h1", "sharp-16k", "lstm_h512", "unfolded" }, { "h2", "sharp-1k", "lstm_h1024", "sequential" },
		{ "h3", "sharp-1k", "lstm_h512", "unfolded" },	{ "h4", "sharp-1k", "lstm_h512", "batch" },
		{ "h5", "sharp-4k", "lstm_h512", "intergate" }, { "h3", "sharp-64k", "dup", "batch" },
	};
	for (size_t i = 0; i < 6; i++) {
		sweep_rec_t *r = row(in[i][0], in[i][1], in[i][2], in[i][3], "7");
		ck_assert_int_eq(sweep_table_add(t, r), i == 5 ? 1 : 0);
		sweep_rec_free(r);
	}
	sweep_table_sort(t);
	/* hw natural (1k, 4k, 16k), then workload natural (h512 < h1024),
	 * then the scheduler's enum order (batch before unfolded). */
	const char *want[] = { "h4", "h3", "h2", "h5", "h1" };
	ck_assert_uint_eq(sweep_table_rows(t), 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(sweep_rec_get(sweep_table_row(t, i), "config_hash"), want[i]);
	sweep_table_free(t);
}
END_TEST

START_TEST(table_columns_and_formats)
{
	sweep_table_t *t = sweep_table_create();
	sweep_rec_t *r = row("h1", "my,hw", "say \"hi\"", "batch", "42");
	ck_assert_int_eq(sweep_rec_add(r, "utilization", 'n', "0.5"), SIM_OK);
	ck_assert_int_eq(sweep_rec_add(r, "w.skip_input", 'b', "true"), SIM_OK);
	ck_assert_int_eq(sweep_rec_add(r, "compute.tile", 's', "config4"), SIM_OK);
	ck_assert_int_eq(sweep_rec_add(r, "energy_uj", 'z', ""), SIM_OK);
	ck_assert_int_eq(sweep_table_add(t, r), 0);
	ck_assert_int_eq(sweep_table_add_column(t, "compute.vs_units"), 0);
	sweep_table_sort(t);
	/* The schema's head columns (all of them, in the CSV), hardware keys in
	 * table order (vs_units before tile), workload keys, then results in
	 * sweep_result_columns order. */
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	sweep_table_csv_header(t, f);
	sweep_table_csv_row(t, r, f);
	sweep_table_jsonl_row(t, r, f);
	fclose(f);
	ck_assert_str_eq(buf, "schema,version,config_hash,row,layer,pass,hw,workload,scheduler,design,"
			      "compute.vs_units,compute.tile,w.skip_input,cycles,utilization,energy_uj\n"
			      "4,,h1,run,,,\"my,hw\",\"say \"\"hi\"\"\",batch,,,config4,true,42,0.5,\n"
			      "{\"config_hash\": \"h1\", \"hw\": \"my,hw\", \"workload\": \"say \\\"hi\\\"\", "
			      "\"scheduler\": \"batch\", \"compute.tile\": \"config4\", \"w.skip_input\": true, "
			      "\"cycles\": 42, \"utilization\": 0.5, \"energy_uj\": null}\n");
	free(buf);
	sweep_rec_free(r);
	sweep_table_free(t);
}
END_TEST

START_TEST(table_summary_best_and_speedup)
{
	sweep_table_t *t = sweep_table_create();
	/* One point, sequential 120 cycles, unfolded 100: best unfolded, 1.2x. */
	sweep_rec_t *a = row("a", "sharp-1k", "w", "sequential", "120"),
		    *b = row("b", "sharp-1k", "w", "unfolded", "100");
	sweep_table_add(t, a);
	sweep_table_add(t, b);
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	sweep_table_summary(t, f);
	fclose(f);
	ck_assert_msg(strstr(buf, "sharp-1k     w                        1.200x   unfolded"), "%s", buf);
	ck_assert_msg(strstr(buf, "sharp-1k     1.000x      -           -           1.200x"), "%s", buf);
	free(buf);
	sweep_rec_free(a);
	sweep_rec_free(b);
	sweep_table_free(t);
}
END_TEST

/* ---- specs ---- */

static void expect_spec_error(const char *file, const char *prefix, const char *needle)
{
	sweep_spec_t s;
	sim_err_t err = { 0 };
	ck_assert_int_eq(sweep_spec_load(file, "test", &s, &err), SIM_EINPUT);
	ck_assert_msg(!strncmp(err.msg, prefix, strlen(prefix)), "got '%s', expected prefix '%s'", err.msg, prefix);
	ck_assert_msg(strstr(err.msg, needle), "got '%s', expected '%s'", err.msg, needle);
}

START_TEST(spec_errors_are_located)
{
	/* Line:column of the offending token, counted in the fixture files. */
	expect_spec_error(FIX "bad_top_key.yaml", FIX "bad_top_key.yaml:3:1: ", "did you mean 'schedulers'?");
	expect_spec_error(FIX "bad_param_key.yaml", FIX "bad_param_key.yaml:4:3: ", "did you mean 'compute.tile'?");
	expect_spec_error(FIX "bad_param_value.yaml", FIX "bad_param_value.yaml:4:26: ", "from 1 to 65536");
	expect_spec_error(FIX "bad_group_key.yaml",
			  FIX "bad_group_key.yaml:6:31: ", "did you mean 'compute.vs_units'?");
	expect_spec_error(FIX "bad_scheduler.yaml", FIX "bad_scheduler.yaml:3:26: ", "sequential, batch");
	expect_spec_error(FIX "bad_workload_param.yaml", FIX "bad_workload_param.yaml:4:23: ", "not a boolean");
	expect_spec_error(FIX "bad_cross_key.yaml", FIX "bad_cross_key.yaml:4:22: ", "compute.vs_units is 4");
	expect_spec_error(FIX "bad_missing_workload.yaml", FIX "bad_missing_workload.yaml:2:13: ", "not found");
}
END_TEST

START_TEST(spec_expansion)
{
	sweep_spec_t s;
	sim_err_t err = { 0 };
	/* tiny.yaml: 4 hw x 5 example workloads x 4 schedulers x 1 tile x 3
	 * sequence lengths = 240 distinct configs, last axis fastest. */
	ck_assert_msg(sweep_spec_load("tests/sweep/tiny.yaml", "test", &s, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(s.n, 240);
	ck_assert_uint_eq(s.n_expanded, 240);
	ck_assert_str_eq(s.pts[0].hw_name, "sharp-1k");
	ck_assert_str_eq(s.pts[0].wl_name, "gru_lbr");
	ck_assert_str_eq(s.pts[0].sched, "sequential");
	ck_assert_str_eq(sweep_rec_get(s.pts[0].label, "w.timesteps"), "2");
	ck_assert_str_eq(sweep_rec_get(s.pts[1].label, "w.timesteps"), "3");
	ck_assert_str_eq(s.pts[3].sched, "batch");
	ck_assert_str_eq(s.pts[60].hw_name, "sharp-4k");
	ck_assert(!s.energy && s.fast_forward && !s.cold);
	ck_assert_uint_eq(s.n_param_cols, 2);
	sweep_spec_free(&s);
	/* group.yaml: 4 items, the 2nd and 3rd the same config -> 3 points. */
	ck_assert_msg(sweep_spec_load(FIX "group.yaml", "test", &s, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(s.n_expanded, 4);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(sweep_rec_get(s.pts[0].label, "compute.vs_units"), "16");
	ck_assert_str_eq(sweep_rec_get(s.pts[0].label, "name"), "sharp-1k");
	ck_assert_str_eq(s.pts[0].hw_name, "sharp-1k");
	ck_assert_str_eq(sweep_rec_get(s.pts[2].label, "compute.tile"), "config1");
	sweep_spec_free(&s);
}
END_TEST

/* ---- point ---- */

static char *point_payload(const sweep_spec_t *s, size_t i, const energy_tech_t *tech, tile_cache_t *tiles,
			   config_memo_t *memo)
{
	sweep_rec_t *r = NULL;
	sim_err_t err = { 0 };
	ck_assert_msg(sweep_point_run(s, i, tech, tiles, memo, "test", &r, &err) == SIM_OK, "point %zu: %s", i,
		      err.msg);
	size_t len;
	char *p = sweep_rec_encode(r, &len);
	ck_assert_ptr_nonnull(p);
	sweep_rec_free(r);
	return p;
}

/* A sweep's worker runs many points in one process (cli_sweep.c), so a
 * point must leave nothing behind: its row is the same whatever ran before
 * it in the process, and it frees what it allocates (the ASan build's leak
 * check, make asan-test, fails this test otherwise). */
START_TEST(point_runs_share_no_state)
{
	sweep_spec_t s;
	sim_err_t err = { 0 };
	ck_assert_msg(sweep_spec_load("tests/sweep/tiny.yaml", "test", &s, &err) == SIM_OK, "%s", err.msg);
	/* A worker keeps its tile tables and config memo across points: rows
	 * with the shared cache and memo equal rows that load afresh. */
	tile_cache_t *tiles = tile_cache_create();
	config_memo_t *memo = config_memo_create();
	ck_assert_ptr_nonnull(tiles);
	ck_assert_ptr_nonnull(memo);
	char *first = point_payload(&s, 7, NULL, NULL, NULL);
	const size_t others[] = { 0, 1, 2, 3, 62, 125, 190, 239 };
	for (size_t k = 0; k < sizeof others / sizeof *others; k++) {
		char *a = point_payload(&s, others[k], NULL, tiles, memo);
		char *b = point_payload(&s, others[k], NULL, NULL, NULL);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
		char *again = point_payload(&s, 7, NULL, tiles, memo);
		ck_assert_str_eq(again, first);
		free(again);
	}
	free(first);
	tile_cache_destroy(tiles);
	config_memo_destroy(memo);
	/* Priced: one technology table serves every point, read only. */
	s.energy = true;
	energy_tech_t *tech;
	ck_assert_msg(energy_tech_load("configs/tech/sharp-32nm.yaml", &tech, &err) == SIM_OK, "%s", err.msg);
	char *p1 = point_payload(&s, 7, tech, NULL, NULL);
	char *p2 = point_payload(&s, 239, tech, NULL, NULL);
	char *p3 = point_payload(&s, 7, tech, NULL, NULL);
	energy_tech_destroy(tech);
	ck_assert_ptr_nonnull(strstr(p1, "energy_uj\t"));
	ck_assert_str_eq(p1, p3);
	free(p1);
	free(p2);
	free(p3);
	sweep_spec_free(&s);
}
END_TEST

static void sweep_put(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	test_put_file(path, text, strlen(text));
}

/* A point whose hardware or workload file was edited after the spec was
 * expanded fails (its row would carry a stale config_hash), with the
 * worker's config memo as without: an edit that keeps the file's size is
 * seen by the very next point, and the file put back runs again. */
START_TEST(point_sees_a_file_edited_mid_sweep)
{
	char dir[200];
	test_tmpdir(dir, sizeof dir, "sweepedit");
	static const char hw1[] = "name: m\nwatchdog_cycles: 1000000\n", hw2[] = "name: m\nwatchdog_cycles: 2000000\n";
	static const char wl1[] = "name: w\nlayers:\n  - cell: lstm\n    input_size: 16\n    hidden_size: 16\n"
				  "    timesteps: 3\n",
			  wl2[] = "name: w\nlayers:\n  - cell: lstm\n    input_size: 16\n    hidden_size: 16\n"
				  "    timesteps: 4\n";
	sweep_put(dir, "hw.yaml", hw1);
	sweep_put(dir, "wl.yaml", wl1);
	sweep_put(dir, "s.yaml",
		  "hw: [hw.yaml]\nworkloads: [wl.yaml]\nschedulers: [batch]\nparams:\n  compute.tile: [config4]\n"
		  "energy: false\n");
	char spec[256];
	snprintf(spec, sizeof spec, "%s/s.yaml", dir);
	sweep_spec_t s;
	sim_err_t err = { 0 };
	ck_assert_msg(sweep_spec_load(spec, "test", &s, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(s.n, 1);
	for (int memoized = 0; memoized < 2; memoized++) {
		config_memo_t *memo = memoized ? config_memo_create() : NULL;
		char *first = point_payload(&s, 0, NULL, NULL, memo);
		for (int which = 0; which < 2; which++) {
			sweep_put(dir, which ? "wl.yaml" : "hw.yaml", which ? wl2 : hw2);
			sweep_rec_t *r = NULL;
			err = (sim_err_t){ 0 };
			ck_assert_int_eq(sweep_point_run(&s, 0, NULL, NULL, memo, "test", &r, &err), SIM_EINPUT);
			ck_assert_ptr_nonnull(strstr(err.msg, "changed since the sweep was expanded"));
			sweep_put(dir, which ? "wl.yaml" : "hw.yaml", which ? wl1 : hw1);
			char *again = point_payload(&s, 0, NULL, NULL, memo);
			ck_assert_str_eq(again, first);
			free(again);
		}
		free(first);
		config_memo_destroy(memo);
	}
	sweep_spec_free(&s);
	const char *names[] = { "hw.yaml", "wl.yaml", "s.yaml" };
	for (size_t i = 0; i < 3; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}
END_TEST

Suite *sweep_suite(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("record");
	tcase_add_test(tc, natural_order);
	tcase_add_test(tc, record_round_trip);
	tcase_add_test(tc, record_sub_rows);
	suite_add_tcase(s, tc);
	tc = tcase_create("journal");
	tcase_add_test(tc, crc32_check_value);
	tcase_add_test(tc, journal_torn_tail_is_cut);
	tcase_add_test(tc, journal_checksum_catches_a_flipped_byte);
	tcase_add_test(tc, journal_single_writer);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_test(tc, table_canonical_order_and_dedup);
	tcase_add_test(tc, table_columns_and_formats);
	tcase_add_test(tc, table_summary_best_and_speedup);
	suite_add_tcase(s, tc);
	tc = tcase_create("spec");
	tcase_add_test(tc, spec_errors_are_located);
	tcase_add_test(tc, spec_expansion);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	tc = tcase_create("point");
	tcase_add_test(tc, point_runs_share_no_state);
	tcase_add_test(tc, point_sees_a_file_edited_mid_sweep);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return s;
}
