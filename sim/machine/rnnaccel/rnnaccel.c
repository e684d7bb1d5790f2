/*
 * rnnaccel.c - the RNNAccel descriptor: its parameter table, the rules
 * across keys, the run loop that clocks the units, and the pricing of a
 * run with the 40 nm terms of the `rnnaccel:` section.
 *
 * One cycle of a pass, in this order (rnnaccel_act.h, rnnaccel_mac.h):
 *   1. the activation unit retires its oldest stage (the events it carries
 *      reach the sequencer) and takes values from its input buffer;
 *   2. the MAC array runs, waits or hands a finished tile over.
 * A pass ends at the first cycle that begins with no tile left, the array
 * empty and the activation unit empty; its cycles are the cycles before.
 */
#include "rnnaccel.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cell/cell.h"
#include "rnnaccel_act.h"
#include "rnnaccel_lmem.h"
#include "rnnaccel_mac.h"
#include "rnnaccel_seq.h"

_Static_assert(sizeof(rnnaccel_cfg_t) <= MACHINE_CFG_MAX, "rnnaccel_cfg_t fits hw_cfg_t's machine room");

#define RA(f) .offset = offsetof(rnnaccel_cfg_t, f), .size = sizeof(((rnnaccel_cfg_t *)0)->f)
#define RA_PAPER "Kao et al., RNNAccel, arXiv:2010.13311"
#define RA_HOROWITZ "Horowitz, ISSCC 2014, 45 nm at 0.9 V"

/* Consecutive cycles in which nothing moves before a pass is declared
 * stuck (far above the longest legitimate wait: a column's weights at one
 * byte per cycle). */
#define RNNACCEL_WATCHDOG (1u << 20)

