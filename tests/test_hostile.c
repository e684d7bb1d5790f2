/*
 * test_hostile.c - the loaders and writers against hostile input (#11):
 * limits that keep the YAML layer linear, endless and non-finite .npy
 * data, JSON numbers, one-line escaped messages, output files that are not
 * regular files, journal corruption told apart from a torn tail.
 *
 * Each case asserts the refusal or the result; none asserts a time (the
 * times are measured by scripts/bench-limits.sh).
 */
/* mknod() and S_IFCHR are XSI. */
#define _XOPEN_SOURCE 700

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../sim/common/afile.h"
#include "../sim/common/json.h"
#include "../sim/config/ydoc.h"
#include "../sim/func/npy.h"
#include "../sim/sweep/journal.h"
#include "../sim/sweep/record.h"
#include "testutil.h"

/* ---- YAML ---- */

START_TEST(test_deep_nesting_refused)
{
	/* 10 MB of '[': refused at the 65th level, without building the rest. */
	size_t n = (size_t)10 << 20;
	char *text = malloc(n);
	ck_assert_ptr_nonnull(text);
	memset(text, '[', n);
	ydoc_t *d = NULL;
	sim_err_t err = { 0 };
	ck_assert_int_eq(ydoc_load_string("deep", text, n, &d, &err), SIM_EINPUT);
	ck_assert_ptr_null(d);
	ck_assert_msg(strstr(err.msg, "nested more than 64 levels deep") != NULL, "%s", err.msg);
	/* 64 levels are fine. */
	char ok[200];
	memset(ok, '[', 64);
	memset(ok + 64, ']', 64);
	ck_assert_int_eq(ydoc_load_string("ok", ok, 128, &d, &err), SIM_OK);
	ydoc_free(d);
	free(text);
}
END_TEST

/* "k0: 1\nk1: 1\n..." with n keys, then `extra` appended. */
static char *hostile_keys(size_t n, const char *extra, size_t *len)
{
	size_t cap = n * 16 + 64, o = 0;
	char *t = malloc(cap);
	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(t + o, cap - o, "k%zu: 1\n", i);
	o += (size_t)snprintf(t + o, cap - o, "%s", extra);
	*len = o;
	return t;
}

START_TEST(test_many_keys_hashed)
{
	/* 200,000 distinct keys (which hung the pairwise check) load; the
	 * same with a repeat of the first key at the end is refused there.
	 * scripts/bench-limits.sh times 10^6. */
	size_t len;
	char *t = hostile_keys(200000, "", &len);
	ydoc_t *d = NULL;
	sim_err_t err = { 0 };
	ck_assert_int_eq(ydoc_load_string("keys", t, len, &d, &err), SIM_OK);
	ck_assert_uint_eq(ydoc_len(ydoc_root(d)), 200000);
	ck_assert_ptr_nonnull(ydoc_get(ydoc_root(d), "k199999"));
	ydoc_free(d);
	free(t);
	t = hostile_keys(200000, "k0: 2\n", &len);
	ck_assert_int_eq(ydoc_load_string("keys", t, len, &d, &err), SIM_EINPUT);
	ck_assert_str_eq(err.msg, "keys:200001:1: duplicate key 'k0' (first at line 1), expected each key once");
	free(t);
	/* The same key in two different maps is not a duplicate. */
	const char *two = "a: {x: 1}\nb: {x: 2}\n";
	ck_assert_int_eq(ydoc_load_string("two", two, strlen(two), &d, &err), SIM_OK);
	ydoc_free(d);
}
END_TEST

