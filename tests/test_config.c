/*
 * test_config.c - the config module: every class of bad input gives one
 * line "file:line:col: what is wrong, what was expected" (or names the -p/-w
 * option) with SIM_EINPUT, and good input loads to the values the files say.
 *
 * Positions in the expected prefixes are counted by hand from the fixture
 * files in tests/fixtures/config/ (1-based line and column of the offending
 * value or key). Tests run from the repository root.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include "../sim/config/config.h"
#include "../sim/config/config_memo.h"
#include "../sim/config/tile_cache.h"
#include "../sim/config/params.h"
#include "../sim/config/ydoc.h"
#include "../sim/core/resolve.h"
#include "testutil.h"

#define FIX "tests/fixtures/config/"

static void check_msg(const sim_err_t *err, const char *prefix, const char *fragment)
{
	ck_assert_msg(strncmp(err->msg, prefix, strlen(prefix)) == 0, "message '%s' does not start with '%s'", err->msg,
		      prefix);
	ck_assert_msg(strstr(err->msg, fragment) != NULL, "message '%s' lacks '%s'", err->msg, fragment);
	ck_assert_msg(strchr(err->msg, '\n') == NULL, "message '%s' is not one line", err->msg);
}

static void expect_hw_error(const char *file, const char *const *ov, size_t n, const char *prefix, const char *fragment)
{
	hw_cfg_t hw;
	sim_err_t err = { 0 };
	int rc = config_load_hw(file, ov, n, &hw, &err);
	ck_assert_msg(rc == SIM_EINPUT, "config_load_hw(%s) returned %d, message '%s'", file ? file : "NULL", rc,
		      err.msg);
	check_msg(&err, prefix, fragment);
}

static void expect_wl_error(const char *file, const char *const *ov, size_t n, const char *prefix, const char *fragment)
{
	workload_t w;
	sim_err_t err = { 0 };
	int rc = config_load_workload(file, ov, n, &w, &err);
	ck_assert_msg(rc == SIM_EINPUT, "config_load_workload(%s) returned %d, message '%s'", file, rc, err.msg);
	check_msg(&err, prefix, fragment);
}

static hw_cfg_t load_hw_ok(const char *file, const char *const *ov, size_t n)
{
	hw_cfg_t hw;
	sim_err_t err = { 0 };
	int rc = config_load_hw(file, ov, n, &hw, &err);
	ck_assert_msg(rc == SIM_OK, "config_load_hw(%s): %s", file ? file : "NULL", err.msg);
	return hw;
}

static workload_t load_wl_ok(const char *file, const char *const *ov, size_t n)
{
	workload_t w;
	sim_err_t err = { 0 };
	int rc = config_load_workload(file, ov, n, &w, &err);
	ck_assert_msg(rc == SIM_OK, "config_load_workload(%s): %s", file, err.msg);
	return w;
}

/* ---- hardware: bad input ---- */

START_TEST(hw_malformed_yaml)
{
	/* Line 4 is " vs_width: 32", indented one space: not a key of the root
	 * map nor of compute; libyaml stops at its first character, column 2. */
	expect_hw_error(FIX "malformed.yaml", NULL, 0, FIX "malformed.yaml:4:2: ", "did not find expected key");
}
END_TEST

START_TEST(hw_unknown_key_suggests)
{
	expect_hw_error(FIX "unknown_key.yaml", NULL, 0,
			FIX "unknown_key.yaml:3:3: ", "unknown key 'vs_unit' in compute, did you mean 'vs_units'?");
}
END_TEST

START_TEST(hw_wrong_type)
{
	/* "  vs_units: abc": the value starts at column 13. */
	expect_hw_error(FIX "wrong_type.yaml", NULL, 0, FIX "wrong_type.yaml:2:13: ",
			"value 'abc' of compute.vs_units is not an integer, expected an integer from 1 to 65536");
	expect_hw_error(FIX "bad_bool.yaml", NULL, 0, FIX "bad_bool.yaml:2:17: ",
			"value 'yes' of compute.pad_reconfig is not a boolean, expected true or false");
	expect_hw_error(FIX "bad_size.yaml", NULL, 0,
			FIX "bad_size.yaml:3:12: ", "value '2.3XiB' of memory.ih_buffer.bytes is not an integer");
	expect_hw_error(FIX "section_seq.yaml", NULL, 0,
			FIX "section_seq.yaml:2:3: ", "compute is a sequence, expected a map of compute.* keys");
}
END_TEST

START_TEST(hw_out_of_range)
{
	expect_hw_error(FIX "out_of_range.yaml", NULL, 0, FIX "out_of_range.yaml:3:12: ",
			"value '1001' of mfu.latency is out of range, expected an integer from 1 to 1000");
}
END_TEST

START_TEST(hw_bad_enum)
{
	expect_hw_error(FIX "bad_enum.yaml", NULL, 0, FIX "bad_enum.yaml:1:12: ",
			"value 'unfold' of scheduler is not a valid choice, expected one of: sequential, batch, "
			"intergate, unfolded");
}
END_TEST

START_TEST(hw_duplicate_key)
{
	expect_hw_error(FIX "duplicate_key.yaml", NULL, 0, FIX "duplicate_key.yaml:4:3: ",
			"duplicate key 'units' (first at line 2), expected each key once");
}
END_TEST

START_TEST(hw_missing_file)
{
	expect_hw_error(FIX "no_such_file.yaml", NULL, 0,
			FIX "no_such_file.yaml: cannot open: ", "No such file or directory");
}
END_TEST

START_TEST(hw_rejected_yaml_features)
{
	expect_hw_error(FIX "anchor.yaml", NULL, 0, FIX "anchor.yaml:1:10: ", "anchor '&c' is not supported");
	expect_hw_error(FIX "two_docs.yaml", NULL, 0, FIX "two_docs.yaml:2:1: ", "a second YAML document");
	expect_hw_error(FIX "tag_map.yaml", NULL, 0, FIX "tag_map.yaml:1:10: ", "on a map is not supported");
	/* "clock_mhz: 5\xff0": the bad byte is the 13th of line 2. */
	expect_hw_error(FIX "bad_utf8.yaml", NULL, 0, FIX "bad_utf8.yaml:2:13: ", "expected UTF-8 text");
}
END_TEST

START_TEST(hw_inconsistent_tile)
{
	/* config1 groups the N VS units in 8: N = 12 cannot form it. The error
	 * sits at the tile value (line 4, column 9), the key written last. */
	expect_hw_error(FIX "tile_inconsistent.yaml", NULL, 0, FIX "tile_inconsistent.yaml:4:9: ",
			"compute.tile config1 groups the VS units in 8 but compute.vs_units is 12");
	/* config2 (groups of 4) is fine for N = 12: overriding the tile fixes it. */
	const char *ok[] = { "compute.tile=config2" };
	hw_cfg_t hw = load_hw_ok(FIX "tile_inconsistent.yaml", ok, 1);
	ck_assert_int_eq(hw.compute.tile, TILE_CONFIG2);
	/* When -p changes N after the file, the option is to blame. */
	const char *bad[] = { "compute.vs_units=36" };
	expect_hw_error("configs/sharp-4k.yaml", (const char *[]){ "compute.tile=config1", bad[0] }, 2,
			"option -p 'compute.vs_units=36': ", "compute.vs_units is 36");
}
END_TEST

START_TEST(hw_inconsistent_other)
{
	expect_hw_error(FIX "stage_too_big.yaml", NULL, 0, FIX "stage_too_big.yaml:4:18: ",
			"memory.weight_buffer.stage_bytes (1048576) is not smaller than memory.weight_buffer.bytes");
	expect_hw_error(FIX "fix16x16_odd.yaml", NULL, 0, FIX "fix16x16_odd.yaml:4:8: ", "compute.vs_width 33 is odd");
	expect_hw_error(FIX "inter_too_small.yaml", NULL, 0,
			FIX "inter_too_small.yaml:3:12: ", "expected at least 8 bytes");
	/* Single-buffered, 4 bytes hold one fp32: the same size is then valid,
	 * and 3 is not. */
	const char *single[] = { "memory.inter_buffer.double_buffered=false", "memory.inter_buffer.bytes=4" };
	load_hw_ok(NULL, single, 2);
	const char *three[] = { "memory.inter_buffer.double_buffered=false", "memory.inter_buffer.bytes=3" };
	expect_hw_error(NULL, three, 2, "option -p 'memory.inter_buffer.bytes=3': ", "expected at least 4 bytes");
}
END_TEST