static const param_t rnnaccel_params[] = {
	{ .key = "rnnaccel.macs",
	  .type = PARAM_U32,
	  RA(macs),
	  .def = "32",
	  .min = 2,
	  .max = 4096,
	  .src = PARAM_SRC_PAPER,
	  .desc = "16-bit x 8-bit MAC units (" RA_PAPER ": a configurable 32-MAC array)" },
	{ .key = "rnnaccel.weight_bits",
	  .type = PARAM_U32,
	  RA(weight_bits),
	  .def = "8",
	  .min = 8,
	  .max = 16,
	  .src = PARAM_SRC_PAPER,
	  .desc = "weight precision, 8 or 16: 16-bit weights pair two 16x8 MACs into one 16x16 MAC, halving the MAC "
		  "rate (" RA_PAPER ")" },
	{ .key = "rnnaccel.store_bits",
	  .type = PARAM_U32,
	  RA(store_bits),
	  .def = "4",
	  .min = 1,
	  .max = 16,
	  .src = PARAM_SRC_PAPER,
	  .desc = "bits a weight takes in the banks and the external store: NeuCompression's 8x of 32-bit weights "
		  "on KWS (" RA_PAPER "); the decompression engine expands a column between banks and array" },
	{ .key = "rnnaccel.act_depth",
	  .type = PARAM_U32,
	  RA(act_depth),
	  .def = "4",
	  .min = 1,
	  .max = 64,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "activation pipeline depth, cycles (segment select, slope multiply, intercept add, cell update; "
		  "the paper gives no depth)" },
	{ .key = "rnnaccel.act_rate",
	  .type = PARAM_U32,
	  RA(act_rate),
	  .def = "1",
	  .min = 1,
	  .max = 4096,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "values the activation unit takes per cycle (one evaluator; the paper gives no count)" },
	{ .key = "rnnaccel.lmem_bytes",
	  .type = PARAM_SIZE,
	  RA(lmem_bytes),
	  .def = "12KiB",
	  .min = 64,
	  .max = 1ull << 32,
	  .src = PARAM_SRC_PAPER,
	  .desc = "local memory (12 KB, " RA_PAPER ")" },
	{ .key = "rnnaccel.lmem_banks",
	  .type = PARAM_U32,
	  RA(lmem_banks),
	  .def = "4",
	  .min = 1,
	  .max = 64,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "local-memory banks of equal size (the paper says banked, not how many)" },
	{ .key = "rnnaccel.lmem_bank_width",
	  .type = PARAM_U32,
	  RA(lmem_bank_width),
	  .def = "8",
	  .min = 1,
	  .max = 1024,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "bytes one single-ported bank reads or writes per cycle (4 x 8 B: a streamed column of 32 "
		  "4-bit weights written and read each cycle)" },
	{ .key = "rnnaccel.stream_bytes",
	  .type = PARAM_U32,
	  RA(stream_bytes),
	  .def = "32",
	  .min = 1,
	  .max = 4096,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "external weight stream into the banks, stored (compressed) bytes per cycle (not the bound at "
		  "the defaults: the bank ports are)" },
	{ .key = "rnnaccel.tech.src_node_nm",
	  .type = PARAM_DOUBLE,
	  RA(tech_src_node_nm),
	  .def = "45",
	  .dmin = 0,
	  .dmax = 1000,
	  .src = PARAM_SRC_PAPER,
	  .desc = "node of the per-operation energies and areas below (" RA_HOROWITZ ")" },
	{ .key = "rnnaccel.tech.src_vdd",
	  .type = PARAM_DOUBLE,
	  RA(tech_src_vdd),
	  .def = "0.9",
	  .dmin = 0,
	  .dmax = 5,
	  .src = PARAM_SRC_PAPER,
	  .desc = "supply of those energies, volts (" RA_HOROWITZ ")" },
	{ .key = "rnnaccel.tech.node_nm",
	  .type = PARAM_DOUBLE,
	  RA(tech_node_nm),
	  .def = "40",
	  .dmin = 0,
	  .dmax = 1000,
	  .src = PARAM_SRC_PAPER,
	  .desc = "RNNAccel's node (40 nm, " RA_PAPER "); energy scales by node ratio x (vdd ratio)^2, area by "
		  "node ratio^2" },
	{ .key = "rnnaccel.tech.vdd",
	  .type = PARAM_DOUBLE,
	  RA(tech_vdd),
	  .def = "0.9",
	  .dmin = 0,
	  .dmax = 5,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "RNNAccel's supply, volts (not published: a 40 nm general-purpose core supply)" },
	{ .key = "rnnaccel.energy.mul8_pj",
	  .type = PARAM_DOUBLE,
	  RA(e_mul8_pj),
	  .def = "0.2",
	  .dmin = 0,
	  .dmax = 1000,
	  .src = PARAM_SRC_PAPER,
	  .desc = "8-bit integer multiply, pJ (" RA_HOROWITZ "); a 16x8 multiply is two, a 16x16 four" },
	{ .key = "rnnaccel.energy.add32_pj",
	  .type = PARAM_DOUBLE,
	  RA(e_add32_pj),
	  .def = "0.1",
	  .dmin = 0,
	  .dmax = 1000,
	  .src = PARAM_SRC_PAPER,
	  .desc = "32-bit integer add, pJ (" RA_HOROWITZ "): the accumulate, and a 16x16 MAC's pair combine" },
	{ .key = "rnnaccel.energy.sram8k_byte_pj",
	  .type = PARAM_DOUBLE,
	  RA(e_sram8k_pj),
	  .def = "1.25",
	  .dmin = 0,
	  .dmax = 1000,
	  .src = PARAM_SRC_PAPER,
	  .desc = "one byte of an 8 KB SRAM, pJ (" RA_HOROWITZ ": 10 pJ per 64-bit access); a bank of S bytes "
		  "costs this x sqrt(S / 8 KiB) (8 to 32 KB doubles it)" },
	{ .key = "rnnaccel.energy.ext_byte_pj",
	  .type = PARAM_DOUBLE,
	  RA(e_ext_pj),
	  .def = "12.5",
	  .dmin = 0,
	  .dmax = 100000,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "one byte of the external weight store, pJ (taken as a 1 MB on-chip SRAM of the SoC: 100 pJ "
		  "per 64-bit access, " RA_HOROWITZ ")" },
	{ .key = "rnnaccel.energy.leak_mw_per_mm2",
	  .type = PARAM_DOUBLE,
	  RA(leak_mw_per_mm2),
	  .def = "1",
	  .dmin = 0,
	  .dmax = 1e4,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "leakage power per mm^2 of modelled area, mW (a low-power 40 nm process; not published)" },
	{ .key = "rnnaccel.area.mul8_um2",
	  .type = PARAM_DOUBLE,
	  RA(a_mul8_um2),
	  .def = "282",
	  .dmin = 0,
	  .dmax = 1e6,
	  .src = PARAM_SRC_PAPER,
	  .desc = "8-bit multiplier area, um^2 (" RA_HOROWITZ ")" },
	{ .key = "rnnaccel.area.add32_um2",
	  .type = PARAM_DOUBLE,
	  RA(a_add32_um2),
	  .def = "137",
	  .dmin = 0,
	  .dmax = 1e6,
	  .src = PARAM_SRC_PAPER,
	  .desc = "32-bit adder area, um^2 (" RA_HOROWITZ ")" },
	{ .key = "rnnaccel.area.bitcell_um2",
	  .type = PARAM_DOUBLE,
	  RA(a_bitcell_um2),
	  .def = "0.242",
	  .dmin = 0,
	  .dmax = 100,
	  .src = PARAM_SRC_PAPER,
	  .desc = "6T SRAM bit cell at 40 nm, um^2 (TSMC's published 40 nm cell; already at the target node)" },
	{ .key = "rnnaccel.area.sram_efficiency",
	  .type = PARAM_DOUBLE,
	  RA(sram_efficiency),
	  .def = "0.5",
	  .dmin = 0,
	  .dmax = 1,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "bit-cell area over macro area for small banks (decoders, sense amplifiers, I/O)" },
};