START_TEST(test_byte_cap)
{
	ydoc_t *d = NULL;
	sim_err_t err = { 0 };
	ck_assert_int_eq(ydoc_load_file("/dev/zero", &d, &err), SIM_EINPUT);
	ck_assert_str_eq(err.msg, "/dev/zero: larger than 1048576 bytes, expected a smaller file of this kind");
	ck_assert_int_eq(ydoc_load_file_max("/dev/urandom", 100, &d, &err), SIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than 100 bytes"));
	/* Exactly at the cap is fine. */
	char dir[200], path[256];
	test_tmpdir(dir, sizeof dir, "hostile");
	snprintf(path, sizeof path, "%s/a.yaml", dir);
	test_put_file(path, "a: 1\n", 5);
	ck_assert_int_eq(ydoc_load_file_max(path, 5, &d, &err), SIM_OK);
	ydoc_free(d);
	ck_assert_int_eq(ydoc_load_file_max(path, 4, &d, &err), SIM_EINPUT);
	test_rmdir(dir);
}
END_TEST

/* A one-line text (an option value) reports no line and column. */
START_TEST(test_typed_values)
{
	ydoc_t *d = NULL;
	sim_err_t err = { 0 };
	uint64_t u;
	double x;
	const char *q = "n: \"128\"\n";
	ck_assert_int_eq(ydoc_load_string("q.yaml", q, strlen(q), &d, &err), SIM_OK);
	const ydoc_node_t *n = ydoc_get(ydoc_root(d), "n");
	ck_assert_int_eq(ydoc_as_u64(d, n, 0, 1000, &u, &err), SIM_EINPUT);
	ck_assert_str_eq(err.msg, "q.yaml: value '128' of n is quoted (a string), expected an integer from 0 to "
				  "1000 written without quotes");
	ydoc_free(d);
	const char *inf = "v: .inf\n";
	ck_assert_int_eq(ydoc_load_string("i.yaml", inf, strlen(inf), &d, &err), SIM_OK);
	n = ydoc_get(ydoc_root(d), "v");
	ck_assert_int_eq(ydoc_as_double(d, n, -HUGE_VAL, HUGE_VAL, &x, &err), SIM_EINPUT);
	ck_assert_str_eq(err.msg, "i.yaml: value '.inf' of v is not a number, expected a finite decimal number");
	ydoc_free(d);
}
END_TEST

/* ---- messages ---- */

START_TEST(test_messages_one_line)
{
	sim_err_t err;
	sim_err_at(&err, SIM_EINPUT, "a\nb.yaml", 3, 4, "key '%s' is bad", "\x1b[2J\r\x7f");
	ck_assert_str_eq(err.msg, "a\\x0ab.yaml:3:4: key '\\x1b[2J\\x0d\\x7f' is bad");
	/* Re-wrapping a message with itself as an argument is safe. */
	sim_err(&err, SIM_EINPUT, "outer: %s", err.msg);
	ck_assert_str_eq(err.msg, "outer: a\\x0ab.yaml:3:4: key '\\x1b[2J\\x0d\\x7f' is bad");
	/* A checker that accepted raw control characters would pass this
	 * string, which must fail: */
	ck_assert_ptr_null(strpbrk(err.msg, "\n\r\x1b"));
}
END_TEST

START_TEST(test_json_numbers)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	json_write_number(f, "%.9g", 1.5);
	fputc(' ', f);
	json_write_number(f, "%.9g", HUGE_VAL);
	fputc(' ', f);
	json_write_number(f, "%.9g", -HUGE_VAL);
	fputc(' ', f);
	json_write_number(f, "%.9g", nan(""));
	fclose(f);
	ck_assert_str_eq(buf, "1.5 null null null");
	free(buf);
}
END_TEST

/* ---- .npy ---- */

/* A v1.0 .npy of header dict `dict` and n data bytes. */
static size_t hostile_npy(unsigned char *buf, const char *dict, const void *data, size_t n)
{
	size_t dl = strlen(dict), hlen = (dl + 1 + 10 + 63) / 64 * 64 - 10;
	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	buf[8] = (unsigned char)(hlen & 0xff);
	buf[9] = (unsigned char)(hlen >> 8);
	memcpy(buf + 10, dict, dl);
	memset(buf + 10 + dl, ' ', hlen - dl - 1);
	buf[10 + hlen - 1] = '\n';
	memcpy(buf + 10 + hlen, data, n);
	return 10 + hlen + n;
}