START_TEST(hw_bad_option)
{
	const char *abc[] = { "compute.vs_units=abc" };
	expect_hw_error("configs/sharp-1k.yaml", abc, 1, "option -p 'compute.vs_units=abc': ",
			"value 'abc' is not an integer, expected an integer from 1 to 65536");
	const char *typo[] = { "compute.vs_unit=32" };
	expect_hw_error(NULL, typo, 1, "option -p 'compute.vs_unit=32': ",
			"unknown key 'compute.vs_unit', did you mean 'compute.vs_units'?");
	const char *noeq[] = { "compute.vs_units" };
	expect_hw_error(NULL, noeq, 1, "option -p 'compute.vs_units': ", "expected key=value");
	const char *empty[] = { "mfu.units=" };
	expect_hw_error(NULL, empty, 1, "option -p 'mfu.units=': ", "no value");
	const char *map[] = { "name=a: b" };
	expect_hw_error(NULL, map, 1, "option -p 'name=a: b': ", "the value is a map, expected a string");
	const char *yaml[] = { "name=[a" };
	expect_hw_error(NULL, yaml, 1, "option -p 'name=[a': ", "while parsing a flow sequence");
	/* The cell updater's lanes are a number, not K/4 (docs/hardware.md §2.5). */
	const char *lanes[] = { "cell_updater.lanes=0" };
	expect_hw_error(NULL, lanes, 1, "option -p 'cell_updater.lanes=0': ", "from 1 to 65536");
	const char *lanes_auto[] = { "cell_updater.lanes=auto" };
	expect_hw_error(NULL, lanes_auto, 1, "option -p 'cell_updater.lanes=auto': ", "expected an integer");
	const char *tanh0[] = { "cell_updater.tanh_latency=0" };
	expect_hw_error(NULL, tanh0, 1, "option -p 'cell_updater.tanh_latency=0': ", "from 1 to 1000, or auto");
	sim_err_t err = { 0 };
	hw_cfg_t hw;
	config_hw_defaults(&hw);
	ck_assert_int_eq(config_set_hw(&hw, "deps", "elemnt", &err), SIM_EINPUT);
	check_msg(&err, "option -p 'deps=elemnt': ", "expected one of: step, element");
	ck_assert_int_eq(hw.deps, DEPS_STEP);
}
END_TEST

/* ---- hardware: good input ---- */

START_TEST(hw_defaults_load)
{
	size_t n;
	const param_t *t = param_hw_table(&n);
	hw_cfg_t hw;
	sim_err_t err = { 0 };
	memset(&hw, 0, sizeof hw);
	ck_assert_msg(param_defaults(t, n, &hw, &err) == SIM_OK, "%s", err.msg);
	/* The built-in defaults are the published 4K-MAC SHARP, i.e. the preset
	 * file (whose name key also matches). */
	hw_cfg_t def, file = load_hw_ok("configs/sharp-4k.yaml", NULL, 0);
	config_hw_defaults(&def);
	ck_assert_msg(memcmp(&def, &file, sizeof def) == 0, "defaults differ from configs/sharp-4k.yaml");
	ck_assert_msg(memcmp(&def, &hw, sizeof def) == 0, "param_defaults differs from config_hw_defaults");
}
END_TEST

START_TEST(hw_presets)
{
	static const struct {
		const char *file;
		uint32_t n;
	} presets[] = {
		{ "configs/sharp-1k.yaml", 32 },
		{ "configs/sharp-4k.yaml", 128 },
		{ "configs/sharp-16k.yaml", 512 },
		{ "configs/sharp-64k.yaml", 2048 },
	};
	for (size_t i = 0; i < 4; i++) {
		hw_cfg_t hw = load_hw_ok(presets[i].file, NULL, 0);
		ck_assert_uint_eq(hw.compute.vs_units, presets[i].n);
		ck_assert_uint_eq(hw.compute.vs_width, 32);
		/* N*K is the MAC budget: 1K, 4K, 16K, 64K with 1K = 1024. */
		ck_assert_uint_eq(hw.compute.vs_units * hw.compute.vs_width, 1024u << (2 * i));
		ck_assert(hw.clock_mhz == 500.0);
		ck_assert_int_eq(hw.compute.tile, TILE_AUTO);
		ck_assert_uint_eq(hw.cell.lanes, 8);	    /* fixed, docs/hardware.md §2.5 */
		ck_assert_uint_eq(hw.cell.tanh_latency, 0); /* auto: the MFU's depth */
		ck_assert_uint_eq(hw.memory.wbuf.banks, 0); /* auto */
		ck_assert_uint_eq(hw.mfu.units, 64);
		ck_assert_uint_eq(hw.mfu.latency, 15);
		/* 26 MiB; 2.3 MiB rounded down (2.3 * 1048576 = 2411724.8); 192 KiB; 24 KiB. */
		ck_assert_uint_eq(hw.memory.wbuf.bytes, 27262976u);
		ck_assert_uint_eq(hw.memory.ih_bytes, 2411724u);
		ck_assert_uint_eq(hw.memory.cell_bytes, 196608u);
		ck_assert_uint_eq(hw.memory.inter_bytes, 24576u);
		ck_assert_int_eq(hw.scheduler, SCHED_KIND_UNFOLDED);
		/* 25.6 GB/s per 1K MACs at 500 MHz (docs/hardware.md §2.0). */
		ck_assert(hw.memory.dram.gbps == 25.6 * (double)(1u << (2 * i)));
	}
	/* docs/hardware.md 2.0: an LSTM of H = 1280, I = H fits the 26 MiB buffer in fp16
	 * (4*1280*2560*2 = 26214400 B) and H = 1536 does not (37748736 B). */
	hw_cfg_t hw = load_hw_ok("configs/sharp-4k.yaml", NULL, 0);
	ck_assert(4ull * 1280 * 2560 * 2 <= hw.memory.wbuf.bytes);
	ck_assert(4ull * 1536 * 3072 * 2 > hw.memory.wbuf.bytes);
}
END_TEST

START_TEST(hw_partial_file_and_overrides)
{
	/* partial.yaml sets a few keys; the rest keep their defaults. */
	hw_cfg_t hw = load_hw_ok(FIX "partial.yaml", NULL, 0);
	ck_assert_str_eq(hw.name, "small");
	ck_assert(hw.clock_mhz == 250.0);
	ck_assert_uint_eq(hw.compute.vs_units, 24);
	ck_assert_int_eq(hw.compute.tile, TILE_CONFIG1);
	ck_assert_uint_eq(hw.memory.ih_bytes, 1572864); /* 1.5 * 2^20 */
	ck_assert_uint_eq(hw.mfu.latency, 15);

	/* Overrides apply in order after the file: the last one wins. */
	const char *ov[] = { "compute.vs_units=64",
			     "compute.vs_units=48",
			     "memory.weights=stream",
			     "memory.dram_gbps=12.5",
			     "cell_updater.lanes=3",
			     "name=\"my chip\"",
			     "memory.weight_buffer.bytes=1.5GB" };
	hw = load_hw_ok(FIX "partial.yaml", ov, sizeof ov / sizeof ov[0]);
	ck_assert_uint_eq(hw.compute.vs_units, 48);
	ck_assert_int_eq(hw.memory.weights, WEIGHTS_STREAM);
	ck_assert(hw.memory.dram.gbps == 12.5);
	ck_assert_uint_eq(hw.cell.lanes, 3);
	ck_assert_str_eq(hw.name, "my chip");
	ck_assert_uint_eq(hw.memory.wbuf.bytes, 1500000000ull);
	ck_assert(hw.clock_mhz == 250.0);

	/* A file without a name takes its file name. */
	hw = load_hw_ok(FIX "tile_inconsistent.yaml", (const char *[]){ "compute.vs_units=8" }, 1);
	ck_assert_str_eq(hw.name, "tile_inconsistent");
}
END_TEST

static char *dump_to_string(const hw_cfg_t *hw)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	config_dump_hw(f, hw);
	fclose(f);
	return buf;
}

START_TEST(hw_dump_round_trip)
{
	const char *ov[] = { "compute.tile=config2",
			     "memory.dram_gbps=12.345678901234567",
			     "clock_mhz=333.3",
			     "cell_updater.lanes=3",
			     "name=\"odd \\\"name\\\" \\\\ here\"",
			     "compute.tile_table=tables/x.yaml",
			     "activation.range=0.1",
			     "deps=element" };
	hw_cfg_t a = load_hw_ok("configs/sharp-16k.yaml", ov, sizeof ov / sizeof ov[0]);
	ck_assert_str_eq(a.name, "odd \"name\" \\ here");
	char path[600];
	FILE *f = test_tmpfile(path, sizeof path, "config");
	config_dump_hw(f, &a);
	fclose(f);
	hw_cfg_t b = load_hw_ok(path, NULL, 0);
	unlink(path);
	ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "reloaded dump differs from the original");
	ck_assert(config_hash(&a, NULL, "v") == config_hash(&b, NULL, "v"));
	/* The dump prints auto fields as auto and sizes as plain integers. */
	char *text = dump_to_string(&a);
	ck_assert_ptr_nonnull(strstr(text, "  banks: auto\n"));
	ck_assert_ptr_nonnull(strstr(text, "    bytes: 27262976\n"));
	ck_assert_ptr_nonnull(strstr(text, "  tile: config2\n"));
	free(text);
}
END_TEST