static const param_t *rnnaccel_param_table(size_t *n)
{
	*n = sizeof rnnaccel_params / sizeof rnnaccel_params[0];
	return rnnaccel_params;
}

uint32_t rnnaccel_lanes(const rnnaccel_cfg_t *c)
{
	return c->weight_bits == 16 ? c->macs / 2 : c->macs;
}

static int rnnaccel_check(const void *cfg, sim_err_t *err)
{
	const rnnaccel_cfg_t *c = cfg;
	if (c->weight_bits != 8 && c->weight_bits != 16)
		return sim_err(err, SIM_EINPUT, "rnnaccel.weight_bits: must be 8 or 16, not %u", c->weight_bits);
	if (c->weight_bits == 16 && c->macs % 2)
		return sim_err(err, SIM_EINPUT,
			       "rnnaccel.macs: must be even with rnnaccel.weight_bits = 16 (two 16x8 MACs make one "
			       "16x16 MAC), not %u",
			       c->macs);
	if (c->store_bits > c->weight_bits)
		return sim_err(err, SIM_EINPUT,
			       "rnnaccel.store_bits: %u stored bits cannot hold more than rnnaccel.weight_bits = %u",
			       c->store_bits, c->weight_bits);
	if (c->lmem_banks * c->lmem_bank_width < 2)
		return sim_err(err, SIM_EINPUT,
			       "rnnaccel.lmem_bank_width: banks x width must be at least 2 bytes (a streamed byte is "
			       "written and read through the bank ports)");
	if (c->lmem_bytes < c->lmem_banks)
		return sim_err(err, SIM_EINPUT, "rnnaccel.lmem_bytes: %llu bytes cannot make %u banks",
			       (unsigned long long)c->lmem_bytes, c->lmem_banks);
	return SIM_OK;
}

static uint64_t rnnaccel_macs(const void *cfg)
{
	return rnnaccel_lanes(cfg);
}

