/*
 * energy.c - the energy, power and area model (docs/energy.md).
 *
 * Structure of the model (the numbers are all in the technology table):
 *
 *   node scaling   a table states its per-event energies and unit areas at
 *                  node.from_nm / node.vdd_from (Horowitz's 45 nm table) and
 *                  they are moved to node.to_nm / node.vdd_to by
 *                    energy x (to/from) x (vdd_to/vdd_from)^2   (E ~ C V^2, C ~ L)
 *                    area   x (to/from)^2
 *                  DRAM is a separate chip and is not scaled.
 *   SRAM banks     read and write energy per access, leakage and area of
 *                  one bank of C bytes with a w-bit port come from the
 *                  table's CACTI 7 rows (sram.banks), already at the target
 *                  node (no node scaling): exact on a row, log-log
 *                  interpolated between the two tabulated capacities around
 *                  C at each of the two tabulated ports around w, then
 *                  between the two ports; beyond the first or last row the
 *                  end segment's power law is extended (sram_bank()).
 *   leakage        SRAM: the banks' CACTI leakage x area_scale; other
 *                  classes: area x leakage density of the class.
 *   calibration    each class's dynamic energy is multiplied by its
 *                  energy_scale, each class's area by its area_scale (so its
 *                  leakage follows its calibrated area).
 *
 * Components, their events (counters of core/run.h) and instances:
 *
 *   compute  mult     useful MACs; padded MACs (issued - useful) at
 *                     padded_mac_factor (0: padded lanes are clock-gated)
 *                     N*K fp16 multipliers, each with a 32-bit output register
 *            tree     tree.adds fp32 adds (two real inputs only: padded
 *                     lanes are gated zeros); K*(N-1) fp32 adders, each with a
 *                     32-bit output register (one tree level per cycle)
 *            acc      acc.adds fp32 adds; 8K adders (Config1's partial sums)
 *                     and accumulators x 8K fp32 registers
 *            wreg     the VS units' weight operand registers (N*K fp16, one
 *                     stage): every K-wide row read from the weight buffer
 *                     is latched there
 *            (mult)   approx.scale_mults: a progressive layer's sigma * s, an
 *                     fp32 multiply with its 32-bit register (only on runs
 *                     with such a layer)
 *            fifo_preact  pushes and pops of the accumulator -> MFU FIFO
 *            dcmp     dcmp.weights: weights the decompression unit expands
 *                     (compressed or sparse layers only); area not modelled
 *   sram     wbuf     row reads of K fp16 weights from a bank of
 *                     bytes/banks; writes per byte
 *            ihbuf    fp16 elements: the cell updater's h writes (and
 *                     reads), the VS array's operand reads (one per real
 *                     tile column, broadcast to the column's row groups)
 *                     and the first layer's x_t writes; N banks, ping-pong
 *                     halves
 *            cellbuf  fp32 elements; one bank per half (double-buffered)
 *            interbuf fp32 elements; one bank per half when double-buffered
 *            gatebuf  fp32 elements; one bank of sram.gatebuf_bytes
 *                     (or the run's peak occupancy)
 *            Ports: wbuf K*16 bits (a row; priced per byte as 1/(2K) of a
 *            row access), ihbuf 16 bits, the fp32 buffers 32 bits: one
 *            priced event is one access of the bank's port.
 *   act      mfu      each activation function at its own price (sigmoid,
 *                     tanh and the nine others of ONNX's list,
 *                     docs/hardware.md §2.4), a value passed on without
 *                     one (pass_pj: fc, the peephole LSTM's i f o, LSTMP's
 *                     projection), bias adds; a softmax's max comparisons,
 *                     exps and reciprocals (only on runs with one)
 *            cell     fp16 mults, fp32 adds, tanh (sigmoids too: on its
 *                     tanh units), the other functions at their own
 *                     prices; cell_updater.lanes lanes
 *            fifo_act pushes and pops, when the cycle model has this FIFO
 *   ctrl     ctrl     per tile and VS unit (addresses to the banks), per
 *                     block, per cycle
 *            reconfig per tile-config switch; muxes on 8K tree outputs
 *   dram     dram     bytes read; background power over the run
 */
#include "energy.h"

#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../arith/act.h"
#include "../common/datadir.h"
#include "../common/json.h"
#include "../core/resolve.h"
#include "../config/params.h"
#include "../config/ydoc.h"

/* One CACTI bank of the table: a bank of `bytes` with a `bits`-wide port. */
typedef struct sram_row {
	double bytes, bits;
	double read_pj, write_pj, leak_mw, area_mm2;
} sram_row_t;

/* The shipped table has 126 rows; a table with more is refused. */
#define SRAM_ROWS_MAX 512

/* Every number of the table, flat; the parser table below names each one. */
struct energy_tech {
	char name[128];
	double from_nm, to_nm, vdd_from, vdd_to;

	double c_fmul16_pj, c_fadd32_pj, c_reg_pj_per_bit, c_padded_mac_factor, c_decompress_pj;
	double c_fmul32_pj, c_imul8_pj, c_imul32_pj; /* the other multiplier widths (mul_price) */
	double c_fmul16_um2, c_fadd32_um2, c_reg_um2_per_bit;
	double c_leak_w_mm2, c_energy_scale, c_area_scale;

	double s_gatebuf_bytes, s_energy_scale, s_area_scale;
	double s_node_nm; /* sram.banks.node_nm: the rows' node */
	size_t s_n_rows;  /* sorted by (bits, bytes), no duplicate */
	sram_row_t s_rows[SRAM_ROWS_MAX];

	double a_sigmoid_pj, a_tanh_pj, a_bias_add_pj, a_cell_mult_pj, a_cell_add_pj;
	/* the other functions, in act_fn_t order from ACT_RELU; a pass */
	double a_fn_pj[ACT_N_FN - 2], a_pass_pj;
	double a_mfu_unit_um2, a_cell_lane_um2;
	double a_leak_w_mm2, a_energy_scale, a_area_scale;

	double k_tile_pj_per_vs, k_block_pj, k_cycle_pj, k_reconfig_pj;
	double k_base_um2, k_per_vs_um2, k_reconfig_um2_per_lane;
	double k_leak_w_mm2, k_energy_scale, k_area_scale;

	double d_pj_per_bit, d_background_w, d_energy_scale;
};

typedef struct tech_field {
	const char *key;
	size_t off;
	double min, max;
} tech_field_t;

#define F(k, member, lo, hi)                                    \
	{                                                       \
		k, offsetof(struct energy_tech, member), lo, hi \
	}
#define BIG 1e12

static const tech_field_t tech_node[] = { F("from_nm", from_nm, 1, 1000),
					  F("to_nm", to_nm, 1, 1000),
					  F("vdd_from", vdd_from, 0.1, 5),
					  F("vdd_to", vdd_to, 0.1, 5),
					  { NULL, 0, 0, 0 } };
static const tech_field_t tech_compute[] = { F("fmul16_pj", c_fmul16_pj, 0, BIG),
					     F("fadd32_pj", c_fadd32_pj, 0, BIG),
					     F("reg_pj_per_bit", c_reg_pj_per_bit, 0, BIG),
					     F("padded_mac_factor", c_padded_mac_factor, 0, 1),
					     F("decompress_pj_per_weight", c_decompress_pj, 0, BIG),
					     F("fmul32_pj", c_fmul32_pj, 0, BIG),
					     F("imul8_pj", c_imul8_pj, 1e-9, BIG),
					     F("imul32_pj", c_imul32_pj, 1e-9, BIG),
					     F("fmul16_um2", c_fmul16_um2, 0, BIG),
					     F("fadd32_um2", c_fadd32_um2, 0, BIG),
					     F("reg_um2_per_bit", c_reg_um2_per_bit, 0, BIG),
					     F("leakage_w_per_mm2", c_leak_w_mm2, 0, BIG),
					     F("energy_scale", c_energy_scale, 0, BIG),
					     F("area_scale", c_area_scale, 0, BIG),
					     { NULL, 0, 0, 0 } };
static const tech_field_t tech_sram[] = { F("gatebuf_bytes", s_gatebuf_bytes, 1, BIG),
					  F("energy_scale", s_energy_scale, 0, BIG),
					  F("area_scale", s_area_scale, 0, BIG),
					  { NULL, 0, 0, 0 } };