START_TEST(hw_hash)
{
	hw_cfg_t a, b;
	config_hw_defaults(&a);
	config_hw_defaults(&b);
	uint64_t h = config_hash(&a, NULL, "0.1.0");
	ck_assert(h == config_hash(&b, NULL, "0.1.0"));
	/* Resolving auto to config4 would give the same machine for N = 128, but
	 * the hash covers what was written. */
	sim_err_t err = { 0 };
	ck_assert_int_eq(config_set_hw(&b, "compute.tile", "config4", &err), SIM_OK);
	ck_assert(h != config_hash(&b, NULL, "0.1.0"));
	ck_assert(h != config_hash(&a, NULL, "0.1.1"));
	/* The hash is FNV-1a over the dump: check one value independently. An
	 * empty hw and workload leave "---\n---\n\n"; FNV-1a 64 of that text,
	 * computed below byte by byte from the published constants. */
	const char *text = "---\n---\n\n";
	uint64_t ref = 0xcbf29ce484222325ull;
	for (const char *p = text; *p; p++)
		ref = (ref ^ (unsigned char)*p) * 0x100000001b3ull;
	ck_assert(config_hash(NULL, NULL, "") == ref);
}
END_TEST

START_TEST(hw_help_lists_every_key)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	config_help_hw(f);
	config_help_workload(f);
	fclose(f);
	size_t n;
	const param_t *t = param_hw_table(&n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strstr(buf, t[i].key) != NULL, "help lacks %s", t[i].key);
	t = param_layer_table(&n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strstr(buf, t[i].key) != NULL, "help lacks %s", t[i].key);
	ck_assert_ptr_nonnull(strstr(buf, "integer 1..1000 or auto"));
	free(buf);
}
END_TEST

START_TEST(hw_table_sections_contiguous)
{
	/* param_dump opens a section where its first key is: a section whose
	 * keys were split would be printed twice and rejected as a duplicate
	 * on reload. */
	size_t n;
	const param_t *t = param_hw_table(&n);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 2; j < n; j++) {
			const char *a = strchr(t[i].key, '.'), *b = strchr(t[j].key, '.');
			if (!a || !b)
				continue;
			size_t la = (size_t)(a - t[i].key);
			bool same = (size_t)(b - t[j].key) == la && strncmp(t[i].key, t[j].key, la) == 0;
			const char *m = strchr(t[j - 1].key, '.');
			bool mid_same =
				m && (size_t)(m - t[j - 1].key) == la && strncmp(t[i].key, t[j - 1].key, la) == 0;
			ck_assert_msg(!same || mid_same, "section of %s is split before %s", t[i].key, t[j].key);
		}
	}
}
END_TEST

/* ---- ydoc conversions ---- */

static uint64_t u64_of(const char *text, int *rc)
{
	ydoc_t *d;
	sim_err_t err = { 0 };
	uint64_t v = 0;
	*rc = ydoc_load_string("t", text, strlen(text), &d, &err);
	if (*rc == SIM_OK) {
		*rc = ydoc_as_u64(d, ydoc_root(d), 0, UINT64_MAX, &v, &err);
		ydoc_free(d);
	}
	return v;
}

START_TEST(ydoc_sizes)
{
	static const struct {
		const char *text;
		uint64_t v;
	} good[] = {
		{ "0", 0 },
		{ "18446744073709551615", UINT64_MAX },
		{ "1KiB", 1024 },
		{ "1 KiB", 1024 },
		{ "2.3MiB", 2411724 },
		{ "1.5KB", 1500 },
		{ "3GiB", 3221225472ull },
		{ "2GB", 2000000000ull },
		{ "0.999999999KiB", 1023 }, /* 1023.999999 rounded down */
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int rc;
		uint64_t v = u64_of(good[i].text, &rc);
		ck_assert_msg(rc == SIM_OK && v == good[i].v, "'%s' gave rc %d value %llu", good[i].text, rc,
			      (unsigned long long)v);
	}
	static const char *const bad[] = {
		"abc", "1.5", "-1", "1KB2", "18446744073709551616", "1e3", "0x10", "17179869184GiB", "1.KiB", "1kib"
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc;
		u64_of(bad[i], &rc);
		ck_assert_msg(rc == SIM_EINPUT, "'%s' was accepted", bad[i]);
	}
}
END_TEST

START_TEST(ydoc_edit_distances)
{
	ck_assert_uint_eq(ydoc_edit_distance("kitten", "sitting"), 3);
	ck_assert_uint_eq(ydoc_edit_distance("", "abc"), 3);
	ck_assert_uint_eq(ydoc_edit_distance("vs_unit", "vs_units"), 1);
	ck_assert_uint_eq(ydoc_edit_distance("same", "same"), 0);
}
END_TEST

START_TEST(ydoc_tree_and_marks)
{
	const char *text = "a: 1\nb:\n  - x\n  - \"y\"\nc: {d: e}\n";
	ydoc_t *d;
	sim_err_t err = { 0 };
	ck_assert_int_eq(ydoc_load_string("mem.yaml", text, strlen(text), &d, &err), SIM_OK);
	const ydoc_node_t *r = ydoc_root(d);
	ck_assert_int_eq(ydoc_kind(r), YDOC_MAP);
	ck_assert_uint_eq(ydoc_len(r), 3);
	const ydoc_node_t *b = ydoc_get(r, "b");
	ck_assert_int_eq(ydoc_kind(b), YDOC_SEQ);
	ck_assert_uint_eq(ydoc_len(b), 2);
	ck_assert_str_eq(ydoc_scalar(ydoc_item(b, 1)), "y");
	ck_assert(ydoc_quoted(ydoc_item(b, 1)) && !ydoc_quoted(ydoc_item(b, 0)));
	ck_assert_int_eq(ydoc_line(ydoc_item(b, 1)), 4);
	ck_assert_int_eq(ydoc_col(ydoc_item(b, 1)), 5);
	ck_assert_str_eq(ydoc_scalar(ydoc_get(ydoc_get(r, "c"), "d")), "e");
	ck_assert_ptr_null(ydoc_get(r, "zz"));
	/* An error on a node of a multi-line string names the node's place. */
	ydoc_error(d, ydoc_item(b, 0), &err, SIM_EINPUT, "bad %s", "x");
	ck_assert_str_eq(err.msg, "mem.yaml:3:5: bad x");
	ydoc_free(d);
	ck_assert_int_eq(ydoc_load_string("empty", "", 0, &d, &err), SIM_OK);
	ck_assert_ptr_null(ydoc_root(d));
	ydoc_free(d);
	ck_assert_int_eq(ydoc_load_string("alias", "a: &x 1\nb: *x\n", 14, &d, &err), SIM_EINPUT);
}
END_TEST

/* ---- workloads ---- */

START_TEST(wl_errors)
{
	expect_wl_error(FIX "empty_workload.yaml", NULL, 0, FIX "empty_workload.yaml: ", "empty workload");
	expect_wl_error(FIX "workload_no_layers.yaml", NULL, 0,
			FIX "workload_no_layers.yaml:2:9: ", "layers is empty, expected a list of at least one layer");
	expect_wl_error(FIX "workload_missing.yaml", NULL, 0,
			FIX "workload_missing.yaml:3:5: ", "layer 1 has no hidden_size");
	expect_wl_error(FIX "workload_gru_form_lstm.yaml", NULL, 0,
			FIX "workload_gru_form_lstm.yaml:7:15: ", "gru_form applies only to gru layers");
	expect_wl_error(FIX "workload_lens_count.yaml", NULL, 0, FIX "workload_lens_count.yaml:8:20: ",
			"sequence_lens has 3 entries, expected one per sequence: batch_size 2");
	expect_wl_error(FIX "workload_lens_long.yaml", NULL, 0, FIX "workload_lens_long.yaml:8:24: ",
			"sequence_lens[1] is 5, longer than timesteps 4, expected 1..4");
	const char *nolist[] = { "sequence_lens=4" };
	expect_wl_error("workloads/examples/lstm_tiny.yaml", nolist, 1, "option -w 'sequence_lens=4': ",
			"sequence_lens is not a list, expected a list of integers like [8, 4]");
	expect_wl_error(FIX "workload_proj_wide.yaml", NULL, 0, FIX "workload_proj_wide.yaml:7:16: ",
			"proj_size 64 is not below hidden_size 64, expected 0 (no projection) or 1..63");
	expect_wl_error(FIX "workload_proj_gru.yaml", NULL, 0, FIX "workload_proj_gru.yaml:7:16: ",
			"proj_size applies to the LSTM cells (lstm, lstm_peephole, lstm_coupled), expected no "
			"proj_size on a gru layer");
	expect_wl_error(FIX "workload_unknown.yaml", NULL, 0, FIX "workload_unknown.yaml:6:5: ",
			"unknown key 'timestep' in layers[0], did you mean 'timesteps'?");
	expect_wl_error(FIX "workload_range.yaml", NULL, 0,
			FIX "workload_range.yaml:5:18: ", "value '70000' of layers[0].hidden_size is out of range");
	expect_wl_error(
		FIX "workload_bad_cell.yaml", NULL, 0, FIX "workload_bad_cell.yaml:3:11: ",
		"unknown cell 'lsmt', expected one of lstm, gru, vanilla, fc, lstm_peephole, lstm_coupled, qrnn");
	expect_wl_error(FIX "workload_top_unknown.yaml", NULL, 0,
			FIX "workload_top_unknown.yaml:2:1: ", "unknown key 'layer', did you mean 'layers'?");
	expect_wl_error(FIX "nope.yaml", NULL, 0, FIX "nope.yaml: cannot open: ", "No such file");
}
END_TEST