/* The cells RNNAccel runs ([RNNAccel]: LSTM, GRU and FC/MLP; a vanilla
 * RNN is a one-gate LSTM without state on the same datapath). */
static const char *const rnnaccel_cells[] = { "lstm", "gru", "vanilla", "fc", NULL };

static bool rnnaccel_runs(const layer_cfg_t *l)
{
	const cell_desc_t *d = cell_get(l->cell);
	for (size_t i = 0; d && rnnaccel_cells[i]; i++)
		if (!strcmp(d->name, rnnaccel_cells[i]))
			return true;
	return false;
}

static bool layer_recurrent(const layer_cfg_t *l)
{
	return cell_get(l->cell)->flags & CELL_F_RECURRENT;
}

/* Local-memory bytes a layer's activations take: 16-bit x, h, h of the
 * previous step (or c) and the gate outputs. */
static uint64_t layer_act_bytes(const layer_cfg_t *l)
{
	uint64_t i = l->input_size, h = l->hidden_size;
	if (!layer_recurrent(l))
		return 2 * (i + h);
	return 2 * (i + 2 * h + (uint64_t)workload_gates(l->cell) * h);
}

/* Stored (compressed) weight bytes of one direction of a layer. */
static uint64_t layer_weight_bytes(const layer_cfg_t *l, uint32_t store_bits)
{
	uint64_t i = l->skip_input && layer_recurrent(l) ? 0 : l->input_size, h = l->hidden_size;
	uint64_t n = layer_recurrent(l) ? (uint64_t)workload_gates(l->cell) * h * (i + h) : i * h;
	return (n * store_bits + 7) / 8;
}

typedef struct rnnaccel_units {
	stats_t *st;
	rnnaccel_act_t *act;
	rnnaccel_lmem_t *lmem;
	rnnaccel_mac_t *mac;
} rnnaccel_units_t;

static void units_destroy(rnnaccel_units_t *u)
{
	rnnaccel_mac_destroy(u->mac);
	rnnaccel_lmem_destroy(u->lmem);
	rnnaccel_act_destroy(u->act);
	stats_destroy(u->st);
	memset(u, 0, sizeof *u);
}

static uint64_t counter(const stats_t *st, const char *name)
{
	uint64_t v = 0;
	stats_find(st, name, &v);
	return v;
}

/* Clocks one pass; returns its cycles in *cycles. */
static int run_pass(rnnaccel_units_t *u, const layer_cfg_t *l, uint32_t lanes, uint32_t li, bool fast, uint64_t *cycles,
		    sim_err_t *err)
{
	rnnaccel_seq_t seq;
	rnnaccel_seq_init(&seq, l, lanes);
	uint64_t c = 0, still = 0;
	for (;;) {
		rnnaccel_seq_event(&seq, rnnaccel_act_tick(u->act));
		if (rnnaccel_mac_idle(u->mac) && seq.step >= seq.steps && rnnaccel_act_empty(u->act))
			break;
		if (fast) {
			uint64_t j = rnnaccel_mac_jump(u->mac, &seq, u->lmem, u->act);
			if (j) {
				rnnaccel_act_skip(u->act, j - 1);
				c += j;
				continue;
			}
		}
		bool moved = rnnaccel_mac_tick(u->mac, &seq, u->lmem, u->act);
		c++;
		if (moved || !rnnaccel_act_empty(u->act)) {
			still = 0;
		} else if (++still > RNNACCEL_WATCHDOG) {
			return sim_err(err, SIM_EDEADLOCK,
				       "layer %u: rnnaccel: nothing moved for %u cycles at cycle %llu", li,
				       RNNACCEL_WATCHDOG, (unsigned long long)c);
		}
	}
	*cycles = c;
	return SIM_OK;
}