static const tech_field_t tech_act[] = { F("sigmoid_pj", a_sigmoid_pj, 0, BIG),
					 F("tanh_pj", a_tanh_pj, 0, BIG),
					 F("relu_pj", a_fn_pj[ACT_RELU - 2], 0, BIG),
					 F("leaky_relu_pj", a_fn_pj[ACT_LEAKY_RELU - 2], 0, BIG),
					 F("hard_sigmoid_pj", a_fn_pj[ACT_HARD_SIGMOID - 2], 0, BIG),
					 F("affine_pj", a_fn_pj[ACT_AFFINE - 2], 0, BIG),
					 F("thresholded_relu_pj", a_fn_pj[ACT_THRESHOLDED_RELU - 2], 0, BIG),
					 F("softsign_pj", a_fn_pj[ACT_SOFTSIGN - 2], 0, BIG),
					 F("scaled_tanh_pj", a_fn_pj[ACT_SCALED_TANH - 2], 0, BIG),
					 F("elu_pj", a_fn_pj[ACT_ELU - 2], 0, BIG),
					 F("softplus_pj", a_fn_pj[ACT_SOFTPLUS - 2], 0, BIG),
					 F("pass_pj", a_pass_pj, 0, BIG),
					 F("bias_add_pj", a_bias_add_pj, 0, BIG),
					 F("cell_mult_pj", a_cell_mult_pj, 0, BIG),
					 F("cell_add_pj", a_cell_add_pj, 0, BIG),
					 F("mfu_unit_um2", a_mfu_unit_um2, 0, BIG),
					 F("cell_lane_um2", a_cell_lane_um2, 0, BIG),
					 F("leakage_w_per_mm2", a_leak_w_mm2, 0, BIG),
					 F("energy_scale", a_energy_scale, 0, BIG),
					 F("area_scale", a_area_scale, 0, BIG),
					 { NULL, 0, 0, 0 } };
static const tech_field_t tech_ctrl[] = { F("tile_pj_per_vs", k_tile_pj_per_vs, 0, BIG),
					  F("block_pj", k_block_pj, 0, BIG),
					  F("cycle_pj", k_cycle_pj, 0, BIG),
					  F("reconfig_pj", k_reconfig_pj, 0, BIG),
					  F("base_um2", k_base_um2, 0, BIG),
					  F("per_vs_um2", k_per_vs_um2, 0, BIG),
					  F("reconfig_um2_per_lane", k_reconfig_um2_per_lane, 0, BIG),
					  F("leakage_w_per_mm2", k_leak_w_mm2, 0, BIG),
					  F("energy_scale", k_energy_scale, 0, BIG),
					  F("area_scale", k_area_scale, 0, BIG),
					  { NULL, 0, 0, 0 } };
static const tech_field_t tech_dram[] = { F("pj_per_bit", d_pj_per_bit, 0, BIG),
					  F("background_w", d_background_w, 0, BIG),
					  F("energy_scale", d_energy_scale, 0, BIG),
					  { NULL, 0, 0, 0 } };

#undef F

/* A section's numbers, and the one key that is not a number (NULL: none),
 * parsed by its own function. */
typedef struct tech_section {
	const char *name;
	const tech_field_t *fields;
	const char *table_key;
} tech_section_t;

static const tech_section_t tech_sections[] = {
	{ "node", tech_node, NULL }, { "compute", tech_compute, NULL }, { "sram", tech_sram, "banks" },
	{ "act", tech_act, NULL },   { "ctrl", tech_ctrl, NULL },	{ "dram", tech_dram, NULL },
};
#define N_SECTIONS (sizeof tech_sections / sizeof tech_sections[0])

static int tech_parse_section(const ydoc_t *d, const ydoc_node_t *map, const tech_section_t *s, energy_tech_t *t,
			      sim_err_t *err)
{
	const char *allowed[32]; /* a section's keys: act has the most, 20 */
	size_t n = 0;
	for (; s->fields[n].key; n++)
		allowed[n] = s->fields[n].key;
	if (s->table_key)
		allowed[n++] = s->table_key;
	allowed[n] = NULL;
	int rc = ydoc_check_keys(d, map, allowed, err);
	if (rc)
		return rc;
	for (const tech_field_t *f = s->fields; f->key; f++) {
		const ydoc_node_t *v = ydoc_get(map, f->key);
		if (!v)
			return ydoc_error(d, map, err, SIM_EINPUT,
					  "section '%s' has no key '%s', expected every key of the section "
					  "(a technology table states all its numbers)",
					  s->name, f->key);
		rc = ydoc_as_double(d, v, f->min, f->max, (double *)((char *)t + f->off), err);
		if (rc)
			return rc;
	}
	return SIM_OK;
}

static int row_cmp(const void *a, const void *b)
{
	const sram_row_t *x = a, *y = b;
	if (x->bits != y->bits)
		return x->bits < y->bits ? -1 : 1;
	return x->bytes < y->bytes ? -1 : x->bytes > y->bytes;
}

/* What is wrong with a bank table, once its rows are sorted (BANKS_OK:
 * nothing); *at is the row that shows it. Shared by the YAML loader, which
 * words the error, and the fast path, which then gives the file to it. */
typedef enum { BANKS_OK, BANKS_TWICE, BANKS_ONE_CAPACITY, BANKS_ONE_PORT } banks_fault_t;

static banks_fault_t banks_sort_check(energy_tech_t *t, const sram_row_t **at)
{
	qsort(t->s_rows, t->s_n_rows, sizeof t->s_rows[0], row_cmp);
	size_t ports = 0;
	for (size_t i = 0; i < t->s_n_rows; i++) {
		const sram_row_t *r = &t->s_rows[i];
		bool first = i == 0 || r[-1].bits != r->bits;
		bool last = i + 1 == t->s_n_rows || r[1].bits != r->bits;
		*at = r;
		if (!first && r[-1].bytes == r->bytes)
			return BANKS_TWICE;
		if (first && last)
			return BANKS_ONE_CAPACITY;
		ports += first;
	}
	*at = &t->s_rows[0];
	return ports < 2 ? BANKS_ONE_PORT : BANKS_OK;
}

/* sram.banks: {node_nm, rows: [[bytes, port_bits, read_pj, write_pj,
 * leakage_mw, area_mm2], ...]}. Every number is positive (they are
 * interpolated in log-log); every port has at least two capacities and
 * there are at least two ports, so that every lookup has a segment in both
 * directions; a (bytes, port) pair appears once. */
static int tech_parse_banks(const ydoc_t *d, const ydoc_node_t *sec, energy_tech_t *t, sim_err_t *err)
{
	static const char *const keys[] = { "node_nm", "rows", NULL };
	const ydoc_node_t *b = ydoc_get(sec, "banks");
	if (!b)
		return ydoc_error(d, sec, err, SIM_EINPUT,
				  "section 'sram' has no key 'banks', expected the CACTI bank table "
				  "(node_nm and rows)");
	if (ydoc_kind(b) != YDOC_MAP)
		return ydoc_error(d, b, err, SIM_EINPUT, "sram.banks is not a map, expected node_nm and rows");
	int rc = ydoc_check_keys(d, b, keys, err);
	if (rc)
		return rc;
	const ydoc_node_t *nm = ydoc_get(b, "node_nm"), *rows = ydoc_get(b, "rows");
	if (!nm || !rows)
		return ydoc_error(d, b, err, SIM_EINPUT, "sram.banks has no '%s', expected node_nm and rows",
				  nm ? "rows" : "node_nm");
	rc = ydoc_as_double(d, nm, 1, 1000, &t->s_node_nm, err);
	if (rc)
		return rc;
	if (ydoc_kind(rows) != YDOC_SEQ || ydoc_len(rows) < 4)
		return ydoc_error(d, rows, err, SIM_EINPUT,
				  "sram.banks.rows is not a list of at least 4 rows, expected "
				  "[bytes, port_bits, read_pj, write_pj, leakage_mw, area_mm2] rows");
	if (ydoc_len(rows) > SRAM_ROWS_MAX)
		return ydoc_error(d, rows, err, SIM_EINPUT, "sram.banks.rows has %zu rows, expected at most %d",
				  ydoc_len(rows), SRAM_ROWS_MAX);
	t->s_n_rows = ydoc_len(rows);
	for (size_t i = 0; i < t->s_n_rows; i++) {
		const ydoc_node_t *r = ydoc_item(rows, i);
		if (ydoc_kind(r) != YDOC_SEQ || ydoc_len(r) != 6)
			return ydoc_error(d, r, err, SIM_EINPUT,
					  "sram.banks.rows[%zu] is not a row of 6 numbers, expected "
					  "[bytes, port_bits, read_pj, write_pj, leakage_mw, area_mm2]",
					  i);
		double v[6];
		for (size_t j = 0; j < 6; j++) {
			rc = ydoc_as_double(d, ydoc_item(r, j), 1e-12, BIG, &v[j], err);
			if (rc)
				return rc;
		}
		t->s_rows[i] = (sram_row_t){ v[0], v[1], v[2], v[3], v[4], v[5] };
	}
	const sram_row_t *at;
	switch (banks_sort_check(t, &at)) {
	case BANKS_TWICE:
		return ydoc_error(d, rows, err, SIM_EINPUT,
				  "sram.banks.rows has two rows for %g bytes at %g bits, expected one", at->bytes,
				  at->bits);
	case BANKS_ONE_CAPACITY:
		return ydoc_error(d, rows, err, SIM_EINPUT,
				  "sram.banks.rows has one capacity for the %g-bit port, expected at "
				  "least two per port (capacities are interpolated)",
				  at->bits);
	case BANKS_ONE_PORT:
		return ydoc_error(d, rows, err, SIM_EINPUT,
				  "sram.banks.rows has one port width (%g bits), expected at least two "
				  "(port widths are interpolated)",
				  at->bits);
	case BANKS_OK:
		break;
	}
	if (t->s_node_nm != t->to_nm)
		return ydoc_error(d, nm, err, SIM_EINPUT,
				  "sram.banks.node_nm is %g but node.to_nm is %g, expected the same node "
				  "(the CACTI rows are not node-scaled)",
				  t->s_node_nm, t->to_nm);
	return SIM_OK;
}