START_TEST(wl_bad_option)
{
	const char *zero[] = { "timesteps=0" };
	expect_wl_error("workloads/examples/lstm_tiny.yaml", zero, 1, "option -w 'timesteps=0': ",
			"value '0' is out of range, expected an integer from 1 to 10000000");
	const char *typo[] = { "skip_inputs=true" };
	expect_wl_error("workloads/examples/lstm_tiny.yaml", typo, 1,
			"option -w 'skip_inputs=true': ", "unknown key 'skip_inputs', did you mean 'skip_input'?");
	const char *gru[] = { "gru_form=reset_before_matmul" };
	expect_wl_error("workloads/examples/lstm_tiny.yaml", gru, 1,
			"option -w 'gru_form=reset_before_matmul': ", "gru_form applies only to gru layers");
	/* -w cell=lstm on a GRU layer written with gru_form: the key in the
	 * file (line 10, column 15) no longer applies. */
	const char *cell[] = { "cell=lstm" };
	expect_wl_error("workloads/examples/gru_rbm.yaml", cell, 1,
			"workloads/examples/gru_rbm.yaml:10:15: ", "expected no gru_form on a lstm layer");
}
END_TEST

START_TEST(wl_examples)
{
	workload_t w = load_wl_ok("workloads/examples/lstm_stack2.yaml", NULL, 0);
	ck_assert_str_eq(w.name, "lstm_stack2");
	ck_assert_str_eq(w.path, "workloads/examples/lstm_stack2.yaml");
	ck_assert_uint_eq(w.n_layers, 2);
	ck_assert_int_eq(w.layers[0].cell, CELL_LSTM);
	ck_assert_uint_eq(w.layers[0].input_size, 64);
	ck_assert_uint_eq(w.layers[1].input_size, 128);
	ck_assert_uint_eq(w.layers[0].batch_size, 1);
	ck_assert(!w.layers[0].skip_input);
	/* The layers' maps start at "cell" on lines 6 and 11, column 5. */
	ck_assert_int_eq(w.layers[0].line, 6);
	ck_assert_int_eq(w.layers[1].line, 11);
	ck_assert_int_eq(w.layers[1].col, 5);
	/* MACs = G*H*(I+H)*T*B: 4*128*(64+128)*6 and 4*128*256*6. */
	ck_assert_uint_eq(workload_layer_macs(&w.layers[0]), 589824);
	ck_assert_uint_eq(workload_layer_macs(&w.layers[1]), 786432);
	workload_free(&w);

	/* -w applies to every layer. */
	const char *ov[] = { "timesteps=5", "skip_input=true" };
	w = load_wl_ok("workloads/examples/lstm_stack2.yaml", ov, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_uint_eq(w.layers[i].timesteps, 5);
		ck_assert(w.layers[i].skip_input);
		ck_assert_uint_eq(workload_layer_macs(&w.layers[i]), 4u * 128 * 128 * 5);
	}
	workload_free(&w);

	w = load_wl_ok("workloads/examples/gru_rbm.yaml", NULL, 0);
	ck_assert_int_eq(w.layers[0].gru_form, GRU_RBM);
	ck_assert_uint_eq(workload_gates(w.layers[0].cell), 3);
	workload_free(&w);
	const char *lbr[] = { "gru_form=linear_before_reset" };
	w = load_wl_ok("workloads/examples/gru_rbm.yaml", lbr, 1);
	ck_assert_int_eq(w.layers[0].gru_form, GRU_LBR);
	workload_free(&w);
	w = load_wl_ok("workloads/examples/vanilla.yaml", NULL, 0);
	ck_assert_uint_eq(workload_gates(w.layers[0].cell), 1);
	ck_assert_str_eq(workload_cell_name(w.layers[0].cell), "vanilla");
	ck_assert_uint_eq(w.layers[0].batch_size, 2);
	workload_free(&w);
	w = load_wl_ok("workloads/examples/gru_lbr.yaml", NULL, 0);
	ck_assert_int_eq(w.layers[0].gru_form, GRU_LBR);
	workload_free(&w);
	w = load_wl_ok("workloads/examples/lstm_tiny.yaml", NULL, 0);
	ck_assert_uint_eq(w.layers[0].hidden_size, 32);
	workload_free(&w);
}
END_TEST

START_TEST(wl_deepbench)
{
	DIR *dir = opendir("workloads/deepbench");
	ck_assert_ptr_nonnull(dir);
	size_t count = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		char path[600], expect[300];
		snprintf(path, sizeof path, "workloads/deepbench/%s", de->d_name);
		workload_t w = load_wl_ok(path, NULL, 0);
		ck_assert_uint_eq(w.n_layers, 1);
		const layer_cfg_t *l = &w.layers[0];
		ck_assert_uint_eq(l->input_size, l->hidden_size);
		snprintf(expect, sizeof expect, "%s_h%u_b%u_t%u.yaml", workload_cell_name(l->cell),
			 (unsigned)l->hidden_size, (unsigned)l->batch_size, (unsigned)l->timesteps);
		ck_assert_str_eq(de->d_name, expect);
		workload_free(&w);
		count++;
	}
	closedir(dir);
	ck_assert_uint_eq(count, 71);

	/* lstm_h256_b1_t150 is in both inference sets. With I = H:
	 * 4*256*512*150 MACs; in skip-input form 4*256*256*150, which is
	 * DeepBench's FLOP count 2*G*H^2*B*T halved. */
	workload_t w = load_wl_ok("workloads/deepbench/lstm_h256_b1_t150.yaml", NULL, 0);
	ck_assert_uint_eq(workload_layer_macs(&w.layers[0]), 78643200ull);
	workload_free(&w);
	const char *skip[] = { "skip_input=true" };
	w = load_wl_ok("workloads/deepbench/lstm_h256_b1_t150.yaml", skip, 1);
	ck_assert_uint_eq(2 * workload_layer_macs(&w.layers[0]), 2ull * 4 * 256 * 256 * 1 * 150);
	workload_free(&w);
}
END_TEST

START_TEST(wl_dump_round_trip_and_hash)
{
	hw_cfg_t hw;
	config_hw_defaults(&hw);
	const char *ov[] = { "batch_size=4" };
	workload_t a = load_wl_ok("workloads/examples/gru_rbm.yaml", ov, 1);
	char path[600];
	FILE *f = test_tmpfile(path, sizeof path, "workload");
	config_dump_workload(f, &a);
	fclose(f);
	workload_t b = load_wl_ok(path, NULL, 0);
	unlink(path);
	ck_assert_str_eq(a.name, b.name);
	ck_assert_uint_eq(b.layers[0].batch_size, 4);
	ck_assert_int_eq(b.layers[0].gru_form, GRU_RBM);
	ck_assert(config_hash(&hw, &a, "v") == config_hash(&hw, &b, "v"));
	b.layers[0].skip_input = true;
	ck_assert(config_hash(&hw, &a, "v") != config_hash(&hw, &b, "v"));
	workload_free(&a);
	workload_free(&b);
}
END_TEST

START_TEST(wl_macs_saturate)
{
	layer_cfg_t l = { .cell = CELL_LSTM,
			  .input_size = 1048576,
			  .hidden_size = 65536,
			  .timesteps = 10000000,
			  .batch_size = 1024 };
	ck_assert(workload_layer_macs(&l) == UINT64_MAX);
}
END_TEST

/* ---- tile tables ---- */

/* The cache serves a table again while its file is unchanged (the same
 * object, not reloaded) and reloads it once explore has rewritten it, so a
 * sweep never runs with a stale table. */
