/*
 * epur.c - the E-PUR machine's descriptor: its parameter table, the rules
 * across its keys, the run (layer by layer, pass by pass, on the sequencer
 * of epur_seq.c) and the pricing of a run with its own energy and area
 * terms. docs/baselines/epur.md gives the source of every default.
 */
#include "epur.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cell/cell.h"
#include "epur_seq.h"

#define EP(f) .offset = offsetof(epur_cfg_t, f), .size = sizeof(((epur_cfg_t *)0)->f)
#define SIZE_MAX_BYTES (1ull << 48)

_Static_assert(sizeof(epur_cfg_t) <= MACHINE_CFG_MAX, "epur_cfg_t fits hw_cfg_t's machine room");

static const char *const epur_sram_model_names[] = { "table", "own", NULL };

static const param_t epur_table[] = {
	{ .key = "epur.units",
	  .type = PARAM_U32,
	  EP(units),
	  .def = "4",
	  .min = 1,
	  .max = 64,
	  .src = PARAM_SRC_PAPER,
	  .desc = "computation units, one per LSTM gate (E-PUR, PACT 2018)" },
	{ .key = "epur.macs",
	  .type = PARAM_U32,
	  EP(macs),
	  .def = "1024",
	  .min = 1,
	  .max = 1u << 24,
	  .src = PARAM_SRC_PAPER,
	  .desc = "multipliers over all units, shared equally: DPU width = macs / units "
		  "(the SHARP paper's budgets 1K/4K/16K/64K)" },
	{ .key = "epur.dpu.rows",
	  .type = PARAM_U32,
	  EP(rows),
	  .def = "1",
	  .min = 1,
	  .max = 4096,
	  .src = PARAM_SRC_MODEL,
	  .desc = "rows a unit's DPU works on at once, each on width / rows lanes with its own tree tap and "
		  "MFU lane; E-PUR's DPU reduces one row (1); more is a what-if for wide budgets" },
	{ .key = "epur.dpu.mult_latency",
	  .type = PARAM_U32,
	  EP(mult_latency),
	  .def = "1",
	  .min = 1,
	  .max = 16,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "cycles in the DPU's multipliers" },
	{ .key = "epur.dpu.tree_latency",
	  .type = PARAM_U32,
	  EP(tree_latency),
	  .def = "auto",
	  .min = 1,
	  .max = 64,
	  .has_auto = true,
	  .src = PARAM_SRC_MODEL,
	  .desc = "cycles in the DPU's adder tree; auto = ceil(log2 (width / rows)), one adder level a cycle" },
	{ .key = "epur.dpu.acc_latency",
	  .type = PARAM_U32,
	  EP(acc_latency),
	  .def = "1",
	  .min = 1,
	  .max = 16,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "cycles in the DPU's accumulator (the row sum is complete at its end)" },
	{ .key = "epur.mfu.act_latency",
	  .type = PARAM_U32,
	  EP(act_latency),
	  .def = "15",
	  .min = 1,
	  .max = 256,
	  .src = PARAM_SRC_MODEL,
	  .desc = "MFU cycles from a row sum to its gate value (W.x add, bias, sigmoid/tanh); "
		  "SHARP's MFU depth at 500 MHz, the unit the SHARP authors modelled E-PUR with" },
	{ .key = "epur.mfu.elem_latency",
	  .type = PARAM_U32,
	  EP(elem_latency),
	  .def = "3",
	  .min = 0,
	  .max = 256,
	  .src = PARAM_SRC_MODEL,
	  .desc = "MFU cycles of the element-wise cell update until h_t is written "
		  "(SHARP's cell-updater depth; not used by layers without recurrence)" },
	{ .key = "epur.precompute.bytes",
	  .type = PARAM_SIZE,
	  EP(precomp_bytes),
	  .def = "1MiB",
	  .min = 1,
	  .max = SIZE_MAX_BYTES,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "precompute store for the W.x sums; a layer whose T*G*H*B values do not fit runs in chunks "
		  "of steps (1 MiB holds every paper workload's sequence)" },
	{ .key = "epur.precompute.value_bytes",
	  .type = PARAM_U32,
	  EP(value_bytes),
	  .def = "2",
	  .min = 1,
	  .max = 8,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "bytes of one stored W.x sum (fp16, the datapath's data format)" },
	{ .key = "epur.weight_buffer.bytes",
	  .type = PARAM_SIZE,
	  EP(wbuf_bytes),
	  .def = "64MiB",
	  .min = 1,
	  .max = SIZE_MAX_BYTES,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "weight buffers of all units; a layer must fit (weights resident): 64 MiB holds the "
		  "largest paper layer, LSTM I = H = 2048 at fp16" },
	{ .key = "epur.io_buffer.bytes",
	  .type = PARAM_SIZE,
	  EP(io_bytes),
	  .def = "512KiB",
	  .min = 1,
	  .max = SIZE_MAX_BYTES,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "input and hidden buffers together (priced; holds EESEN's 300 x 680 fp16 inputs)" },
	{ .key = "epur.dram_gbps",
	  .type = PARAM_DOUBLE,
	  EP(dram_gbps),
	  .def = "25.6",
	  .dmin = 0,
	  .dmax = 100000,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "DRAM bandwidth, GB/s, for the cold weight load only (one LPDDR4-3200 channel; the presets give "
		  "25.6 GB/s per 1K MACs, as sharp-*.yaml)" },
	{ .key = "epur.energy.mac_pj",
	  .type = PARAM_DOUBLE,
	  EP(e.mac_pj),
	  .def = "1.24",
	  .dmin = 0,
	  .dmax = 1000,
	  .src = PARAM_SRC_MODEL,
	  .desc = "pJ per useful MAC at 28 nm: Horowitz's 45 nm fp16 multiply 1.1 + fp32 add 0.9, x 28/45 "
		  "(padded lanes are clock-gated)" },
	{ .key = "epur.energy.sram_ref_pj",
	  .type = PARAM_DOUBLE,
	  EP(e.sram_ref_pj),
	  .def = "6.22",
	  .dmin = 0,
	  .dmax = 10000,
	  .src = PARAM_SRC_MODEL,
	  .desc = "pJ per 8-byte access of a sram_ref_bytes array at 28 nm: Horowitz's 10 pJ (8 KB, 45 nm) x 28/45" },
	{ .key = "epur.energy.sram_ref_bytes",
	  .type = PARAM_SIZE,
	  EP(e.sram_ref_bytes),
	  .def = "8KiB",
	  .min = 1,
	  .max = SIZE_MAX_BYTES,
	  .src = PARAM_SRC_PAPER,
	  .desc = "array size of sram_ref_pj (Horowitz, ISSCC 2014)" },
	{ .key = "epur.energy.sram_exponent",
	  .type = PARAM_DOUBLE,
	  EP(e.sram_exponent),
	  .def = "0.5",
	  .dmin = 0,
	  .dmax = 2,
	  .src = PARAM_SRC_MODEL,
	  .desc = "access energy grows as (size / sram_ref_bytes)^exponent (Horowitz's 8 KB / 32 KB / 1 MB points)" },
	{ .key = "epur.energy.act_pj",
	  .type = PARAM_DOUBLE,
	  EP(e.act_pj),
	  .def = "20.0",
	  .dmin = 0,
	  .dmax = 10000,
	  .src = PARAM_SRC_MODEL,
	  .desc = "pJ per activation at 28 nm: configs/tech/sharp-32nm.yaml's composed 45 nm sigmoid 32.2 x 28/45" },
	{ .key = "epur.energy.elem_pj",
	  .type = PARAM_DOUBLE,
	  EP(e.elem_pj),
	  .def = "0.68",
	  .dmin = 0,
	  .dmax = 10000,
	  .src = PARAM_SRC_MODEL,
	  .desc = "pJ per element-wise op at 28 nm: Horowitz's fp16 multiply 1.1 x 28/45 (adds, cheaper, priced alike)" },
	{ .key = "epur.energy.dram_pj_per_bit",
	  .type = PARAM_DOUBLE,
	  EP(e.dram_pj_per_bit),
	  .def = "20",
	  .dmin = 0,
	  .dmax = 10000,
	  .src = PARAM_SRC_MODEL,
	  .desc = "pJ per DRAM bit (LPDDR interface, the sharp-32nm table's value)" },
	{ .key = "epur.energy.logic_leak_w_mm2",
	  .type = PARAM_DOUBLE,
	  EP(e.logic_leak_w_mm2),
	  .def = "0.01",
	  .dmin = 0,
	  .dmax = 10,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "leakage of DPUs and MFUs, W per mm^2 (the sharp-32nm table's logic estimate)" },
	{ .key = "epur.energy.sram_model",
	  .type = PARAM_ENUM,
	  EP(e.sram_model),
	  .def = "table",
	  .names = epur_sram_model_names,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "table: the buffers priced from the run's technology table (CACTI banks, as SHARP's), both "
		  "designs at one node as the SHARP authors compared them; own: the sram_* and area.sram_* "
		  "terms below" },
	{ .key = "epur.energy.sram_leak_w_mm2",
	  .type = PARAM_DOUBLE,
	  EP(e.sram_leak_w_mm2),
	  .def = "0.07",
	  .dmin = 0,
	  .dmax = 10,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "sram_model own: leakage of the buffers and the precompute store, W per mm^2 (the value "
		  "the 32 nm table had before it took CACTI's banks)" },
	{ .key = "epur.area.mac_um2",
	  .type = PARAM_DOUBLE,
	  EP(e.mac_um2),
	  .def = "2254",
	  .dmin = 0,
	  .dmax = 1e7,
	  .src = PARAM_SRC_MODEL,
	  .desc = "um^2 per DPU lane at 28 nm: Horowitz's 45 nm fp16 multiplier 1640 + fp32 adder 4184, x (28/45)^2" },
	{ .key = "epur.area.sram_um2_per_kib",
	  .type = PARAM_DOUBLE,
	  EP(e.sram_um2_per_kib),
	  .def = "2194",
	  .dmin = 0,
	  .dmax = 1e9,
	  .src = PARAM_SRC_MODEL,
	  .desc = "um^2 per KiB of SRAM at 28 nm: 0.346 um^2 45 nm cell x (28/45)^2 x 8192 bits, x 2 for periphery" },
	{ .key = "epur.area.mfu_um2",
	  .type = PARAM_DOUBLE,
	  EP(e.mfu_um2),
	  .def = "16760",
	  .dmin = 0,
	  .dmax = 1e9,
	  .src = PARAM_SRC_MODEL,
	  .desc = "um^2 per MFU at 28 nm: the sharp-32nm table's 45 nm MFU datapath 43300 x (28/45)^2" },
};