static int tech_parse(const ydoc_t *d, energy_tech_t *t, sim_err_t *err)
{
	static const char *const root_keys[] = { "name", "node", "compute", "sram", "act", "ctrl", "dram", NULL };
	const ydoc_node_t *root = ydoc_root(d);
	int rc = ydoc_check_keys(d, root, root_keys, err);
	if (rc)
		return rc;
	const ydoc_node_t *name = ydoc_get(root, "name");
	if (!name)
		return ydoc_error(d, root, err, SIM_EINPUT, "technology table has no 'name', expected a string");
	const char *s;
	rc = ydoc_as_string(d, name, &s, err);
	if (rc)
		return rc;
	snprintf(t->name, sizeof t->name, "%s", s);
	for (size_t i = 0; i < N_SECTIONS; i++) {
		const ydoc_node_t *sec = ydoc_get(root, tech_sections[i].name);
		if (!sec)
			return ydoc_error(d, root, err, SIM_EINPUT,
					  "technology table has no section '%s', expected "
					  "node, compute, sram, act, ctrl and dram",
					  tech_sections[i].name);
		rc = tech_parse_section(d, sec, &tech_sections[i], t, err);
		if (!rc && tech_sections[i].table_key)
			rc = tech_parse_banks(d, sec, t, err);
		if (rc)
			return rc;
	}
	return SIM_OK;
}

static int tech_from_doc(ydoc_t *d, energy_tech_t **out, sim_err_t *err)
{
	energy_tech_t *t = calloc(1, sizeof *t);
	if (!t) {
		ydoc_free(d);
		return sim_err(err, SIM_ENOMEM, "out of memory loading a technology table");
	}
	int rc = tech_parse(d, t, err);
	ydoc_free(d);
	if (rc) {
		free(t);
		return rc;
	}
	*out = t;
	return SIM_OK;
}

/* The fast path.
 *
 * A table is hand-written YAML of one shape: the name and six sections of
 * "key: number" lines, comments, and sram.banks with its rows as one flow
 * list per line. Building a YAML tree of its ~1,000 scalars was a quarter
 * of a default run's instructions. The fast path reads that shape line by
 * line instead. It accepts only block keys at indents 0, 2 and 4, each
 * known key once, numbers that ydoc_is_decimal accepts within the key's
 * range, a name of plain characters, rows of six such numbers, comments
 * after a space, printable ASCII or well-formed UTF-8 of printable code
 * points, and every key present; it gives up on anything else (a bank table
 * that fails its checks too). The YAML loader then reads the file, and it
 * alone decides what is valid and says where what is not is. So the fast
 * path accepts nothing the loader would refuse, and reads what it accepts
 * as the loader would (energy_tech_load_plain; the differential test in
 * tests/test_energy.c and tests/fuzz/fuzz_tech.c hold it to that). */

typedef struct tf {
	energy_tech_t *t;
	const tech_section_t *sec; /* the section being read; NULL at the root */
	int banks;		   /* 0: not in sram.banks, 1: in it, 2: in its rows */
	unsigned sections, fields[N_SECTIONS];
	bool name, has_banks, node_nm, rows;
} tf_t;

/* Printable ASCII, or UTF-8 of code points libyaml reads as printable.
 * Eight bytes at a time while all eight are printable ASCII (most of a
 * table is comments): a word has a byte below 0x20 iff (x - 0x20..20) &
 * ~x & 0x80..80 is not zero, and a byte of 0x7f or more iff ((x +
 * 0x01..01) | x) & 0x80..80 is not zero (both exact for "some byte", the
 * classic has-less and has-more tests); a word that fails either is read
 * a byte at a time. */
static bool tf_word_printable(const unsigned char *p)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), high = UINT64_C(0x8080808080808080);
	uint64_t x;
	memcpy(&x, p, sizeof x);
	uint64_t below = (x - 0x20 * ones) & ~x, above = (x + ones) | x;
	return !((below | above) & high);
}

static bool tf_text_ok(const char *line)
{
	const unsigned char *p = (const unsigned char *)line, *end = p + strlen(line);
	while (p < end) {
		if (end - p >= 8 && tf_word_printable(p)) {
			p += 8;
			continue;
		}
		if (*p >= 0x20 && *p < 0x7f)
			p++;
		else if (!ydoc_utf8_printable(&p, end))
			return false;
	}
	return true;
}

/* The blanks at s (a loop: strspn's set setup cost more than the few
 * blanks it skipped, on every field of every row). */
static size_t tf_blanks(const char *s)
{
	size_t n = 0;
	while (s[n] == ' ')
		n++;
	return n;
}

/* One number of [min, max], the whole of text. */
static bool tf_number(const char *text, double min, double max, double *out)
{
	double v;
	if (!ydoc_decimal(text, &v) || !(v >= min && v <= max))
		return false;
	*out = v;
	return true;
}

/* "- [n, n, n, n, n, n]": a bank row. */
static bool tf_row(tf_t *f, char *s)
{
	energy_tech_t *t = f->t;
	if (*s++ != '-' || *s != ' ' || t->s_n_rows == SRAM_ROWS_MAX)
		return false;
	s += tf_blanks(s);
	size_t n = strlen(s);
	if (n < 2 || *s++ != '[' || s[n - 2] != ']') /* "[" alone has no last character after it */
		return false;
	s[n - 2] = 0;
	double v[6];
	for (int i = 0; i < 6; i++) {
		s += tf_blanks(s);
		size_t k = 0;
		while (s[k] && s[k] != ',' && s[k] != ' ')
			k++;
		char *end = s + k + tf_blanks(s + k);
		if (*end != (i < 5 ? ',' : '\0'))
			return false;
		s[k] = 0;
		if (!tf_number(s, 1e-12, BIG, &v[i]))
			return false;
		s = end + (i < 5);
	}
	t->s_rows[t->s_n_rows++] = (sram_row_t){ v[0], v[1], v[2], v[3], v[4], v[5] };
	return true;
}

/* "key:" or "key: value" at indent (0, 2 or 4), comment and trailing blanks
 * already cut. */