START_TEST(tile_cache_hits_and_reloads)
{
	char dir[200];
	test_tmpdir(dir, sizeof dir, "tcache");
	char path[256];
	snprintf(path, sizeof path, "%s/t.yaml", dir);
	tile_entry_t e = { 128, 32, SCHED_KIND_BATCH, CELL_GRU, 512, 1024, 25, 1, 7, TILE_CONFIG4, { 1, 2, 3, 4 } };
	tile_table_t t = { &e, 1, true, 1 };
	sim_err_t err = { 0 };
	ck_assert_int_eq(config_write_tile_table(path, "x", &t, &err), SIM_OK);
	tile_cache_t *c = tile_cache_create();
	ck_assert_ptr_nonnull(c);
	const tile_table_t *a, *b;
	ck_assert_msg(tile_cache_get(c, path, &a, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(a->n, 1);
	ck_assert_int_eq(a->e[0].best, TILE_CONFIG4);
	ck_assert_int_eq(tile_cache_get(c, path, &b, &err), SIM_OK);
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_eq(a->e, b->e); /* not reloaded */
	/* Rewritten (a new file renamed into place): the new content is served. */
	e.best = TILE_CONFIG1;
	ck_assert_int_eq(config_write_tile_table(path, "x", &t, &err), SIM_OK);
	ck_assert_int_eq(tile_cache_get(c, path, &b, &err), SIM_OK);
	ck_assert_int_eq(b->e[0].best, TILE_CONFIG1);
	/* A file that is gone is the loader's error, not a stale hit. */
	unlink(path);
	ck_assert_int_eq(tile_cache_get(c, path, &b, &err), SIM_EINPUT);
	tile_cache_destroy(c);
	rmdir(dir);
}
END_TEST

/* The timing key moves with every key that moves cycles and with none of
 * the keys that do not (docs/architecture.md, "Tile tables"). */
START_TEST(timing_key_follows_timing)
{
	hw_cfg_t base = load_hw_ok("configs/sharp-4k.yaml", NULL, 0);
	uint64_t k = config_timing_key(&base);
	const char *same[] = { "name=other",	       "compute.tile=config2", "compute.tile_table=t.yaml",
			       "scheduler=batch",      "watchdog_cycles=7",    "activation.mode=pwl",
			       "precision.acc_bits=20" };
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		hw_cfg_t h = load_hw_ok("configs/sharp-4k.yaml", &same[i], 1);
		ck_assert_msg(config_timing_key(&h) == k, "%s moved the timing key", same[i]);
	}
	/* Exploration places weights on chip whatever the config says, so the
	 * placement, which moves a run's cycles, is not a table's key. */
	const char *res = "memory.weights=resident";
	hw_cfg_t hr = load_hw_ok("configs/sharp-4k.yaml", &res, 1);
	ck_assert(resolve_timing_key(&hr) == resolve_timing_key(&base));
	const char *moved[] = { "compute.accumulators=4", "mfu.latency=9",
				"cell_updater.lanes=4",	  "memory.dram_gbps=12",
				"fifo_depth=4",		  "compute.pad_reconfig=false",
				"precision.mul=fp32",	  "memory.weights=resident",
				"compute.vs_units=64" };
	for (size_t i = 0; i < sizeof moved / sizeof moved[0]; i++) {
		hw_cfg_t h = load_hw_ok("configs/sharp-4k.yaml", &moved[i], 1);
		ck_assert_msg(config_timing_key(&h) != k, "%s left the timing key", moved[i]);
	}
}
END_TEST

/* The key a table holds a layer's pass under moves with every layer key
 * that moves the pass's cycles (T and batch included: the tile ranking can
 * invert between them) and with none that moves only values; the
 * direction moves it only where the pass differs: an interleaved
 * bidirectional layer is one pass of both directions. */
START_TEST(layer_key_follows_timing)
{
	const char *wl = "workloads/deepbench/lstm_h1024_b1_t25.yaml";
	hw_cfg_t hw = load_hw_ok("configs/sharp-4k.yaml", NULL, 0);
	const char *il = "direction_schedule=interleaved";
	hw_cfg_t hwi = load_hw_ok("configs/sharp-4k.yaml", &il, 1);
	workload_t base = load_wl_ok(wl, NULL, 0);
	uint64_t k = resolve_layer_key(&hw, &base.layers[0]);
	ck_assert(resolve_layer_key(&hwi, &base.layers[0]) == k);
	const char *same[] = { "direction=reverse", "direction=bidirectional", "act_g=relu" };
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		workload_t w = load_wl_ok(wl, &same[i], 1);
		ck_assert_msg(resolve_layer_key(&hw, &w.layers[0]) == k, "%s moved the layer key", same[i]);
		workload_free(&w);
	}
	const char *moved[] = { "timesteps=1500", "batch_size=4", "hidden_size=1000", "input_size=512",
				"weight_bits=8",  "sparsity=0.5", "skip_input=true",  "cell=gru" };
	for (size_t i = 0; i < sizeof moved / sizeof moved[0]; i++) {
		workload_t w = load_wl_ok(wl, &moved[i], 1);
		ck_assert_msg(resolve_layer_key(&hw, &w.layers[0]) != k, "%s left the layer key", moved[i]);
		workload_free(&w);
	}
	const char *bi = "direction=bidirectional";
	workload_t w = load_wl_ok(wl, &bi, 1);
	ck_assert(resolve_layer_key(&hwi, &w.layers[0]) != k);
	workload_free(&w);
	workload_free(&base);
}
END_TEST

/* Entries that reach every field's edge: zero and the largest cycles,
 * all-ones and zero keys, the widest shapes the loader takes. */
static const tile_entry_t tile_samples[3] = {
	{ .vs_units = 128,
	  .vs_width = 32,
	  .scheduler = SCHED_KIND_UNFOLDED,
	  .cell = CELL_LSTM,
	  .input_size = 256,
	  .hidden_size = 256,
	  .timesteps = 150,
	  .batch = 2,
	  .layer_key = 0x1234,
	  .best = TILE_CONFIG3,
	  .cycles = { 900, 800, 700, 750 } },
	{ .vs_units = 4096,
	  .vs_width = 16,
	  .scheduler = SCHED_KIND_BATCH,
	  .cell = CELL_GRU,
	  .input_size = 0,
	  .hidden_size = 1024,
	  .timesteps = 1,
	  .batch = 4,
	  .layer_key = 0xffffffffffffffffull,
	  .best = TILE_CONFIG1,
	  .cycles = { 0, 0, UINT64_MAX, 12 } },
	{ .vs_units = 1,
	  .vs_width = 1,
	  .scheduler = SCHED_KIND_SEQUENTIAL,
	  .cell = CELL_VANILLA,
	  .input_size = 1048576,
	  .hidden_size = 65536,
	  .timesteps = 4294967295u,
	  .batch = 1,
	  .layer_key = 0,
	  .best = TILE_CONFIG4,
	  .cycles = { 1, 2, 3, 4 } },
};

/* The loader's fast path (the writer's one-entry-per-line form) and the
 * YAML loader read the same table the same way: a copy whose entries are
 * written in block style (which only the YAML loader reads) loads to the
 * same entries; a line the fast path does not recognise goes to the YAML
 * loader, which refuses what is invalid where it stands (-1 is not a cycle
 * count, and a hw line given twice is a duplicate key). */