static const param_t *epur_params(size_t *n)
{
	*n = sizeof epur_table / sizeof epur_table[0];
	return epur_table;
}

uint32_t epur_width(const epur_cfg_t *c)
{
	return c->macs / c->units;
}

uint32_t epur_lanes(const epur_cfg_t *c)
{
	return epur_width(c) / c->rows;
}

uint32_t epur_tree_latency(const epur_cfg_t *c)
{
	if (c->tree_latency)
		return c->tree_latency;
	uint32_t levels = 0;
	while ((1ull << levels) < epur_lanes(c))
		levels++;
	return levels ? levels : 1;
}

static int epur_check(const void *cfg, sim_err_t *err)
{
	const epur_cfg_t *c = cfg;
	if (c->macs % c->units)
		return sim_err(err, SIM_EINPUT, "epur.macs: must be a multiple of epur.units (%u), got %u", c->units,
			       c->macs);
	if (epur_width(c) % c->rows)
		return sim_err(err, SIM_EINPUT,
			       "epur.dpu.rows: must divide the DPU width epur.macs / epur.units (%u), got %u",
			       epur_width(c), c->rows);
	return SIM_OK;
}

static uint64_t epur_macs(const void *cfg)
{
	const epur_cfg_t *c = cfg;
	return (uint64_t)epur_width(c) * c->units;
}