static bool tf_key(tf_t *f, int indent, char *s)
{
	size_t k = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");
	if (!k || s[k] != ':' || (s[k + 1] && s[k + 1] != ' '))
		return false;
	s[k] = 0;
	const char *key = s, *val = s + k + 1 + tf_blanks(s + k + 1);
	energy_tech_t *t = f->t;
	if (indent == 0) {
		f->sec = NULL;
		f->banks = 0;
		if (!strcmp(key, "name")) {
			size_t n = strspn(val, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-");
			if (f->name || !n || val[n] ||
			    !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", val[0]))
				return false;
			snprintf(t->name, sizeof t->name, "%s", val);
			return f->name = true;
		}
		for (size_t i = 0; i < N_SECTIONS; i++)
			if (!strcmp(key, tech_sections[i].name) && !*val && !(f->sections >> i & 1)) {
				f->sections |= 1u << i;
				f->sec = &tech_sections[i];
				return true;
			}
		return false;
	}
	if (indent == 2 && f->sec) {
		f->banks = 0;
		if (f->sec->table_key && !strcmp(key, f->sec->table_key) && !*val && !f->has_banks)
			return f->banks = 1, f->has_banks = true;
		size_t si = (size_t)(f->sec - tech_sections);
		for (size_t i = 0; f->sec->fields[i].key; i++) {
			const tech_field_t *fd = &f->sec->fields[i];
			if (!strcmp(key, fd->key) && !(f->fields[si] >> i & 1)) {
				f->fields[si] |= 1u << i;
				return tf_number(val, fd->min, fd->max, (double *)((char *)t + fd->off));
			}
		}
		return false;
	}
	if (indent == 4 && f->banks == 1 && !strcmp(key, "node_nm") && !f->node_nm)
		return f->node_nm = true, tf_number(val, 1, 1000, &t->s_node_nm);
	if (indent == 4 && f->banks == 1 && !strcmp(key, "rows") && !*val && !f->rows)
		return f->banks = 2, f->rows = true;
	return false;
}

static bool tf_line(tf_t *f, char *line)
{
	if (!tf_text_ok(line))
		return false;
	int indent = (int)tf_blanks(line);
	char *s = line + indent, *hash = strchr(s, '#');
	if (hash) {
		if (hash != s && hash[-1] != ' ')
			return false;
		*hash = 0;
	}
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = 0;
	if (!n)
		return true;
	if (*s == '-')
		return indent == 4 && f->banks == 2 && tf_row(f, s);
	return tf_key(f, indent, s);
}

/* Every key present, and the bank table passes its checks. */
static bool tf_complete(const tf_t *f)
{
	if (!f->name || f->sections != (1u << N_SECTIONS) - 1 || !f->has_banks || !f->node_nm || !f->rows ||
	    f->t->s_n_rows < 4)
		return false;
	for (size_t i = 0; i < N_SECTIONS; i++) {
		size_t n = 0;
		while (tech_sections[i].fields[n].key)
			n++;
		if (f->fields[i] != (1u << n) - 1)
			return false;
	}
	const sram_row_t *at;
	return banks_sort_check(f->t, &at) == BANKS_OK && f->t->s_node_nm == f->t->to_nm;
}

bool energy_tech_load_plain(const char *path, energy_tech_t **out)
{
	*out = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	bool ok = true;
	while (ok) {
		if (len == cap) {
			cap = cap ? 2 * cap : 32768;
			char *b = cap <= YDOC_MAX_BYTES + 1 ? realloc(buf, cap + 1) : NULL;
			if (!b) {
				ok = false;
				break;
			}
			buf = b;
		}
		size_t got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (!got)
			break;
	}
	ok = ok && !ferror(fp) && len <= YDOC_MAX_BYTES && !memchr(buf, 0, len);
	fclose(fp);
	energy_tech_t *t = ok ? calloc(1, sizeof *t) : NULL;
	tf_t f = { .t = t };
	for (char *line = buf, *end = buf + len; t && line < end;) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *next = nl ? nl + 1 : end;
		*(nl ? nl : end) = 0;
		if (!tf_line(&f, line)) {
			free(t);
			t = NULL;
		}
		line = next;
	}
	free(buf);
	if (t && !tf_complete(&f)) {
		free(t);
		t = NULL;
	}
	*out = t;
	return t != NULL;
}

bool energy_tech_equal(const energy_tech_t *a, const energy_tech_t *b)
{
	return !memcmp(a, b, sizeof *a);
}

int energy_tech_load(const char *path, energy_tech_t **out, sim_err_t *err)
{
	char found[DATADIR_PATH_MAX];
	const char *p = datadir_find(path, found, sizeof found);
	if (energy_tech_load_plain(p, out))
		return SIM_OK;
	ydoc_t *d;
	int rc = ydoc_load_file(p, &d, err);
	if (rc)
		return rc;
	return tech_from_doc(d, out, err);
}

int energy_tech_load_string(const char *name, const char *text, size_t len, energy_tech_t **out, sim_err_t *err)
{
	ydoc_t *d;
	int rc = ydoc_load_string(name, text, len, &d, err);
	if (rc)
		return rc;
	return tech_from_doc(d, out, err);
}

void energy_tech_destroy(energy_tech_t *t)
{
	free(t);
}

const char *energy_tech_name(const energy_tech_t *t)
{
	return t->name;
}

const char *energy_class_name(energy_class_t c)
{
	static const char *const names[ENERGY_CLASS_COUNT] = { "compute", "sram", "act", "ctrl", "dram" };
	return c < ENERGY_CLASS_COUNT ? names[c] : "?";
}

/* ---------------------------------------------------------------------------
 * The hardware as the model sees it: every auto resolved, every size derived.
 */
typedef struct hw_view {
	double n, k, banks, lanes, units, depth, accs;
	double wbuf_bank_bytes, ih_bank_bytes, cell_bank_bytes, inter_bank_bytes, inter_banks;
	double wbuf_bytes, ih_bytes, cell_bytes, inter_bytes;
	double fifo_preact_bits, fifo_act_bits;
	double gatebuf_bytes; /* gatebuf_size() */
	double clock_mhz;
} hw_view_t;

/* The gate buffer a run needs: the smallest one built, sram.gatebuf_bytes
 * (one macro), or the run's peak occupancy in fp32 values rounded up to a
 * power of two, whichever is larger. How many gate values wait for the cell
 * updater depends on the schedule (Sequential holds three gates of the
 * whole step before o arrives), so the buffer is sized from the timing
 * model's occupancy (gatebuf.peak_values) rather than fixed. */
static double gatebuf_size(const energy_tech_t *t, uint64_t peak_values)
{
	double need = 1;
	while (need < (double)peak_values * 4)
		need *= 2;
	return need > t->s_gatebuf_bytes ? need : t->s_gatebuf_bytes;
}

static int hw_view(const hw_cfg_t *hw, hw_view_t *v, sim_err_t *err)
{
	if (hw->compute.vs_units == 0 || hw->compute.vs_width == 0 || hw->cell.lanes == 0)
		return sim_err(err, SIM_EINTERNAL,
			       "energy model: vs_units, vs_width and cell lanes must be set (got %u x %u, %u lanes)",
			       hw->compute.vs_units, hw->compute.vs_width, hw->cell.lanes);
	memset(v, 0, sizeof *v);
	v->n = hw->compute.vs_units;
	v->k = hw->compute.vs_width;
	v->banks = hw->memory.wbuf.banks ? hw->memory.wbuf.banks : hw->compute.vs_units;
	v->lanes = hw->cell.lanes;
	v->units = hw->mfu.units;
	v->depth = hw->fifo_depth;
	v->accs = resolve_accumulators(hw, 1);
	v->wbuf_bytes = (double)hw->memory.wbuf.bytes;
	v->ih_bytes = (double)hw->memory.ih_bytes;
	v->cell_bytes = (double)hw->memory.cell_bytes;
	v->inter_bytes = (double)hw->memory.inter_bytes;
	v->wbuf_bank_bytes = v->wbuf_bytes / v->banks;
	/* The I/H buffer hands each VS unit its own scalar, so it is banked per
	 * VS unit; ping-pong halves: an access sees half the capacity. */
	v->ih_bank_bytes = v->ih_bytes / 2 / v->n;
	v->cell_bank_bytes = v->cell_bytes / 2;
	v->inter_banks = hw->memory.inter_double ? 2 : 1;
	v->inter_bank_bytes = v->inter_bytes / v->inter_banks;
	/* FIFO entries: a row block of up to 8K fp32 sums (Config1); one cycle
	 * of MFU results (units fp32). */
	v->fifo_preact_bits = 8 * v->k * 32;
	v->fifo_act_bits = v->units * 32;
	v->clock_mhz = hw->clock_mhz;
	return SIM_OK;
}

static double node_energy(const energy_tech_t *t)
{
	double v = t->vdd_to / t->vdd_from;
	return t->to_nm / t->from_nm * v * v;
}

static double node_area(const energy_tech_t *t)
{
	double l = t->to_nm / t->from_nm;
	return l * l;
}

/* Log-log interpolation of the four numbers of rows a and b at x (along
 * key(a) -> key(b)): v = v_a (x / x_a)^(ln(v_b / v_a) / ln(x_b / x_a)),
 * exactly v_a at x = x_a; beyond the segment the same power law. */
static sram_row_t row_lerp(const sram_row_t *a, const sram_row_t *b, double xa, double xb, double x)
{
	double f = log(x / xa) / log(xb / xa);
	sram_row_t r = *a;
	r.read_pj = a->read_pj * pow(b->read_pj / a->read_pj, f);
	r.write_pj = a->write_pj * pow(b->write_pj / a->write_pj, f);
	r.leak_mw = a->leak_mw * pow(b->leak_mw / a->leak_mw, f);
	r.area_mm2 = a->area_mm2 * pow(b->area_mm2 / a->area_mm2, f);
	return r;
}

/* The rows [lo, hi) of one port width, sorted by bytes (>= 2 of them),
 * evaluated at `bytes`: the row itself on a hit, else the segment around
 * it, or the first or last segment beyond the ends. */
static sram_row_t port_at(const sram_row_t *rows, size_t lo, size_t hi, double bytes)
{
	size_t i = lo + 1;
	while (i + 1 < hi && rows[i].bytes < bytes)
		i++;
	if (rows[i].bytes == bytes)
		return rows[i];
	return row_lerp(&rows[i - 1], &rows[i], rows[i - 1].bytes, rows[i].bytes, bytes);
}

/* One bank of `bytes` with a `bits`-wide port: at each of the two
 * tabulated port widths around `bits` (or the two nearest, beyond the
 * ends) the capacity is interpolated (port_at), then the two results are
 * interpolated in log-log over the port width. A tabulated (bytes, bits)
 * returns its row exactly. The parser guarantees >= 2 ports of >= 2 rows.
 * A buffer of 0 bytes is no bank: all zero. */
static sram_row_t sram_bank(const energy_tech_t *t, double bytes, double bits)
{
	if (!(bytes > 0))
		return (sram_row_t){ 0 };
	const sram_row_t *rows = t->s_rows;
	size_t n = t->s_n_rows, start[SRAM_ROWS_MAX + 1], ports = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || rows[i].bits != rows[i - 1].bits)
			start[ports++] = i;
	start[ports] = n;
	size_t p = 1;
	while (p + 1 < ports && rows[start[p]].bits < bits)
		p++;
	sram_row_t b = port_at(rows, start[p], start[p + 1], bytes);
	if (rows[start[p]].bits == bits)
		return b;
	sram_row_t a = port_at(rows, start[p - 1], start[p], bytes);
	sram_row_t r = row_lerp(&a, &b, a.bits, b.bits, bits);
	r.bytes = bytes;
	r.bits = bits;
	return r;
}