START_TEST(tile_table_fast_path_agrees)
{
	char dir[200];
	test_tmpdir(dir, sizeof dir, "tfast");
	char fast[256], slow[256];
	snprintf(fast, sizeof fast, "%s/fast.yaml", dir);
	snprintf(slow, sizeof slow, "%s/slow.yaml", dir);
	const tile_entry_t *e = tile_samples;
	tile_table_t t = { (tile_entry_t *)tile_samples, 3, true, 0x0123456789abcdefull }, a, b;
	sim_err_t err = { 0 };
	ck_assert_int_eq(config_write_tile_table(fast, "sharp-4k", &t, &err), SIM_OK);
	FILE *f = fopen(slow, "w");
	fprintf(f, "hw: sharp-4k\ntiming_key: \"0x0123456789abcdef\"\nentries:\n");
	for (int i = 0; i < 3; i++)
		fprintf(f,
			"  - vs_units: %u\n    vs_width: %u\n    scheduler: %s\n    cell: %s\n    input_size: %u\n"
			"    hidden_size: %u\n    timesteps: %u\n    batch: %u\n    layer_key: \"0x%016llx\"\n"
			"    best: %s\n    cycles: [%llu, %llu, %llu, %llu]\n",
			e[i].vs_units, e[i].vs_width, hw_sched_name(e[i].scheduler), workload_cell_name(e[i].cell),
			e[i].input_size, e[i].hidden_size, e[i].timesteps, e[i].batch,
			(unsigned long long)e[i].layer_key, hw_tile_name(e[i].best), (unsigned long long)e[i].cycles[0],
			(unsigned long long)e[i].cycles[1], (unsigned long long)e[i].cycles[2],
			(unsigned long long)e[i].cycles[3]);
	fclose(f);
	ck_assert_msg(config_load_tile_table(fast, &a, &err) == SIM_OK, "%s", err.msg);
	ck_assert_msg(config_load_tile_table(slow, &b, &err) == SIM_OK, "%s", err.msg);
	ck_assert(a.n == 3 && b.n == 3 && a.has_key && b.has_key && a.timing_key == b.timing_key);
	for (int i = 0; i < 3; i++) {
		const tile_entry_t *x = &a.e[i], *y = &b.e[i];
		ck_assert(x->vs_units == y->vs_units && x->vs_width == y->vs_width && x->scheduler == y->scheduler &&
			  x->cell == y->cell && x->input_size == y->input_size && x->hidden_size == y->hidden_size &&
			  x->timesteps == y->timesteps && x->batch == y->batch && x->layer_key == y->layer_key &&
			  x->best == y->best && !memcmp(x->cycles, y->cycles, sizeof x->cycles));
		ck_assert(x->vs_units == e[i].vs_units && x->timesteps == e[i].timesteps &&
			  x->layer_key == e[i].layer_key && x->cycles[2] == e[i].cycles[2] && x->best == e[i].best);
	}
	config_tile_table_free(&a);
	config_tile_table_free(&b);
	/* The writer's form with one bad value: refused where it stands. */
	f = fopen(slow, "w");
	fprintf(f, "hw: \"x\"\nentries:\n  - {vs_units: 1, vs_width: 1, scheduler: batch, cell: gru, "
		   "input_size: 0, hidden_size: 1, timesteps: 1, batch: 1, layer_key: \"0x0000000000000000\", "
		   "best: config1, cycles: [-1, 0, 0, 0]}\n");
	fclose(f);
	ck_assert_int_eq(config_load_tile_table(slow, &a, &err), SIM_EINPUT);
	check_msg(&err, slow, ":3:173: value '-1' of entries[0].cycles[0] is out of range");
	f = fopen(slow, "w");
	fprintf(f, "hw: \"x\"\nhw: \"y\"\nentries: []\n");
	fclose(f);
	ck_assert_int_eq(config_load_tile_table(slow, &a, &err), SIM_EINPUT);
	check_msg(&err, slow, ":2:");
	unlink(fast);
	unlink(slow);
	rmdir(dir);
}
END_TEST

/* Reads a whole small file into a string (the caller frees it). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = 0;
	fclose(f);
	return s;
}

/* ---- the config memo ---- */

static void put_file(const char *path, const char *text)
{
	test_put_file(path, text, strlen(text));
}

/* A workload as config_dump_workload writes it, with its path and where
 * each layer starts. */
static char *wl_text(const workload_t *w)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", w->path);
	config_dump_workload(f, w);
	for (size_t i = 0; i < w->n_layers; i++)
		fprintf(f, "%d:%d\n", w->layers[i].line, w->layers[i].col);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* The memo's hardware config equals config_load_hw's, byte for byte. */
static void memo_hw_agrees(config_memo_t *m, const char *path, const char *const *ov, size_t n, hw_cfg_t *a)
{
	hw_cfg_t b;
	sim_err_t e1 = { 0 }, e2 = { 0 };
	ck_assert_msg(config_memo_hw(m, path, ov, n, a, &e1) == SIM_OK, "%s", e1.msg);
	ck_assert_msg(config_load_hw(path, ov, n, &b, &e2) == SIM_OK, "%s", e2.msg);
	ck_assert(!memcmp(a, &b, sizeof b));
}

static void memo_wl_agrees(config_memo_t *m, const char *path, workload_t *out)
{
	workload_t b;
	sim_err_t e1 = { 0 }, e2 = { 0 };
	ck_assert_msg(config_memo_workload(m, path, NULL, 0, out, &e1) == SIM_OK, "%s", e1.msg);
	ck_assert_msg(config_load_workload(path, NULL, 0, &b, &e2) == SIM_OK, "%s", e2.msg);
	char *x = wl_text(out), *y = wl_text(&b);
	ck_assert_str_eq(x, y);
	free(x);
	free(y);
	workload_free(&b);
}

/* A sweep worker's memo serves a config again only for the same path,
 * overrides and file bytes: an edit that keeps the file's size (and could
 * keep its time stamp) is seen at once, and what it serves (the config, a
 * workload the caller may change) is what loading gives. */
START_TEST(config_memo_serves_identical_input_only)
{
	char dir[200];
	test_tmpdir(dir, sizeof dir, "cmemo");
	char hp[256], wp[256];
	snprintf(hp, sizeof hp, "%s/hw.yaml", dir);
	snprintf(wp, sizeof wp, "%s/wl.yaml", dir);
	put_file(hp, "name: m\nwatchdog_cycles: 1000000\n");
	put_file(wp, "name: w\nlayers:\n  - cell: lstm\n    input_size: 64\n    hidden_size: 64\n    timesteps: 5\n");
	config_memo_t *m = config_memo_create();
	ck_assert_ptr_nonnull(m);
	const char *ov1[] = { "scheduler=batch" }, *ov2[] = { "scheduler=intergate" };
	hw_cfg_t hw;
	for (int k = 0; k < 2; k++) { /* loaded, then kept */
		memo_hw_agrees(m, hp, ov1, 1, &hw);
		ck_assert_int_eq(hw.scheduler, SCHED_KIND_BATCH);
		ck_assert_uint_eq(hw.watchdog, 1000000);
		memo_hw_agrees(m, hp, ov2, 1, &hw);
		ck_assert_int_eq(hw.scheduler, SCHED_KIND_INTERGATE);
		memo_hw_agrees(m, hp, NULL, 0, &hw);
	}
	/* the same size, other bytes; then the first bytes again */
	put_file(hp, "name: m\nwatchdog_cycles: 2000000\n");
	memo_hw_agrees(m, hp, ov1, 1, &hw);
	ck_assert_uint_eq(hw.watchdog, 2000000);
	put_file(hp, "name: m\nwatchdog_cycles: 1000000\n");
	memo_hw_agrees(m, hp, ov1, 1, &hw);
	ck_assert_uint_eq(hw.watchdog, 1000000);

	workload_t w, w2;
	memo_wl_agrees(m, wp, &w);
	w.layers[0].hidden_size = 7; /* the caller's copy */
	memo_wl_agrees(m, wp, &w2);
	ck_assert_uint_eq(w2.layers[0].hidden_size, 64);
	workload_free(&w);
	workload_free(&w2);
	put_file(wp, "name: w\nlayers:\n  - cell: lstm\n    input_size: 64\n    hidden_size: 32\n    timesteps: 5\n");
	memo_wl_agrees(m, wp, &w);
	ck_assert_uint_eq(w.layers[0].hidden_size, 32);
	workload_free(&w);

	/* A file that is gone (or fails) is the loader's error, word for word. */
	unlink(hp);
	sim_err_t e1 = { 0 }, e2 = { 0 };
	ck_assert_int_eq(config_memo_hw(m, hp, ov1, 1, &hw, &e1), SIM_EINPUT);
	ck_assert_int_eq(config_load_hw(hp, ov1, 1, &hw, &e2), SIM_EINPUT);
	ck_assert_str_eq(e1.msg, e2.msg);
	put_file(hp, "name: m\nwatchdog_cycles: many\n");
	ck_assert_int_eq(config_memo_hw(m, hp, ov1, 1, &hw, &e1), SIM_EINPUT);
	ck_assert_int_eq(config_load_hw(hp, ov1, 1, &hw, &e2), SIM_EINPUT);
	ck_assert_str_eq(e1.msg, e2.msg);
	put_file(wp, "name: w\nlayers: 3\n");
	workload_t bad = { 0 };
	ck_assert_int_eq(config_memo_workload(m, wp, NULL, 0, &bad, &e1), SIM_EINPUT);
	ck_assert_int_eq(config_load_workload(wp, NULL, 0, &bad, &e2), SIM_EINPUT);
	ck_assert_str_eq(e1.msg, e2.msg);
	config_memo_destroy(m);
	unlink(hp);
	unlink(wp);
	rmdir(dir);
}
END_TEST

static bool tile_entry_eq(const tile_entry_t *x, const tile_entry_t *y)
{
	return x->vs_units == y->vs_units && x->vs_width == y->vs_width && x->scheduler == y->scheduler &&
	       x->cell == y->cell && x->input_size == y->input_size && x->hidden_size == y->hidden_size &&
	       x->timesteps == y->timesteps && x->batch == y->batch && x->layer_key == y->layer_key &&
	       x->best == y->best && !memcmp(x->cycles, y->cycles, sizeof x->cycles);
}

/* Every committed table is in the fast path's form, and the fast path
 * reads it to the table the YAML loader reads from the same bytes; a bad
 * value in any one entry (the middle one here: not the one a run needs)
 * refuses the whole table at that value's line and column, the line counted
 * from the file's own lines. */