static int rnnaccel_run(const void *cfg, double clock_mhz, const workload_t *w, const machine_opts_t *o,
			machine_result_t *out, sim_err_t *err)
{
	const rnnaccel_cfg_t *c = cfg;
	(void)clock_mhz;
	memset(out, 0, sizeof *out);
	int rc = rnnaccel_check(c, err);
	if (rc)
		return rc;
	uint32_t lanes = rnnaccel_lanes(c);
	size_t n_passes = 0;
	for (size_t i = 0; i < w->n_layers; i++) {
		const layer_cfg_t *l = &w->layers[i];
		if (!rnnaccel_runs(l))
			return sim_err(
				err, SIM_EINPUT,
				"layer %zu: cell '%s' is not one RNNAccel's datapath computes (its sequencer has "
				"programs for lstm, gru, vanilla and fc only), expected one of those or another "
				"machine",
				i + 1, workload_cell_name(l->cell));
		if (layer_act_bytes(l) > c->lmem_bytes)
			return sim_err(err, SIM_EINPUT,
				       "layer %zu: its activations need %llu bytes of local memory, more than "
				       "rnnaccel.lmem_bytes = %llu",
				       i + 1, (unsigned long long)layer_act_bytes(l),
				       (unsigned long long)c->lmem_bytes);
		n_passes += l->direction == DIR_BI ? 2 : 1;
	}
	rnnaccel_units_t u = { 0 };
	if (!(u.st = stats_create()))
		return sim_err(err, SIM_ENOMEM, "rnnaccel: out of memory");
	if ((rc = rnnaccel_act_create(c->act_depth, c->act_rate, u.st, &u.act, err)) ||
	    (rc = rnnaccel_lmem_create(c, u.st, &u.lmem, err)) ||
	    (rc = rnnaccel_mac_create(c->macs, c->weight_bits, c->store_bits, u.st, &u.mac, err))) {
		units_destroy(&u);
		return rc;
	}
	machine_pass_t *passes = calloc(n_passes ? n_passes : 1, sizeof *passes);
	if (!passes) {
		units_destroy(&u);
		return sim_err(err, SIM_ENOMEM, "rnnaccel: out of memory");
	}
	/* Weights stay in the banks when they fit beside the activations and
	 * the weights of earlier resident layers (all resident weights live
	 * there together, so a warm run loads none); others stream. */
	uint64_t resident_bytes = 0, load = 0, cycles = 0;
	size_t p = 0;
	for (size_t i = 0; i < w->n_layers && !rc; i++) {
		const layer_cfg_t *l = &w->layers[i];
		unsigned dirs = l->direction == DIR_BI ? 2 : 1;
		uint64_t wb = layer_weight_bytes(l, c->store_bits);
		bool resident = resident_bytes + dirs * wb + layer_act_bytes(l) <= c->lmem_bytes;
		if (resident) {
			resident_bytes += dirs * wb;
			load += dirs * ((wb + c->stream_bytes - 1) / c->stream_bytes);
			if (o->cold)
				rnnaccel_lmem_load(u.lmem, dirs * wb);
		} else if (!out->note[0]) {
			snprintf(
				out->note, sizeof out->note,
				"layer %zu: its %llu weight bytes do not fit rnnaccel.lmem_bytes beside its activations; "
				"they stream from the external store every step",
				i + 1, (unsigned long long)wb);
		}
		rnnaccel_lmem_set_resident(u.lmem, resident);
		for (unsigned d = 0; d < dirs && !rc; d++, p++) {
			uint64_t use0 = counter(u.st, "mac.useful"), iss0 = counter(u.st, "mac.issued"), pc = 0;
			rc = run_pass(&u, l, lanes, (uint32_t)i + 1, o->fast_forward, &pc, err);
			passes[p].layer = (uint32_t)i;
			passes[p].backward = d == 1;
			passes[p].cycles = pc;
			passes[p].useful_macs = counter(u.st, "mac.useful") - use0;
			passes[p].issued_macs = counter(u.st, "mac.issued") - iss0;
			cycles += pc;
		}
	}
	if (rc) {
		free(passes);
		units_destroy(&u);
		return rc;
	}
	if (o->cold) {
		rnnaccel_mac_load_idle(u.mac, load);
		cycles += load;
	}
	out->cycles = cycles;
	out->load_cycles = load;
	out->useful_macs = counter(u.st, "mac.useful");
	out->issued_macs = counter(u.st, "mac.issued");
	out->n_passes = n_passes;
	out->passes = passes;
	out->stats = u.st;
	u.st = NULL;
	units_destroy(&u);
	return SIM_OK;
}