/* Weight bytes a layer keeps resident: both directions' W and U. */
static uint64_t epur_layer_weight_bytes(const layer_cfg_t *l)
{
	return (workload_layer_macs(l) / ((uint64_t)l->timesteps * l->batch_size) * workload_weight_bits(l) + 7) / 8;
}

/* The layer's reason to be refused, or SIM_OK; layers count from 1 in
 * messages, as everywhere in the run ("layer N: ..."). */
static int epur_accepts(const epur_cfg_t *c, const layer_cfg_t *l, size_t i, sim_err_t *err)
{
	const cell_desc_t *d = cell_get(l->cell);
	if (!d)
		return sim_err(err, SIM_EINPUT, "layer %zu: unknown cell", i + 1);
	if (cell_variant(d, l->gru_form)->phases > 1)
		return sim_err(
			err, SIM_EINPUT,
			"layer %zu: %s in this form needs part of the step before U.h can finish "
			"(two phases), which E-PUR's one-pass step does not do; set gru_form: linear_before_reset",
			i + 1, d->name);
	uint64_t wb = epur_layer_weight_bytes(l);
	if (wb > c->wbuf_bytes)
		return sim_err(err, SIM_EINPUT,
			       "layer %zu: weights of %llu bytes exceed epur.weight_buffer.bytes (%llu); E-PUR is "
			       "modelled with weights resident, raise epur.weight_buffer.bytes",
			       i + 1, (unsigned long long)wb, (unsigned long long)c->wbuf_bytes);
	if (epur_seq_steps_per_chunk(c, l) == 0)
		return sim_err(err, SIM_EINPUT,
			       "layer %zu: the precompute store (epur.precompute.bytes = %llu) holds no whole step "
			       "(%llu bytes of W.x sums); raise epur.precompute.bytes",
			       i + 1, (unsigned long long)c->precomp_bytes,
			       (unsigned long long)c->value_bytes * workload_gates(l->cell) * l->hidden_size *
				       l->batch_size);
	return SIM_OK;
}