START_TEST(tile_table_fast_path_every_committed_table)
{
	char dir[200];
	test_tmpdir(dir, sizeof dir, "tcommit");
	char slow[256];
	snprintf(slow, sizeof slow, "%s/slow.yaml", dir);
	DIR *dd = opendir("configs/tiles");
	ck_assert_ptr_nonnull(dd);
	struct dirent *de;
	int tables = 0;
	while ((de = readdir(dd))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		char path[300]; /* a d_name of up to 255 bytes */
		snprintf(path, sizeof path, "configs/tiles/%s", de->d_name);
		char *text = slurp(path);
		sim_err_t err = { 0 };
		tile_table_t a, b;
		ck_assert_msg(config_load_tile_table_plain(path, &a), "%s: not in the fast path's form", path);
		ck_assert_msg(a.n > 100 && a.has_key, "%s: %zu entries", path, a.n);
		ck_assert_msg(config_load_tile_table_yaml(path, &b, &err) == SIM_OK, "%s", err.msg);
		ck_assert(a.n == b.n && a.has_key == b.has_key && a.timing_key == b.timing_key);
		for (size_t i = 0; i < a.n; i++)
			ck_assert_msg(tile_entry_eq(&a.e[i], &b.e[i]), "%s: entry %zu differs", path, i);
		config_tile_table_free(&b);
		/* the writer's form with the middle entry's hidden_size 0 */
		size_t lines = 0, mid_line = 0, entry = 0, col = 0;
		for (char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
			lines++;
			if (!strncmp(p, "  - {", 5) && entry++ == a.n / 2)
				mid_line = lines;
		}
		ck_assert_uint_eq(entry, a.n);
		FILE *f = fopen(slow, "w");
		lines = 0;
		for (char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
			if (++lines == mid_line) {
				char *h = strstr(p, "hidden_size: ") + strlen("hidden_size: ");
				col = (size_t)(h - p) + 1;
				fprintf(f, "%.*s0", (int)(h - p), p);
				p = h + strspn(h, "0123456789");
			}
			fprintf(f, "%.*s", (int)(nl - p + 1), p);
		}
		fclose(f);
		ck_assert_int_eq(config_load_tile_table(slow, &b, &err), SIM_EINPUT);
		char where[320], what[96];
		snprintf(where, sizeof where, "%s:%zu:%zu: ", slow, mid_line, col);
		snprintf(what, sizeof what, "value '0' of entries[%zu].hidden_size is out of range", a.n / 2);
		check_msg(&err, where, what);
		config_tile_table_free(&a);
		free(text);
		tables++;
	}
	closedir(dd);
	ck_assert_int_ge(tables, 5);
	unlink(slow);
	rmdir(dir);
}
END_TEST

START_TEST(tile_table_round_trip)
{
	char dir[200];
	test_tmpdir(dir, sizeof dir, "tiles");
	char path[256];
	snprintf(path, sizeof path, "%s/sharp-4k.yaml", dir);
	tile_table_t t = { (tile_entry_t *)tile_samples, 2, true, 0xfedcba9876543210ull }, r;
	sim_err_t err = { 0 };
	ck_assert_msg(config_write_tile_table(path, "sharp-4k", &t, &err) == SIM_OK, "%s", err.msg);
	ck_assert_msg(config_load_tile_table(path, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.n, 2);
	ck_assert(r.has_key && r.timing_key == 0xfedcba9876543210ull);
	const tile_entry_t *hit = config_tile_lookup(&r, 4096, 16, SCHED_KIND_BATCH, 0xffffffffffffffffull);
	ck_assert_ptr_nonnull(hit);
	ck_assert_int_eq(hit->best, TILE_CONFIG1);
	ck_assert(hit->cycles[2] == UINT64_MAX && hit->cycles[3] == 12);
	ck_assert(hit->timesteps == 1 && hit->batch == 4 && hit->hidden_size == 1024);
	ck_assert_ptr_null(config_tile_lookup(&r, 128, 32, SCHED_KIND_BATCH, 0x1234));
	ck_assert_ptr_nonnull(config_tile_lookup(&r, 128, 32, SCHED_KIND_UNFOLDED, 0x1234));
	config_tile_table_free(&r);
	/* Nothing but the table is left in the directory (no temp file). */
	DIR *dd = opendir(dir);
	struct dirent *de;
	size_t files = 0;
	while ((de = readdir(dd)))
		files += de->d_name[0] != '.';
	closedir(dd);
	ck_assert_uint_eq(files, 1);
	/* An empty table round-trips too. */
	tile_table_t none = { NULL, 0, false, 0 };
	ck_assert_int_eq(config_write_tile_table(path, "x", &none, &err), SIM_OK);
	ck_assert_int_eq(config_load_tile_table(path, &r, &err), SIM_OK);
	ck_assert_uint_eq(r.n, 0);
	ck_assert(!r.has_key); /* an old-format table: no timing_key line */
	/* A key that is not 0x and hex is refused where it stands. */
	FILE *bad = fopen(path, "w");
	fputs("hw: x\ntiming_key: \"12zz\"\nentries: []\n", bad);
	fclose(bad);
	ck_assert_int_eq(config_load_tile_table(path, &r, &err), SIM_EINPUT);
	check_msg(&err, path, "timing_key is '12zz', expected 0x and 16 hex digits");
	unlink(path);
	rmdir(dir);
	/* A directory that does not exist cannot be written: the path is the
	 * user's input, so an input error (exit 2). */
	ck_assert_int_eq(config_write_tile_table("/nonexistent-dir/t.yaml", "x", &t, &err), SIM_EINPUT);
	check_msg(&err, "/nonexistent-dir/t.yaml: cannot write: ", "No such file");
}
END_TEST

/* A one-word text skips libyaml (ydoc_load_string's fast path): the tree
 * is the one libyaml builds for the same word with a newline after it, and
 * a wrong value is worded alike; so is "" (the parameter table's empty
 * defaults), a quoted empty scalar. Words that are not plain scalars of
 * their own text ("-", "---", "...", "[]", "a: b") are parsed as before. */
START_TEST(ydoc_one_word_as_libyaml)
{
	static const char *const words[] = { "4",    "-5",   "0.5", ".5",   "lstm",	"config4", "true",
					     "null", "1e-3", "a+b", "x_y",  "Sharp-4K", "-1e5",	   "0x1f",
					     "-",    "---",  "...", "[]",   "a: b",	"~",	   "-x",
					     ".x",   "+5",   "'q'", "\"\"", "\"" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		char nl[64];
		snprintf(nl, sizeof nl, "%s\n", words[i]);
		ydoc_t *a = NULL, *b = NULL;
		sim_err_t ea = { 0 }, eb = { 0 };
		int ra = ydoc_load_string("w", words[i], strlen(words[i]), &a, &ea);
		int rb = ydoc_load_string("w", nl, strlen(nl), &b, &eb);
		ck_assert_int_eq(ra, rb);
		if (ra) {
			ck_assert_str_eq(ea.msg, eb.msg);
			continue;
		}
		const ydoc_node_t *x = ydoc_root(a), *y = ydoc_root(b);
		ck_assert_int_eq(x ? (int)ydoc_kind(x) : -1, y ? (int)ydoc_kind(y) : -1);
		if (x && ydoc_kind(x) == YDOC_SCALAR) {
			ck_assert_str_eq(ydoc_scalar(x), ydoc_scalar(y));
			ck_assert(ydoc_quoted(x) == ydoc_quoted(y) && ydoc_line(x) == ydoc_line(y) &&
				  ydoc_col(x) == ydoc_col(y));
			uint64_t u = 0, v = 0;
			ra = ydoc_as_u64(a, x, 1, 100, &u, &ea);
			rb = ydoc_as_u64(b, y, 1, 100, &v, &eb);
			ck_assert(ra == rb && u == v && (!ra || !strcmp(ea.msg, eb.msg)));
		}
		ydoc_free(a);
		ydoc_free(b);
	}
}
END_TEST

/* ydoc's plain block reader builds the tree libyaml's events build, marks
 * included, for every committed YAML file it takes, and it takes every
 * hardware preset and every DeepBench workload (so a run never starts
 * libyaml for them). Hand-written documents: the shapes it takes (nested
 * maps, a sequence of maps, "" and "x y" strings, values with comments,
 * UTF-8 in a comment) agree with libyaml; the shapes it gives up on (a tab,
 * a key with no value, a value continued on the next line, a sequence not
 * indented under its key, flow, quotes with escapes, a carriage return,
 * UTF-8 outside a comment, a duplicate key) are left to libyaml, so what a
 * user sees for them is libyaml's reading or error. */
static void plain_agrees(const char *name, const char *text, size_t len, bool want_plain)
{
	ydoc_t *a = NULL, *b = NULL;
	sim_err_t err = { 0 };
	bool plain = ydoc_load_plain(name, text, len, &a);
	ck_assert_msg(plain == want_plain, "%s: plain reader %s", name, plain ? "took it" : "gave up");
	if (!plain)
		return;
	ck_assert_msg(ydoc_load_libyaml(name, text, len, &b, &err) == SIM_OK, "%s: %s", name, err.msg);
	ck_assert_msg(ydoc_equal(a, b), "%s: trees differ", name);
	ydoc_free(a);
	ydoc_free(b);
}

START_TEST(ydoc_plain_as_libyaml)
{
	static const char *const dirs[] = { "configs",	       "configs/tech",
					    "configs/tiles",   "workloads/deepbench",
					    "workloads/paper", "workloads/cells",
					    "examples",	       FIX };
	int taken = 0;
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		DIR *dd = opendir(dirs[i]);
		if (!dd)
			continue;
		struct dirent *de;
		while ((de = readdir(dd))) {
			size_t len = strlen(de->d_name);
			if (len < 5 || strcmp(de->d_name + len - 5, ".yaml"))
				continue;
			char path[512];
			snprintf(path, sizeof path, "%s%s%s", dirs[i], dirs[i][strlen(dirs[i]) - 1] == '/' ? "" : "/",
				 de->d_name);
			char *text = slurp(path);
			ydoc_t *a = NULL;
			bool plain = ydoc_load_plain(path, text, strlen(text), &a);
			ydoc_free(a);
			bool must = (!strcmp(dirs[i], "configs") && !strncmp(de->d_name, "sharp-", 6)) ||
				    !strcmp(dirs[i], "workloads/deepbench");
			ck_assert_msg(plain || !must, "%s: the plain reader gave up", path);
			if (plain)
				plain_agrees(path, text, strlen(text), true), taken++;
			free(text);
		}
		closedir(dd);
	}
	ck_assert_int_ge(taken, 60);
	static const struct {
		const char *text;
		bool plain;
	} docs[] = {
		{ "# c\nname: x   # 133 mm\xc2\xb2\ncompute:\n  vs_units: 8\n  tile_table: \"\"\n  s: \"a b/c\"\n"
		  "mem:\n  wb:\n    bytes: 2MiB\n  x: -1.5\ntop: .5\n",
		  true },
		{ "name: w\nlayers:\n  - cell: lstm\n    hidden_size: 8\n\n  - cell: gru\n    # c\n    x: +3\n"
		  "other: 1\n",
		  true },
		{ "a:\n    - 1\n    - b\n", true },
		{ "l:\n  -   a: 1\n      b: 2\n  - c: 3\n", true },
		{ "a: 1\n\tb: 2\n", false },
		{ "a:\nb: 1\n", false },
		{ "a: 1\n  2\n", false },
		{ "a:\n- 1\n", false },
		{ "a: [1, 2]\n", false },
		{ "a: \"x\\ty\"\n", false },
		{ "a: 1\r\n", false },
		{ "a: \xc2\xb2\n", false },
		{ "a: 1\na: 2\n", false },
		{ "a: b c\n", false },
		{ "a: 1#c\n", false },
		{ "---\na: 1\n", false },
		{ "a: &x 1\n", false },
		{ "  a: 1\n", false },
		{ "a: 1\n", true },
		{ "a: 1", true },
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "doc%zu", i);
		plain_agrees(name, docs[i].text, strlen(docs[i].text), docs[i].plain);
	}
	/* what the loader gives for a document the plain reader leaves */
	ydoc_t *d = NULL;
	sim_err_t err = { 0 };
	ck_assert_int_eq(ydoc_load_string("dup", "a: 1\na: 2\n", 10, &d, &err), SIM_EINPUT);
	check_msg(&err, "dup:2:1: ", "duplicate key 'a' (first at line 1)");
}
END_TEST