static bool port_covers(const sram_row_t *rows, size_t lo, size_t hi, double bytes)
{
	return bytes >= rows[lo].bytes && bytes <= rows[hi - 1].bytes;
}

energy_sram_t energy_tech_sram(const energy_tech_t *t, double bytes, double bits)
{
	sram_row_t r = sram_bank(t, bytes, bits);
	return (energy_sram_t){
		.read_pj = r.read_pj, .write_pj = r.write_pj, .leak_w = r.leak_mw * 1e-3, .area_mm2 = r.area_mm2
	};
}

bool energy_tech_sram_covers(const energy_tech_t *t, double bytes, double bits)
{
	const sram_row_t *rows = t->s_rows;
	size_t n = t->s_n_rows, lo = 0;
	if (bits < rows[0].bits || bits > rows[n - 1].bits)
		return false;
	/* Walk the ports in order; check the one at or below bits and the one
	 * at or above it. */
	while (lo < n) {
		size_t hi = lo;
		while (hi < n && rows[hi].bits == rows[lo].bits)
			hi++;
		double pb = rows[lo].bits;
		bool next_above = hi < n && rows[hi].bits > bits;
		if (pb == bits)
			return port_covers(rows, lo, hi, bytes);
		if (pb < bits && next_above) {
			size_t hi2 = hi;
			while (hi2 < n && rows[hi2].bits == rows[hi].bits)
				hi2++;
			return port_covers(rows, lo, hi, bytes) && port_covers(rows, hi, hi2, bytes);
		}
		lo = hi;
	}
	return false;
}

/* ---------------------------------------------------------------------------
 * Areas (mm^2) per component, calibrated.
 */
typedef enum {
	IT_MULT,
	IT_TREE,
	IT_ACC,
	IT_WREG,
	IT_FIFO_PREACT,
	IT_DCMP,
	IT_WBUF,
	IT_IHBUF,
	IT_CELLBUF,
	IT_INTERBUF,
	IT_GATEBUF,
	IT_MFU,
	IT_CELL,
	IT_FIFO_ACT,
	IT_CTRL,
	IT_RECONFIG,
	IT_DRAM,
	IT_COUNT
} item_id_t;

static const struct {
	const char *name;
	energy_class_t cls;
} item_info[IT_COUNT] = {
	[IT_MULT] = { "mult", ENERGY_CLASS_COMPUTE },
	[IT_TREE] = { "tree", ENERGY_CLASS_COMPUTE },
	[IT_ACC] = { "acc", ENERGY_CLASS_COMPUTE },
	[IT_WREG] = { "wreg", ENERGY_CLASS_COMPUTE },
	[IT_FIFO_PREACT] = { "fifo_preact", ENERGY_CLASS_COMPUTE },
	[IT_DCMP] = { "dcmp", ENERGY_CLASS_COMPUTE },
	[IT_WBUF] = { "wbuf", ENERGY_CLASS_SRAM },
	[IT_IHBUF] = { "ihbuf", ENERGY_CLASS_SRAM },
	[IT_CELLBUF] = { "cellbuf", ENERGY_CLASS_SRAM },
	[IT_INTERBUF] = { "interbuf", ENERGY_CLASS_SRAM },
	[IT_GATEBUF] = { "gatebuf", ENERGY_CLASS_SRAM },
	[IT_MFU] = { "mfu", ENERGY_CLASS_ACT },
	[IT_CELL] = { "cell", ENERGY_CLASS_ACT },
	[IT_FIFO_ACT] = { "fifo_act", ENERGY_CLASS_ACT },
	[IT_CTRL] = { "ctrl", ENERGY_CLASS_CTRL },
	[IT_RECONFIG] = { "reconfig", ENERGY_CLASS_CTRL },
	[IT_DRAM] = { "dram", ENERGY_CLASS_DRAM },
};

static double class_area_scale(const energy_tech_t *t, energy_class_t c)
{
	switch (c) {
	case ENERGY_CLASS_COMPUTE:
		return t->c_area_scale;
	case ENERGY_CLASS_SRAM:
		return t->s_area_scale;
	case ENERGY_CLASS_ACT:
		return t->a_area_scale;
	case ENERGY_CLASS_CTRL:
		return t->k_area_scale;
	default:
		return 0;
	}
}

static double class_energy_scale(const energy_tech_t *t, energy_class_t c)
{
	switch (c) {
	case ENERGY_CLASS_COMPUTE:
		return t->c_energy_scale;
	case ENERGY_CLASS_SRAM:
		return t->s_energy_scale;
	case ENERGY_CLASS_ACT:
		return t->a_energy_scale;
	case ENERGY_CLASS_CTRL:
		return t->k_energy_scale;
	default:
		return t->d_energy_scale;
	}
}

static double class_leak_density(const energy_tech_t *t, energy_class_t c)
{
	switch (c) {
	case ENERGY_CLASS_COMPUTE:
		return t->c_leak_w_mm2;
	case ENERGY_CLASS_ACT:
		return t->a_leak_w_mm2;
	case ENERGY_CLASS_CTRL:
		return t->k_leak_w_mm2;
	default:
		return 0;
	}
}

/* The SRAM buffers as CACTI banks: how many banks each has and one bank
 * (capacity, port) looked up in the table. The weight buffer's port is a
 * row of K fp16 weights; the I/H buffer's one fp16 element (one bank per VS
 * unit in each ping-pong half); the fp32 buffers' one fp32 element, one
 * bank per half when double-buffered. */
typedef struct sram_view {
	double inst[IT_COUNT];
	sram_row_t bank[IT_COUNT];
} sram_view_t;

static void sram_view(const energy_tech_t *t, const hw_view_t *v, sram_view_t *s)
{
	memset(s, 0, sizeof *s);
	s->inst[IT_WBUF] = v->banks;
	s->bank[IT_WBUF] = sram_bank(t, v->wbuf_bank_bytes, v->k * 16);
	s->inst[IT_IHBUF] = 2 * v->n;
	s->bank[IT_IHBUF] = sram_bank(t, v->ih_bank_bytes, 16);
	s->inst[IT_CELLBUF] = 2;
	s->bank[IT_CELLBUF] = sram_bank(t, v->cell_bank_bytes, 32);
	s->inst[IT_INTERBUF] = v->inter_banks;
	s->bank[IT_INTERBUF] = sram_bank(t, v->inter_bank_bytes, 32);
	s->inst[IT_GATEBUF] = 1;
	s->bank[IT_GATEBUF] = sram_bank(t, v->gatebuf_bytes, 32);
}

/* Source-node um^2 of each non-SRAM component, before node scaling and
 * calibration (SRAM areas come from the bank table, at the target node). */
static void raw_areas_um2(const energy_tech_t *t, const hw_view_t *v, double a[IT_COUNT])
{
	memset(a, 0, sizeof(double) * IT_COUNT);
	/* The multipliers and every tree level are pipelined: each multiplier and
	 * each adder drives a 32-bit output register. */
	a[IT_MULT] = v->n * v->k * (t->c_fmul16_um2 + 32 * t->c_reg_um2_per_bit);
	a[IT_TREE] = v->k * (v->n - 1) * (t->c_fadd32_um2 + 32 * t->c_reg_um2_per_bit);
	a[IT_ACC] = 8 * v->k * t->c_fadd32_um2 + v->accs * 8 * v->k * 32 * t->c_reg_um2_per_bit;
	a[IT_WREG] = v->n * v->k * 16 * t->c_reg_um2_per_bit;
	a[IT_FIFO_PREACT] = v->depth * v->fifo_preact_bits * t->c_reg_um2_per_bit;
	a[IT_FIFO_ACT] = v->depth * v->fifo_act_bits * t->c_reg_um2_per_bit;

	a[IT_MFU] = v->units * t->a_mfu_unit_um2;
	a[IT_CELL] = v->lanes * t->a_cell_lane_um2;
	a[IT_CTRL] = t->k_base_um2 + v->n * t->k_per_vs_um2;
	a[IT_RECONFIG] = 8 * v->k * t->k_reconfig_um2_per_lane;
}