static int epur_run(const void *cfg, double clock_mhz, const workload_t *w, const machine_opts_t *o,
		    machine_result_t *out, sim_err_t *err)
{
	const epur_cfg_t *c = cfg;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < w->n_layers; i++) {
		int rc = epur_accepts(c, &w->layers[i], i, err);
		if (rc)
			return rc;
	}
	size_t n_passes = 0;
	for (size_t i = 0; i < w->n_layers; i++)
		n_passes += w->layers[i].direction == DIR_BI ? 2 : 1;
	out->stats = stats_create();
	out->passes = calloc(n_passes ? n_passes : 1, sizeof *out->passes);
	epur_ctr_t ctr;
	int rc = SIM_OK;
	if (!out->stats || !out->passes) {
		rc = sim_err(err, SIM_ENOMEM, "epur: out of memory");
		goto fail;
	}
	rc = epur_seq_register(out->stats, &ctr, err);
	if (rc)
		goto fail;

	size_t split_layers = 0;
	uint64_t weight_bytes = 0;
	for (size_t i = 0; i < w->n_layers; i++) {
		const layer_cfg_t *l = &w->layers[i];
		uint32_t tc = epur_seq_steps_per_chunk(c, l);
		weight_bytes += epur_layer_weight_bytes(l);
		if (tc < l->timesteps && split_layers++ == 0)
			snprintf(out->note, sizeof out->note,
				 "layer %zu: the precompute store (epur.precompute.bytes) holds %u of %u steps; "
				 "W.x ran in %llu chunks",
				 i + 1, tc, l->timesteps, (unsigned long long)((l->timesteps + tc - 1) / tc));
		for (int dir = 0; dir < (l->direction == DIR_BI ? 2 : 1); dir++) {
			machine_pass_t *p = &out->passes[out->n_passes++];
			p->layer = (uint32_t)i;
			p->backward = dir == 1 || l->direction == DIR_REV; /* a reverse layer: one backward pass */
			rc = epur_seq_pass(c, l, tc, o && o->fast_forward, &ctr, p, err);
			if (rc)
				goto fail;
			out->cycles += p->cycles;
			out->useful_macs += p->useful_macs;
			out->issued_macs += p->issued_macs;
		}
	}
	if (split_layers > 1) {
		size_t len = strlen(out->note);
		snprintf(out->note + len, sizeof out->note - len, " (and %zu more layers split)", split_layers - 1);
	}
	/* The initial weight load: every layer's weights, once, at the DRAM
	 * bandwidth (bytes per cycle = GB/s * 1000 / MHz). */
	double bytes_per_cycle = c->dram_gbps * 1000.0 / clock_mhz;
	out->load_cycles = (uint64_t)ceil((double)weight_bytes / bytes_per_cycle);
	if (o && o->cold) {
		out->cycles += out->load_cycles;
		*ctr.cycles += out->load_cycles;
		*ctr.load += out->load_cycles * epur_macs(c);
		*ctr.dram_bytes += weight_bytes;
	}
	return SIM_OK;