/* The terms of one run, at RNNAccel's node. */
typedef struct rnnaccel_terms {
	double e_mac, e_act, e_lmem, e_ext; /* pJ per MAC, activation, byte, byte */
	double a_mac, a_act, a_lmem;	    /* mm^2 */
} rnnaccel_terms_t;

/* Energies scale as C V^2 with C proportional to the feature size (the
 * node ratio), areas as its square. A 16x8 multiply is two 8x8 partial-
 * product arrays (energy and area go with the product of the widths); a
 * 16x16 MAC is a pair of 16x8 multipliers plus the adder that combines
 * them and the accumulate. A piecewise-linear activation is one 16x16
 * multiply (slope) and one add (intercept); its segment table is left out.
 * A bank of S bytes costs the 8 KB figure x sqrt(S / 8 KiB). */
static void rnnaccel_terms(const rnnaccel_cfg_t *c, rnnaccel_terms_t *t)
{
	double node = c->tech_node_nm / c->tech_src_node_nm, v = c->tech_vdd / c->tech_src_vdd;
	double es = node * v * v, as = node * node * 1e-6;
	double mul16x8 = 2 * c->e_mul8_pj;
	t->e_mac = (c->weight_bits == 16 ? 2 * mul16x8 + 2 * c->e_add32_pj : mul16x8 + c->e_add32_pj) * es;
	t->e_act = (4 * c->e_mul8_pj + c->e_add32_pj) * es;
	double bank = (double)c->lmem_bytes / c->lmem_banks;
	t->e_lmem = c->e_sram8k_pj * sqrt(bank / 8192.0) * es;
	t->e_ext = c->e_ext_pj * es;
	t->a_mac = c->macs * (2 * c->a_mul8_um2 + c->a_add32_um2) * as;
	t->a_act = c->act_rate * (4 * c->a_mul8_um2 + c->a_add32_um2) * as;
	t->a_lmem = (double)c->lmem_bytes * 8 * c->a_bitcell_um2 / c->sram_efficiency * 1e-6;
}

static void price_item(energy_report_t *out, const char *name, energy_class_t cls, double dyn_pj, double area,
		       double leak_mw_per_mm2)
{
	energy_item_t *it = &out->item[out->n_items++];
	memset(it, 0, sizeof *it);
	it->name = name;
	it->cls = cls;
	it->dynamic_uj = dyn_pj * 1e-6;
	it->leakage_uj = leak_mw_per_mm2 * 1e-3 * area * out->seconds * 1e6;
	it->energy_uj = it->dynamic_uj + it->leakage_uj;
	it->power_w = out->seconds > 0 ? it->energy_uj * 1e-6 / out->seconds : 0;
	it->area_mm2 = area;
	out->class_dynamic_uj[cls] += it->dynamic_uj;
	out->class_leakage_uj[cls] += it->leakage_uj;
	out->class_energy_uj[cls] += it->energy_uj;
	out->class_power_w[cls] += it->power_w;
	out->class_area_mm2[cls] += area;
	out->dynamic_uj += it->dynamic_uj;
	out->leakage_uj += it->leakage_uj;
	out->energy_uj += it->energy_uj;
	out->area_mm2 += area;
}

static void price_action(energy_report_t *out, const char *comp, const char *action, uint64_t n, double pj)
{
	out->action[out->n_actions++] = (energy_action_t){ comp, action, n, pj };
}