static void report_init(const energy_tech_t *t, const hw_view_t *v, const sram_view_t *sv, energy_report_t *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->tech, sizeof r->tech, "%s", t->name);
	r->clock_mhz = v->clock_mhz;
	for (int c = 0; c < ENERGY_CLASS_COUNT; c++) {
		r->class_energy_scale[c] = class_energy_scale(t, (energy_class_t)c);
		r->class_area_scale[c] = class_area_scale(t, (energy_class_t)c);
	}
	r->n_items = IT_COUNT;
	double raw[IT_COUNT];
	raw_areas_um2(t, v, raw);
	double fa = node_area(t);
	for (int i = 0; i < IT_COUNT; i++) {
		energy_item_t *it = &r->item[i];
		it->name = item_info[i].name;
		it->cls = item_info[i].cls;
		double mm2 = it->cls == ENERGY_CLASS_SRAM ? sv->inst[i] * sv->bank[i].area_mm2 : raw[i] * 1e-6 * fa;
		it->area_mm2 = mm2 * class_area_scale(t, it->cls);
		r->class_area_mm2[it->cls] += it->area_mm2;
		r->area_mm2 += it->area_mm2;
	}
}

int energy_area(const energy_tech_t *t, const hw_cfg_t *hw, energy_report_t *out, sim_err_t *err)
{
	hw_view_t v;
	int rc = hw_view(hw, &v, err);
	if (rc)
		return rc;
	v.gatebuf_bytes = gatebuf_size(t, 0);
	sram_view_t sv;
	sram_view(t, &v, &sv);
	report_init(t, &v, &sv, out);
	return SIM_OK;
}

/* ---------------------------------------------------------------------------
 * Energy.
 */
typedef struct counters {
	uint64_t useful, issued, tree_adds, acc_adds;
	uint64_t sigmoid, tanh, activations, bias_adds;
	uint64_t fn[ACT_N_FN - 2]; /* from ACT_RELU */
	uint64_t cell_mults, cell_adds, cell_tanh;
	uint64_t cell_fn[ACT_N_FN - 2]; /* from ACT_RELU */
	uint64_t wbuf_rows, wbuf_rbytes, wbuf_wbytes;
	uint64_t ih_r, ih_w, ih_op_r, ih_in_w, cell_r, cell_w, inter_r, inter_w, gate_r, gate_w, gate_peak;
	uint64_t preact_push, preact_pop, act_push, act_pop;
	uint64_t dram_bytes, tiles, blocks, reconfigs;
	uint64_t dcmp_weights;
	bool delta;  /* a delta network ran: its encoder's counters are registered */
	bool approx; /* a progressive layer ran: approx.scale_mults is registered */
	uint64_t scale_mults;
	bool softmax; /* a softmax layer ran: its softmax.* counters are registered */
	uint64_t smx_compares, smx_exps, smx_recips;
	uint64_t delta_buf_r, delta_buf_w, delta_mem_r, delta_mem_w;
} counters_t;

static int read_counters(const stats_t *st, counters_t *c, sim_err_t *err)
{
	static const struct {
		const char *name;
		size_t off;
	} map[] = {
#define C(n, m) { n, offsetof(counters_t, m) }
		C("vs.useful_macs", useful),
		C("vs.issued_macs", issued),
		C("tree.adds", tree_adds),
		C("acc.adds", acc_adds),
		C("mfu.sigmoid", sigmoid),
		C("mfu.tanh", tanh),
		C("mfu.activations", activations),
		C("mfu.bias_adds", bias_adds),
		C("cell.mults", cell_mults),
		C("cell.adds", cell_adds),
		C("cell.tanh", cell_tanh),
		C("wbuf.row_reads", wbuf_rows),
		C("wbuf.read_bytes", wbuf_rbytes),
		C("wbuf.write_bytes", wbuf_wbytes),
		C("ihbuf.reads", ih_r),
		C("ihbuf.writes", ih_w),
		C("ihbuf.operand_reads", ih_op_r),
		C("ihbuf.input_writes", ih_in_w),
		C("cellbuf.reads", cell_r),
		C("cellbuf.writes", cell_w),
		C("interbuf.reads", inter_r),
		C("interbuf.writes", inter_w),
		C("gatebuf.reads", gate_r),
		C("gatebuf.writes", gate_w),
		C("gatebuf.peak_values", gate_peak),
		C("fifo.preact.pushes", preact_push),
		C("fifo.preact.pops", preact_pop),
		C("dram.read_bytes", dram_bytes),
		C("ctrl.tiles", tiles),
		C("ctrl.blocks", blocks),
		C("ctrl.reconfigs", reconfigs),
#undef C
	};
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!stats_find(st, map[i].name, (uint64_t *)((char *)c + map[i].off)))
			return sim_err(err, SIM_EINTERNAL,
				       "energy model: counter '%s' is not registered, expected "
				       "every counter listed in core/run.h",
				       map[i].name);
	/* One counter per activation function beyond sigmoid and tanh, in the
	 * MFU and in the cell updater, named as the layer keys name them. */
	for (unsigned f = ACT_RELU; f < ACT_N_FN; f++)
		for (int unit = 0; unit < 2; unit++) {
			char name[64];
			snprintf(name, sizeof name, "%s.%s", unit ? "cell" : "mfu",
				 param_lact_name((layer_act_t)(f + 1)));
			if (!stats_find(st, name, unit ? &c->cell_fn[f - 2] : &c->fn[f - 2]))
				return sim_err(err, SIM_EINTERNAL,
					       "energy model: counter '%s' is not registered, expected every counter "
					       "listed in core/run.h",
					       name);
		}
	/* The MFU -> cell updater FIFO is optional: a cycle model that hands
	 * gate values over through the gate buffer has none (0 events). */
	stats_find(st, "fifo.act.pushes", &c->act_push);
	stats_find(st, "fifo.act.pops", &c->act_pop);
	/* So is the decompression unit (a model without one decodes nothing). */
	stats_find(st, "dcmp.weights", &c->dcmp_weights);
	/* And the delta encoder (a run without a delta layer has none). */
	c->delta = stats_find(st, "delta.buf_reads", &c->delta_buf_r);
	stats_find(st, "delta.buf_writes", &c->delta_buf_w);
	stats_find(st, "delta.mem_reads", &c->delta_mem_r);
	stats_find(st, "delta.mem_writes", &c->delta_mem_w);
	/* And a progressive layer's scale multiplies (apx_prog.h). */
	c->approx = stats_find(st, "approx.scale_mults", &c->scale_mults);
	/* And a softmax layer's MFU work (smx_prog.h). */
	c->softmax = stats_find(st, "softmax.exps", &c->smx_exps);
	stats_find(st, "softmax.max_compares", &c->smx_compares);
	stats_find(st, "softmax.recips", &c->smx_recips);
	if (c->issued < c->useful)
		return sim_err(err, SIM_EINTERNAL, "energy model: vs.issued_macs (%llu) < vs.useful_macs (%llu)",
			       (unsigned long long)c->issued, (unsigned long long)c->useful);
	return SIM_OK;
}

/* One multiply of the VS array, source-node pJ before calibration, by the
 * array's precision (precision.mul): the multiplier is the array's, the
 * same for every layer, and the decompression unit hands it weights in its
 * weight format whatever weight_bits stores (docs/energy.md, "Multiplier
 * width"). *wbits: the weight operand's width, which the VS units' weight
 * registers latch.
 *   fp16, bf16  fmul16_pj ([H14] has no bf16; its 8-bit significand would
 *               cost less, so bf16 is priced high, at fp16's)
 *   fp32        fmul32_pj
 *   fix a x b   an integer array multiplier, priced by its a*b partial-
 *               product bits on the power law through [H14]'s 8 x 8 and
 *               32 x 32 points: imul8 * (a*b/64)^alpha, alpha =
 *               ln(imul32/imul8) / ln 16 (0.9885 for 0.2 and 3.1 pJ):
 *               16 x 8 0.397 pJ, 16 x 16 0.787 pJ at 45 nm. */
static double mul_price(const energy_tech_t *t, prec_mul_t m, unsigned *wbits)
{
	static const struct {
		unsigned a, b; /* integer widths (data x weight); 0: floating point */
		unsigned wbits;
	} mode[] = { [PREC_FP16] = { 0, 0, 16 },
		     [PREC_BF16] = { 0, 0, 16 },
		     [PREC_FP32] = { 0, 0, 32 },
		     [PREC_FIX16X8] = { 16, 8, 8 },
		     [PREC_FIX16X16] = { 16, 16, 16 } };
	*wbits = mode[m].wbits;
	if (m == PREC_FP32)
		return t->c_fmul32_pj;
	if (!mode[m].a)
		return t->c_fmul16_pj;
	double alpha = log(t->c_imul32_pj / t->c_imul8_pj) / log(16.0);
	return t->c_imul8_pj * pow((double)(mode[m].a * mode[m].b) / 64.0, alpha);
}