fail:
	machine_result_free(out);
	return rc;
}

/* pJ of one 8-byte access of an array of `bytes`. */
static double epur_sram_pj(const epur_energy_cfg_t *e, double bytes)
{
	return e->sram_ref_pj * pow(bytes / (double)e->sram_ref_bytes, e->sram_exponent);
}

static uint64_t epur_stat(const stats_t *st, const char *name)
{
	uint64_t v = 0;
	if (st)
		stats_find(st, name, &v);
	return v;
}

static void epur_item(energy_report_t *out, const char *name, energy_class_t cls, double dyn_pj, double area_um2,
		      double leak_w_mm2)
{
	energy_item_t *it = &out->item[out->n_items++];
	it->name = name;
	it->cls = cls;
	it->area_mm2 = area_um2 * 1e-6;
	it->dynamic_uj = dyn_pj * 1e-6;
	it->leakage_uj = it->area_mm2 * leak_w_mm2 * out->seconds * 1e6;
	it->energy_uj = it->dynamic_uj + it->leakage_uj;
	it->power_w = out->seconds > 0 ? it->energy_uj * 1e-6 / out->seconds : 0;
	out->class_dynamic_uj[cls] += it->dynamic_uj;
	out->class_leakage_uj[cls] += it->leakage_uj;
	out->class_energy_uj[cls] += it->energy_uj;
	out->class_area_mm2[cls] += it->area_mm2;
	out->dynamic_uj += it->dynamic_uj;
	out->leakage_uj += it->leakage_uj;
	out->energy_uj += it->energy_uj;
	out->area_mm2 += it->area_mm2;
}

static void epur_action(energy_report_t *out, const char *component, const char *action, uint64_t count, double pj_each)
{
	energy_action_t *a = &out->action[out->n_actions++];
	a->component = component;
	a->action = action;
	a->count = count;
	a->pj_each = pj_each;
}

/* One SRAM item: `banks` banks of `bytes` each, `accesses` accesses of
 * `bits` (reads and writes alike), priced from the technology table's
 * CACTI banks (sram_model table) or from the √-size terms. */
static void epur_sram_item(energy_report_t *out, const epur_cfg_t *c, const energy_tech_t *tech, const char *name,
			   double banks, double bytes, double bits, double accesses, const char *action)
{
	const epur_energy_cfg_t *e = &c->e;
	double pj, leak_w, area_mm2;
	if (e->sram_model == EPUR_SRAM_TABLE) {
		energy_sram_t b = energy_tech_sram(tech, bytes, bits);
		pj = b.read_pj;
		leak_w = b.leak_w * banks;
		area_mm2 = b.area_mm2 * banks;
	} else {
		pj = epur_sram_pj(e, bytes) * bits / 64.0;
		area_mm2 = banks * bytes / 1024.0 * e->sram_um2_per_kib * 1e-6;
		leak_w = area_mm2 * e->sram_leak_w_mm2;
	}
	epur_item(out, name, ENERGY_CLASS_SRAM, accesses * pj, area_mm2 * 1e6, area_mm2 > 0 ? leak_w / area_mm2 : 0);
	epur_action(out, name, action, (uint64_t)accesses, pj);
}