/* ydoc_decimal reads every decimal to the double strtod gives, bit for bit:
 * its exact fast path (up to 15 digits, |10^e| <= 22) and its fallback, on
 * the edges of both (16 digits, 10^23, leading and trailing zeros, signs)
 * and on 200,000 pseudo-random decimals of 1 to 20 digits, a point anywhere
 * and an exponent from -30 to 30. */
static void decimal_agrees(const char *s)
{
	double v = 0;
	ck_assert_msg(ydoc_decimal(s, &v), "'%s' refused", s);
	double w = strtod(s, NULL);
	ck_assert_msg(!memcmp(&v, &w, sizeof v), "'%s': %.17g, strtod %.17g", s, v, w);
}

START_TEST(ydoc_decimal_is_strtod)
{
	static const char *const edge[] = { "0",
					    "-0",
					    "+0.0",
					    "0.5",
					    ".5",
					    "5.",
					    "0.00051907",
					    "1e22",
					    "1e23",
					    "9e-22",
					    "1e-23",
					    "123456789012345",
					    "1234567890123456",
					    "0.1",
					    "0.3",
					    "4194304",
					    "1.7976931348623157e308",
					    "000000000000000000001.5",
					    "1.50000000000000000000",
					    "2.2250738585072014e-308" };
	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
		decimal_agrees(edge[i]);
	double v;
	ck_assert(!ydoc_decimal("1e400", &v) && !ydoc_decimal("0x10", &v) && !ydoc_decimal("inf", &v) &&
		  !ydoc_decimal("1e", &v) && !ydoc_decimal("", &v));
	uint64_t x = 88172645463325252ull;
	for (int n = 0; n < 200000; n++) {
		char s[64];
		size_t k = 0;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (x & 1)
			s[k++] = '-';
		int digits = 1 + (int)((x >> 8) % 20), point = (int)((x >> 16) % (uint64_t)(digits + 2));
		for (int i = 0; i < digits; i++) {
			if (i == point)
				s[k++] = '.';
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			s[k++] = (char)('0' + x % 10);
		}
		if ((x >> 24) & 1)
			k += (size_t)snprintf(s + k, sizeof s - k, "e%d", (int)((x >> 32) % 61) - 30);
		s[k] = 0;
		decimal_agrees(s);
	}
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *hw_bad = tcase_create("hw_errors");
	tcase_add_test(hw_bad, hw_malformed_yaml);
	tcase_add_test(hw_bad, hw_unknown_key_suggests);
	tcase_add_test(hw_bad, hw_wrong_type);
	tcase_add_test(hw_bad, hw_out_of_range);
	tcase_add_test(hw_bad, hw_bad_enum);
	tcase_add_test(hw_bad, hw_duplicate_key);
	tcase_add_test(hw_bad, hw_missing_file);
	tcase_add_test(hw_bad, hw_rejected_yaml_features);
	tcase_add_test(hw_bad, hw_inconsistent_tile);
	tcase_add_test(hw_bad, hw_inconsistent_other);
	tcase_add_test(hw_bad, hw_bad_option);
	suite_add_tcase(s, hw_bad);

	TCase *hw_good = tcase_create("hw_load");
	tcase_add_test(hw_good, hw_defaults_load);
	tcase_add_test(hw_good, hw_presets);
	tcase_add_test(hw_good, hw_partial_file_and_overrides);
	tcase_add_test(hw_good, hw_dump_round_trip);
	tcase_add_test(hw_good, hw_hash);
	tcase_add_test(hw_good, hw_help_lists_every_key);
	tcase_add_test(hw_good, hw_table_sections_contiguous);
	suite_add_tcase(s, hw_good);

	TCase *yd = tcase_create("ydoc");
	tcase_add_test(yd, ydoc_decimal_is_strtod);
	tcase_add_test(yd, ydoc_one_word_as_libyaml);
	tcase_add_test(yd, ydoc_plain_as_libyaml);
	tcase_add_test(yd, ydoc_sizes);
	tcase_add_test(yd, ydoc_edit_distances);
	tcase_add_test(yd, ydoc_tree_and_marks);
	suite_add_tcase(s, yd);

	TCase *wl = tcase_create("workload");
	tcase_add_test(wl, wl_errors);
	tcase_add_test(wl, wl_bad_option);
	tcase_add_test(wl, wl_examples);
	tcase_add_test(wl, wl_deepbench);
	tcase_add_test(wl, wl_dump_round_trip_and_hash);
	tcase_add_test(wl, wl_macs_saturate);
	suite_add_tcase(s, wl);

	TCase *tt = tcase_create("tile_table");
	tcase_add_test(tt, tile_table_round_trip);
	tcase_add_test(tt, timing_key_follows_timing);
	tcase_add_test(tt, layer_key_follows_timing);
	tcase_add_test(tt, tile_table_fast_path_agrees);
	tcase_add_test(tt, tile_table_fast_path_every_committed_table);
	tcase_add_test(tt, tile_cache_hits_and_reloads);
	tcase_add_test(tt, config_memo_serves_identical_input_only);
	suite_add_tcase(s, tt);
	return s;
}