typedef struct pricer {
	energy_report_t *r;
	double dyn_pj[IT_COUNT]; /* calibrated, at the target node */
} pricer_t;

/* Adds `count` events of `pj` (already scaled) to item `it` and records the
 * action for the Accelergy export. */
static void charge(pricer_t *p, item_id_t it, const char *action, uint64_t count, double pj)
{
	p->dyn_pj[it] += (double)count * pj;
	energy_report_t *r = p->r;
	if (r->n_actions < ENERGY_ACTIONS_MAX)
		r->action[r->n_actions++] = (energy_action_t){ item_info[it].name, action, count, pj };
}

int energy_eval(const energy_tech_t *t, const hw_cfg_t *hw, const stats_t *st, uint64_t cycles, energy_report_t *out,
		sim_err_t *err)
{
	hw_view_t v = { 0 };
	counters_t c = { 0 };
	int rc = hw_view(hw, &v, err);
	if (!rc)
		rc = read_counters(st, &c, err);
	if (rc)
		return rc;
	if (!(v.clock_mhz > 0))
		return sim_err(err, SIM_EINTERNAL, "energy model: clock_mhz must be positive");
	v.gatebuf_bytes = gatebuf_size(t, c.gate_peak);
	sram_view_t sv;
	sram_view(t, &v, &sv);
	report_init(t, &v, &sv, out);
	energy_report_t *r = out;
	r->cycles = cycles;
	r->seconds = (double)cycles / (v.clock_mhz * 1e6);
	r->useful_macs = c.useful;

	double fe = node_energy(t);
	double ec = fe * t->c_energy_scale, es = t->s_energy_scale; /* CACTI: at the target node */
	double ea = fe * t->a_energy_scale, ek = fe * t->k_energy_scale;
	double ed = t->d_energy_scale; /* off-chip: no node scaling */
	pricer_t p = { .r = r };

	/* A multiply or a tree add also writes its 32-bit pipeline register. */
	double reg32 = 32 * t->c_reg_pj_per_bit;
	unsigned wbits;
	double mul = mul_price(t, hw->precision.mul, &wbits);
	charge(&p, IT_MULT, "mult", c.useful, (mul + reg32) * ec);
	charge(&p, IT_MULT, "mult_padded", c.issued - c.useful, (mul + reg32) * t->c_padded_mac_factor * ec);
	/* A progressive layer's sigma_n * s (apx_prog.h): one multiply per gate
	 * and refinement on the accumulator's output, an fp32 sum times an
	 * fp32 sigma whatever the array's precision (the sum leaves the
	 * accumulator in fp32), into a 32-bit register: fmul32_pj. Charged
	 * only on a run with such a layer, so no other run's actions change. */
	if (c.approx)
		charge(&p, IT_MULT, "scale_mult", c.scale_mults, (t->c_fmul32_pj + reg32) * ec);
	charge(&p, IT_TREE, "add", c.tree_adds, (t->c_fadd32_pj + reg32) * ec);
	charge(&p, IT_ACC, "add", c.acc_adds, t->c_fadd32_pj * ec);
	charge(&p, IT_WREG, "load_row", c.wbuf_rows, v.k * wbits * t->c_reg_pj_per_bit * ec);
	charge(&p, IT_FIFO_PREACT, "push", c.preact_push, v.fifo_preact_bits * t->c_reg_pj_per_bit * ec);
	charge(&p, IT_FIFO_PREACT, "pop", c.preact_pop, v.fifo_preact_bits * t->c_reg_pj_per_bit * ec);
	/* The decompression unit: each weight it expands (a narrow integer
	 * scaled to fp16, or a sparse value put in its lane) is one event. Its
	 * area is not modelled (0): the paper's design has no such unit. */
	charge(&p, IT_DCMP, "decompress", c.dcmp_weights, t->c_decompress_pj * ec);

	/* Priced per byte read, not per K-wide row: a row of narrow weights
	 * (weight_bits) and its scales move fewer bits than K fp16 ones. For
	 * fp16 a row is 2K bytes, the price of one K*16-bit access. */
	const sram_row_t *wb = &sv.bank[IT_WBUF];
	charge(&p, IT_WBUF, "read_byte", c.wbuf_rbytes, wb->read_pj / (v.k * 2) * es);
	charge(&p, IT_WBUF, "write_byte", c.wbuf_wbytes, wb->write_pj / (v.k * 2) * es);
	/* The VS array's operand reads and the input prefetch are accesses of
	 * one fp16 element to a bank like the cell updater's h traffic; they
	 * are separate actions so an Accelergy user can tell them apart. */
	const sram_row_t *ih = &sv.bank[IT_IHBUF];
	charge(&p, IT_IHBUF, "read", c.ih_r, ih->read_pj * es);
	charge(&p, IT_IHBUF, "write", c.ih_w, ih->write_pj * es);
	charge(&p, IT_IHBUF, "operand_read", c.ih_op_r, ih->read_pj * es);
	charge(&p, IT_IHBUF, "input_write", c.ih_in_w, ih->write_pj * es);
	/* Delta networks (docs/energy.md), charged only on a run with a delta
	 * layer so that no other run's actions change, each beside its
	 * component's other actions: the previous-values buffer holds one fp16
	 * value per element and is priced as an access of an I/H-buffer bank;
	 * the delta memory's partial sums are fp32 values read and written back
	 * once per block and step, like the intermediate buffer's; every
	 * compare is one floating-point subtraction, at an fp32 add. */
	if (c.delta) {
		charge(&p, IT_IHBUF, "delta_read", c.delta_buf_r, ih->read_pj * es);
		charge(&p, IT_IHBUF, "delta_write", c.delta_buf_w, ih->write_pj * es);
	}
	charge(&p, IT_CELLBUF, "read", c.cell_r, sv.bank[IT_CELLBUF].read_pj * es);
	charge(&p, IT_CELLBUF, "write", c.cell_w, sv.bank[IT_CELLBUF].write_pj * es);
	charge(&p, IT_INTERBUF, "read", c.inter_r, sv.bank[IT_INTERBUF].read_pj * es);
	charge(&p, IT_INTERBUF, "write", c.inter_w, sv.bank[IT_INTERBUF].write_pj * es);
	if (c.delta) {
		charge(&p, IT_INTERBUF, "delta_mem_read", c.delta_mem_r, sv.bank[IT_INTERBUF].read_pj * es);
		charge(&p, IT_INTERBUF, "delta_mem_write", c.delta_mem_w, sv.bank[IT_INTERBUF].write_pj * es);
	}
	charge(&p, IT_GATEBUF, "read", c.gate_r, sv.bank[IT_GATEBUF].read_pj * es);
	charge(&p, IT_GATEBUF, "write", c.gate_w, sv.bank[IT_GATEBUF].write_pj * es);

	/* Each function at its own price; the values that pass the MFU with no
	 * function (the rest of mfu.activations) at pass_pj. */
	static const char *const fn_action[ACT_N_FN - 2] = {
		"relu",	    "leaky_relu",  "hard_sigmoid", "affine",  "thresholded_relu",
		"softsign", "scaled_tanh", "elu",	   "softplus"
	};
	uint64_t evaluated = c.sigmoid + c.tanh;
	charge(&p, IT_MFU, "sigmoid", c.sigmoid, t->a_sigmoid_pj * ea);
	charge(&p, IT_MFU, "tanh", c.tanh, t->a_tanh_pj * ea);
	for (unsigned f = 0; f < ACT_N_FN - 2; f++) {
		charge(&p, IT_MFU, fn_action[f], c.fn[f], t->a_fn_pj[f] * ea);
		evaluated += c.fn[f];
	}
	uint64_t pass = c.activations > evaluated ? c.activations - evaluated : 0;
	charge(&p, IT_MFU, "pass", pass, t->a_pass_pj * ea);
	charge(&p, IT_MFU, "bias_add", c.bias_adds, t->a_bias_add_pj * ea);
	/* A softmax's MFU passes (docs/hardware.md §2.11), priced with the MFU's
	 * own parts: a max comparison is a subtraction in its fp32 adder
	 * (bias_add_pj); an exp is the bias add of -m and the chord table's
	 * multiply-add, as a sigmoid; a reciprocal is the table's seed (a
	 * sigmoid's price) and two Newton steps r' = r (2 - S r), two fp32
	 * multiplies and an add each. Charged only on a run with a softmax. */
	if (c.softmax) {
		charge(&p, IT_MFU, "softmax_compare", c.smx_compares, t->a_bias_add_pj * ea);
		charge(&p, IT_MFU, "softmax_exp", c.smx_exps, (t->a_bias_add_pj + t->a_sigmoid_pj) * ea);
		charge(&p, IT_MFU, "softmax_recip", c.smx_recips,
		       (t->a_sigmoid_pj + 4 * t->c_fmul32_pj + 2 * t->c_fadd32_pj) * ea);
	}
	charge(&p, IT_CELL, "mult", c.cell_mults, t->a_cell_mult_pj * ea);
	charge(&p, IT_CELL, "add", c.cell_adds, t->a_cell_add_pj * ea);
	charge(&p, IT_CELL, "tanh", c.cell_tanh, t->a_tanh_pj * ea);
	if (c.delta)
		charge(&p, IT_CELL, "delta_compare", c.delta_buf_r, t->c_fadd32_pj * ea);
	for (unsigned f = 0; f < ACT_N_FN - 2; f++)
		charge(&p, IT_CELL, fn_action[f], c.cell_fn[f], t->a_fn_pj[f] * ea);
	charge(&p, IT_FIFO_ACT, "push", c.act_push, v.fifo_act_bits * t->c_reg_pj_per_bit * ea);
	charge(&p, IT_FIFO_ACT, "pop", c.act_pop, v.fifo_act_bits * t->c_reg_pj_per_bit * ea);

	charge(&p, IT_CTRL, "tile", c.tiles, t->k_tile_pj_per_vs * v.n * ek);
	charge(&p, IT_CTRL, "block", c.blocks, t->k_block_pj * ek);
	charge(&p, IT_CTRL, "cycle", cycles, t->k_cycle_pj * ek);
	charge(&p, IT_RECONFIG, "reconfig", c.reconfigs, t->k_reconfig_pj * ek);

	charge(&p, IT_DRAM, "read_byte", c.dram_bytes, 8 * t->d_pj_per_bit * ed);

	for (int i = 0; i < IT_COUNT; i++) {
		energy_item_t *it = &r->item[i];
		/* SRAM leakage follows its calibrated area like the other classes'. */
		double leak_w = it->cls == ENERGY_CLASS_DRAM ? t->d_background_w
				: it->cls == ENERGY_CLASS_SRAM
					? sv.inst[i] * sv.bank[i].leak_mw * 1e-3 * t->s_area_scale
					: it->area_mm2 * class_leak_density(t, it->cls);
		it->dynamic_uj = p.dyn_pj[i] * 1e-6;
		it->leakage_uj = leak_w * r->seconds * 1e6;
		it->energy_uj = it->dynamic_uj + it->leakage_uj;
		it->power_w = r->seconds > 0 ? it->energy_uj * 1e-6 / r->seconds : 0;
		r->dynamic_uj += it->dynamic_uj;
		r->leakage_uj += it->leakage_uj;
		r->class_energy_uj[it->cls] += it->energy_uj;
		r->class_dynamic_uj[it->cls] += it->dynamic_uj;
		r->class_leakage_uj[it->cls] += it->leakage_uj;
		r->class_power_w[it->cls] += it->power_w;
	}
	r->energy_uj = r->dynamic_uj + r->leakage_uj;
	r->avg_power_w = r->seconds > 0 ? r->energy_uj * 1e-6 / r->seconds : 0;
	/* 2 FLOP per useful MAC; GFLOP/s per W = GFLOP per J. */
	r->gflops_per_w = r->energy_uj > 0 ? 2.0 * (double)c.useful / (r->energy_uj * 1e-6) * 1e-9 : 0;
	return SIM_OK;
}