static int epur_price(const void *cfg, double clock_mhz, const machine_result_t *r, const energy_tech_t *tech,
		      energy_report_t *out, sim_err_t *err)
{
	const epur_cfg_t *c = cfg;
	const epur_energy_cfg_t *e = &c->e;
	memset(out, 0, sizeof *out);
	if (e->sram_model == EPUR_SRAM_TABLE && !tech)
		return sim_err(err, SIM_EINPUT,
			       "epur.energy.sram_model table prices E-PUR's buffers from a technology table, "
			       "expected one (--tech) or epur.energy.sram_model own");
	if (e->sram_model == EPUR_SRAM_TABLE)
		snprintf(out->tech, sizeof out->tech, "epur: logic epur.energy.*, SRAM %s", energy_tech_name(tech));
	else
		snprintf(out->tech, sizeof out->tech, "epur-28nm (epur.energy.*, epur.area.*)");
	out->clock_mhz = clock_mhz;
	out->cycles = r ? r->cycles : 0;
	out->seconds = out->cycles / (clock_mhz * 1e6);
	out->useful_macs = r ? r->useful_macs : 0;
	const stats_t *st = r ? r->stats : NULL;
	for (int k = 0; k < ENERGY_CLASS_COUNT; k++)
		out->class_energy_scale[k] = out->class_area_scale[k] = 1.0;

	uint64_t busy = epur_stat(st, "dpu.busy");
	uint64_t wbuf = epur_stat(st, "wbuf.read_bytes");
	uint64_t pre = epur_stat(st, "precomp.writes") + epur_stat(st, "precomp.reads");
	uint64_t io =
		epur_stat(st, "ibuf.read_bytes") + epur_stat(st, "hbuf.read_bytes") + epur_stat(st, "hbuf.write_bytes");
	uint64_t act = epur_stat(st, "mfu.activations"), elem = epur_stat(st, "mfu.elem_ops");
	uint64_t dram = epur_stat(st, "dram.read_bytes");
	/* A unit's weight buffer feeds `width` fp16 weights a cycle: width / 4
	 * banks of 64-bit words; the input and hidden buffers broadcast up to
	 * `width` operands the same way. */
	double banks = epur_width(c) >= 4 ? epur_width(c) / 4 : 1;

	epur_item(out, "dpu", ENERGY_CLASS_COMPUTE, busy * e->mac_pj, (double)epur_macs(c) * e->mac_um2,
		  e->logic_leak_w_mm2);
	epur_sram_item(out, c, tech, "wbuf", c->units * banks, (double)c->wbuf_bytes / c->units / banks, 64, wbuf / 8.0,
		       "read_8B");
	epur_sram_item(out, c, tech, "precomp", 1, (double)c->precomp_bytes, 8.0 * c->value_bytes, (double)pre,
		       "access");
	epur_sram_item(out, c, tech, "iobuf", banks, (double)c->io_bytes / banks, 64, io / 8.0, "access_8B");
	epur_item(out, "mfu", ENERGY_CLASS_ACT, act * e->act_pj + elem * e->elem_pj,
		  (double)c->units * c->rows * e->mfu_um2, e->logic_leak_w_mm2);
	epur_item(out, "dram", ENERGY_CLASS_DRAM, dram * 8.0 * e->dram_pj_per_bit, 0, 0);

	epur_action(out, "dpu", "mac", busy, e->mac_pj);
	epur_action(out, "mfu", "activation", act, e->act_pj);
	epur_action(out, "mfu", "elementwise", elem, e->elem_pj);
	epur_action(out, "dram", "read_bit", dram * 8, e->dram_pj_per_bit);

	if (out->seconds > 0) {
		out->avg_power_w = out->energy_uj * 1e-6 / out->seconds;
		for (int k = 0; k < ENERGY_CLASS_COUNT; k++)
			out->class_power_w[k] = out->class_energy_uj[k] * 1e-6 / out->seconds;
	}
	if (out->energy_uj > 0)
		out->gflops_per_w = 2.0 * out->useful_macs / (out->energy_uj * 1e-6) / 1e9;
	return SIM_OK;
}

const machine_desc_t machine_desc_epur = {
	.name = "epur",
	.description = "E-PUR (PACT 2018): one DPU + MFU per gate, W.x of a sequence first into a bounded "
		       "precompute store, then U.h step by step",
	.cfg_size = sizeof(epur_cfg_t),
	.params = epur_params,
	.check = epur_check,
	.macs = epur_macs,
	.run = epur_run,
	.price = epur_price,
};