/* RNNAccel is priced at its own node (40 nm) from its own section; SHARP's
 * technology table, at 32 nm, does not apply to it (machine.h). */
static int rnnaccel_price(const void *cfg, double clock_mhz, const machine_result_t *r, const energy_tech_t *tech,
			  energy_report_t *out, sim_err_t *err)
{
	const rnnaccel_cfg_t *c = cfg;
	(void)tech;
	if (clock_mhz <= 0)
		return sim_err(err, SIM_EINPUT, "clock_mhz: must be positive to price a run");
	memset(out, 0, sizeof *out);
	snprintf(out->tech, sizeof out->tech, "rnnaccel-40nm (%g nm at %g V, scaled from %g nm at %g V)",
		 c->tech_node_nm, c->tech_vdd, c->tech_src_node_nm, c->tech_src_vdd);
	out->clock_mhz = clock_mhz;
	out->cycles = r ? r->cycles : 0;
	out->seconds = out->cycles / (clock_mhz * 1e6);
	out->useful_macs = r ? r->useful_macs : 0;
	for (int k = 0; k < ENERGY_CLASS_COUNT; k++)
		out->class_energy_scale[k] = out->class_area_scale[k] = 1;
	uint64_t macs = 0, acts = 0, rd = 0, wr = 0, ext = 0;
	if (r && r->cycles) {
		const char *names[] = { "mac.useful", "act.values", "lmem.read_bytes", "lmem.write_bytes",
					"ext.read_bytes" };
		uint64_t *vals[] = { &macs, &acts, &rd, &wr, &ext };
		for (size_t i = 0; i < 5; i++)
			if (!r->stats || !stats_find(r->stats, names[i], vals[i]))
				return sim_err(err, SIM_EINTERNAL, "rnnaccel: counter %s missing from the run",
					       names[i]);
	}
	rnnaccel_terms_t t;
	rnnaccel_terms(c, &t);
	/* Padding lanes are clock-gated by the sequencer's row count: only
	 * useful MACs switch. */
	price_item(out, "mac", ENERGY_CLASS_COMPUTE, macs * t.e_mac, t.a_mac, c->leak_mw_per_mm2);
	price_item(out, "lmem", ENERGY_CLASS_SRAM, (rd + wr) * t.e_lmem, t.a_lmem, c->leak_mw_per_mm2);
	price_item(out, "act", ENERGY_CLASS_ACT, acts * t.e_act, t.a_act, c->leak_mw_per_mm2);
	/* The external store is the SoC's: its energy is reported, its area
	 * and leakage are not the accelerator's. */
	price_item(out, "ext", ENERGY_CLASS_DRAM, ext * t.e_ext, 0, 0);
	price_action(out, "mac", c->weight_bits == 16 ? "mac_16x16" : "mac_16x8", macs, t.e_mac);
	price_action(out, "lmem", "read_byte", rd, t.e_lmem);
	price_action(out, "lmem", "write_byte", wr, t.e_lmem);
	price_action(out, "act", "pwl_eval", acts, t.e_act);
	price_action(out, "ext", "read_byte", ext, t.e_ext);
	if (out->seconds > 0) {
		out->avg_power_w = out->energy_uj * 1e-6 / out->seconds;
		out->gflops_per_w = out->energy_uj > 0 ? 2.0 * out->useful_macs / (out->energy_uj * 1e-6) / 1e9 : 0;
	}
	return SIM_OK;
}

const machine_desc_t machine_desc_rnnaccel = {
	.name = "rnnaccel",
	.description = "RNNAccel (Kao et al. 2020): 32 16x8 fixed-point MACs, PWL activation pipeline, 12 KB banked "
		       "local memory, 40 nm",
	.cfg_size = sizeof(rnnaccel_cfg_t),
	.params = rnnaccel_param_table,
	.check = rnnaccel_check,
	.macs = rnnaccel_macs,
	.run = rnnaccel_run,
	.price = rnnaccel_price,
};