/* ---------------------------------------------------------------------------
 * Output.
 */
static double pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

void energy_report_print_text(FILE *f, const energy_report_t *r)
{
	fprintf(f, "energy: %.6g uJ (dynamic %.6g, leakage %.6g), average power %.4g W over %.6g us\n", r->energy_uj,
		r->dynamic_uj, r->leakage_uj, r->avg_power_w, r->seconds * 1e6);
	fprintf(f, "area: %.4g mm2; %.4g GFLOP/s per W (2 FLOP per useful MAC); technology %s\n", r->area_mm2,
		r->gflops_per_w, r->tech);
	fprintf(f, "  %-12s %12s %9s %7s %10s %7s\n", "component", "energy_uJ", "power_W", "power%", "area_mm2",
		"area%");
	for (int c = 0; c < ENERGY_CLASS_COUNT; c++) {
		fprintf(f, "  %-12s %12.6g %9.4g %6.1f%% %10.4g %6.1f%%\n", energy_class_name((energy_class_t)c),
			r->class_energy_uj[c], r->class_power_w[c], pct(r->class_energy_uj[c], r->energy_uj),
			r->class_area_mm2[c], pct(r->class_area_mm2[c], r->area_mm2));
		for (size_t i = 0; i < r->n_items; i++) {
			const energy_item_t *it = &r->item[i];
			if (it->cls != (energy_class_t)c)
				continue;
			fprintf(f, "    %-10s %12.6g %9.4g %6.1f%% %10.4g %6.1f%%\n", it->name, it->energy_uj,
				it->power_w, pct(it->energy_uj, r->energy_uj), it->area_mm2,
				pct(it->area_mm2, r->area_mm2));
		}
	}
}

static void json_num(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, "%.9g", x);
	else
		fputs("null", f);
}

static void json_field(FILE *f, const char *key, double x, bool comma)
{
	fprintf(f, "%s\"%s\":", comma ? "," : "", key);
	json_num(f, x);
}

void energy_report_print_json(FILE *f, const energy_report_t *r)
{
	fputs("{\"tech\":", f);
	json_write_string(f, r->tech);
	json_field(f, "energy_uj", r->energy_uj, true);
	json_field(f, "dynamic_uj", r->dynamic_uj, true);
	json_field(f, "leakage_uj", r->leakage_uj, true);
	json_field(f, "avg_power_w", r->avg_power_w, true);
	json_field(f, "area_mm2", r->area_mm2, true);
	json_field(f, "gflops_per_w", r->gflops_per_w, true);
	json_field(f, "flop_per_mac", 2, true);
	json_field(f, "seconds", r->seconds, true);
	fputs(",\"classes\":{", f);
	for (int c = 0; c < ENERGY_CLASS_COUNT; c++) {
		fprintf(f, "%s\"%s\":{", c ? "," : "", energy_class_name((energy_class_t)c));
		json_field(f, "energy_uj", r->class_energy_uj[c], false);
		json_field(f, "power_w", r->class_power_w[c], true);
		json_field(f, "dynamic_uj", r->class_dynamic_uj[c], true);
		json_field(f, "leakage_uj", r->class_leakage_uj[c], true);
		json_field(f, "area_mm2", r->class_area_mm2[c], true);
		json_field(f, "energy_scale", r->class_energy_scale[c], true);
		json_field(f, "area_scale", r->class_area_scale[c], true);
		fputc('}', f);
	}
	fputs("},\"components\":{", f);
	for (size_t i = 0; i < r->n_items; i++) {
		const energy_item_t *it = &r->item[i];
		fprintf(f, "%s\"%s\":{\"class\":\"%s\"", i ? "," : "", it->name, energy_class_name(it->cls));
		json_field(f, "energy_uj", it->energy_uj, true);
		json_field(f, "dynamic_uj", it->dynamic_uj, true);
		json_field(f, "leakage_uj", it->leakage_uj, true);
		json_field(f, "power_w", it->power_w, true);
		json_field(f, "area_mm2", it->area_mm2, true);
		fputc('}', f);
	}
	fputs("}}", f);
}

void energy_write_accelergy(FILE *f, const energy_report_t *r, const char *design_name)
{
	fprintf(f,
		"# Accelergy action counts written by sharpsim: totals over all instances of\n"
		"# each component for one run of %llu cycles at %g MHz.\n"
		"# Units: wbuf read_byte, write_byte = one byte;\n"
		"# ihbuf = fp16 elements; cellbuf, interbuf, gatebuf = fp32 elements;\n"
		"# dram read_byte = one byte. sharpsim's own price per action (%s, pJ)\n"
		"# follows each count as a comment; leakage is not an action here.\n",
		(unsigned long long)r->cycles, r->clock_mhz, r->tech);
	fputs("action_counts:\n  version: 0.3\n  local:\n", f);
	for (size_t i = 0; i < r->n_actions;) {
		const char *comp = r->action[i].component;
		fprintf(f, "  - name: %s.%s\n    action_counts:\n", design_name, comp);
		for (; i < r->n_actions && strcmp(r->action[i].component, comp) == 0; i++)
			fprintf(f, "    - name: %s\n      counts: %llu  # %.6g pJ each\n", r->action[i].action,
				(unsigned long long)r->action[i].count, r->action[i].pj_each);
	}
}