START_TEST(test_npy_hostile)
{
	npy_array_t a;
	sim_err_t err = { 0 };
	ck_assert_int_eq(npy_read("/dev/zero", &a, &err), SIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "bad magic"));
	char dir[200], path[256];
	test_tmpdir(dir, sizeof dir, "hostile");
	snprintf(path, sizeof path, "%s/a.npy", dir);
	unsigned char buf[512];
	/* A header announcing 2^40 elements: refused before any data is read. */
	size_t n = hostile_npy(buf, "{'descr': '<f8', 'fortran_order': False, 'shape': (1048576, 1048576), }", "", 0);
	test_put_file(path, buf, n);
	ck_assert_int_eq(npy_read(path, &a, &err), SIM_EINPUT);
	ck_assert_msg(strstr(err.msg, "shape (1048576, 1048576) is larger than 1073741824 bytes") != NULL, "%s",
		      err.msg);
	/* Non-finite values: the first one is named, with its index. */
	double v[6] = { 0, 1, 2, 3, HUGE_VAL, nan("") };
	n = hostile_npy(buf, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", v, sizeof v);
	test_put_file(path, buf, n);
	ck_assert_int_eq(npy_read(path, &a, &err), SIM_EINPUT);
	ck_assert_msg(strstr(err.msg, "a.npy: element 4 at index (1, 1) is inf, expected finite values") != NULL, "%s",
		      err.msg);
	v[4] = 4;
	test_put_file(path, buf,
		      hostile_npy(buf, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", v, sizeof v));
	ck_assert_int_eq(npy_read(path, &a, &err), SIM_EINPUT);
	ck_assert_msg(strstr(err.msg, "element 5 at index (1, 2) is nan") != NULL, "%s", err.msg);
	v[5] = 5;
	test_put_file(path, buf,
		      hostile_npy(buf, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", v, sizeof v));
	ck_assert_int_eq(npy_read(path, &a, &err), SIM_OK);
	ck_assert(a.count == 6 && a.data[5] == 5.0);
	npy_free(&a);
	test_rmdir(dir);
}
END_TEST

/* ---- output files ---- */

START_TEST(test_afile_targets)
{
	sim_err_t err = { 0 };
	char dir[200], path[256];
	test_tmpdir(dir, sizeof dir, "hostile");
	/* A directory is refused before anything is written. */
	ck_assert_ptr_null(afile_open(dir, &err));
	ck_assert_int_eq(err.code, SIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "is a directory"));
	/* A character device is written in place and stays one. The devices
	 * are made in the scratch directory (mknod needs root; without it
	 * these cases are skipped): a regression must not replace the
	 * system's /dev/null. */
	char null_dev[256], full_dev[256];
	snprintf(null_dev, sizeof null_dev, "%s/null", dir);
	snprintf(full_dev, sizeof full_dev, "%s/full", dir);
	bool devices = mknod(null_dev, S_IFCHR | 0666, makedev(1, 3)) == 0 &&
		       mknod(full_dev, S_IFCHR | 0666, makedev(1, 7)) == 0;
	afile_t *a;
	struct stat st;
	if (devices) {
		a = afile_open(null_dev, &err);
		ck_assert_ptr_nonnull(a);
		fputs("x\n", afile_stream(a));
		ck_assert_int_eq(afile_commit(a, &err), SIM_OK);
		ck_assert_int_eq(stat(null_dev, &st), 0);
		ck_assert(S_ISCHR(st.st_mode));
		/* A full device takes the open but not the data: commit fails. */
		a = afile_open(full_dev, &err);
		ck_assert_ptr_nonnull(a);
		for (int i = 0; i < 10000; i++)
			fputs("0123456789", afile_stream(a));
		ck_assert_int_eq(afile_commit(a, &err), SIM_EIO);
		unlink(null_dev);
		unlink(full_dev);
	}
	/* A regular file is replaced whole, keeping its mode; an aborted
	 * write leaves it as it was and no temporary file. */
	snprintf(path, sizeof path, "%s/out.txt", dir);
	test_put_file(path, "old\n", 4);
	ck_assert_int_eq(chmod(path, 0640), 0);
	a = afile_open(path, &err);
	fputs("new\n", afile_stream(a));
	afile_abort(a);
	a = afile_open(path, &err);
	fputs("new\n", afile_stream(a));
	ck_assert_int_eq(afile_commit(a, &err), SIM_OK);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	ck_assert_int_eq(st.st_size, 4);
	FILE *f = fopen(path, "r");
	char line[16] = "";
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	fclose(f);
	ck_assert_str_eq(line, "new\n");
	char cmd[320];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
	ck_assert_int_eq(system(cmd), 0);
	test_rmdir(dir);
}
END_TEST

/* ---- journal ---- */

START_TEST(test_journal_corrupt_middle)
{
	char dir[200], path[256];
	test_tmpdir(dir, sizeof dir, "hostile");
	snprintf(path, sizeof path, "%s/journal", dir);
	sweep_rec_t *r[3];
	for (int i = 0; i < 3; i++) {
		r[i] = sweep_rec_create();
		char v[16];
		snprintf(v, sizeof v, "%d", i);
		ck_assert_int_eq(sweep_rec_add(r[i], "config_hash", 's', v), SIM_OK);
	}
	sim_err_t err = { 0 };
	ck_assert_int_eq(sweep_journal_write_all(path, (const sweep_rec_t *const *)r, 3, &err), SIM_OK);
	size_t n;
	FILE *f = fopen(path, "rb");
	char buf[512];
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	/* Second record: corrupt its payload. */
	const char *second = strstr(strstr(buf, "\nR ") + 1, "\nR ") + 1;
	size_t off = (size_t)(second - buf);
	buf[off + 22] ^= 1;
	test_put_file(path, buf, n);
	sweep_journal_t *j = NULL;
	size_t dropped = 0;
	ck_assert_int_eq(sweep_journal_open(path, &j, &dropped, &err), SIM_EINPUT);
	char want[160];
	snprintf(want, sizeof want, "record at byte %zu is corrupt", off);
	ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
	/* Nothing was cut. */
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq((size_t)st.st_size, n);
	/* The same damage in the last record is a torn tail: cut, reported
	 * as dropped bytes, the records before it kept. */
	buf[off + 22] ^= 1;
	const char *third = strstr(second, "\nR ") + 1;
	size_t off3 = (size_t)(third - buf);
	buf[off3 + 22] ^= 1;
	test_put_file(path, buf, n);
	ck_assert_int_eq(sweep_journal_open(path, &j, &dropped, &err), SIM_OK);
	ck_assert_uint_eq(sweep_journal_count(j), 2);
	ck_assert_uint_eq(dropped, n - off3);
	sweep_journal_close(j);
	for (int i = 0; i < 3; i++)
		sweep_rec_free(r[i]);
	test_rmdir(dir);
}
END_TEST

Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_deep_nesting_refused);
	tcase_add_test(tc, test_many_keys_hashed);
	tcase_add_test(tc, test_byte_cap);
	tcase_add_test(tc, test_typed_values);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_test(tc, test_messages_one_line);
	tcase_add_test(tc, test_json_numbers);
	tcase_add_test(tc, test_npy_hostile);
	suite_add_tcase(s, tc);
	tc = tcase_create("outputs");
	tcase_add_test(tc, test_afile_targets);
	tcase_add_test(tc, test_journal_corrupt_middle);
	suite_add_tcase(s, tc);
	return s;
}
