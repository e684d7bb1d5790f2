/*
 * brainwave.c - the `brainwave` machine: its parameters, its run over a
 * workload (one pass per layer and direction through bw_pipe) and its
 * energy terms.
 *
 * Defaults are the BrainWave instance on the Stratix 10 280 of Fowers et
 * al. (ISCA 2018); latencies BrainWave does not publish are those of Intel's
 * open BrainWave-style NPU (github.com/intel/fpga-npu, simulator defines).
 * docs/baselines/brainwave.md lists each with its source.
 */
#include "brainwave.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bw_pipe.h"
#include "bw_program.h"

#define BW(f) .offset = offsetof(bw_cfg_t, f), .size = sizeof(((bw_cfg_t *)0)->f)

/* Each MFU holds one adder, one multiplier and one activation unit
 * (docs/baselines/brainwave.md): a chain's elementwise ops must fit. */
#define BW_OPS_PER_MFU 3

static const char *const bw_program_names[] = { "listing", "hoisted", NULL }; /* bw_placement_t */

static const param_t bw_params[] = {
	{ .key = "brainwave.native_dim",
	  .type = PARAM_U32,
	  BW(native_dim),
	  .def = "400",
	  .min = 1,
	  .max = 4096,
	  .src = PARAM_SRC_PAPER,
	  .desc = "n, native vector dimension: DPEs per tile engine, the size vectors and matrix blocks pad "
		  "to (400 on the Stratix 10 280 instance, Fowers et al. ISCA 2018)" },
	{ .key = "brainwave.lanes",
	  .type = PARAM_U32,
	  BW(lanes),
	  .def = "40",
	  .min = 1,
	  .max = 4096,
	  .src = PARAM_SRC_PAPER,
	  .desc = "L, multiplier lanes per DPE; a native vector reaches the lanes in n/L cycles "
		  "(40 on the Stratix 10 280 instance, ISCA 2018)" },
	{ .key = "brainwave.tiles",
	  .type = PARAM_U32,
	  BW(tiles),
	  .def = "6",
	  .min = 1,
	  .max = 64,
	  .src = PARAM_SRC_MODEL,
	  .desc = "T, matrix-vector tile engines; 96,000 MACs / (400 x 40) = 6 on the Stratix 10 280 "
		  "instance (ISCA 2018 gives the MAC count, n and L)" },
	{ .key = "brainwave.mfus",
	  .type = PARAM_U32,
	  BW(mfus),
	  .def = "2",
	  .min = 1,
	  .max = 8,
	  .src = PARAM_SRC_PAPER,
	  .desc = "multifunction units chained after the MVU, each one adder, one multiplier and one "
		  "activation unit (2, ISCA 2018)" },
	{ .key = "brainwave.issue_cycles",
	  .type = PARAM_U32,
	  BW(issue_cycles),
	  .def = "1",
	  .min = 1,
	  .max = 64,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "sequencer cycles to decode one instruction (unpublished; one a cycle)" },
	{ .key = "brainwave.program",
	  .type = PARAM_ENUM,
	  BW(program),
	  .def = "listing",
	  .names = bw_program_names,
	  .src = PARAM_SRC_MODEL,
	  .desc = "where the input chains (x_t from the network queue, W.x) stand: listing = at the head of "
		  "their step, as the authors' LSTM program (ISCA 2018); hoisted = a what-if compiler that puts "
		  "the next step's before this step's h chain" },
	{ .key = "brainwave.latency.rf_read",
	  .type = PARAM_U32,
	  BW(lat.rf_read),
	  .def = "1",
	  .min = 1,
	  .max = 16,
	  .src = PARAM_SRC_MODEL,
	  .desc = "vector register file read, cycles (intel/fpga-npu RF_READ_LATENCY)" },
	{ .key = "brainwave.latency.rf_to_lane",
	  .type = PARAM_U32,
	  BW(lat.rf_to_lane),
	  .def = "8",
	  .min = 0,
	  .max = 64,
	  .src = PARAM_SRC_MODEL,
	  .desc = "register file to the DPE lanes, cycles (intel/fpga-npu VRF_TO_DPE_LATENCY)" },
	{ .key = "brainwave.latency.mult",
	  .type = PARAM_U32,
	  BW(lat.mult),
	  .def = "2",
	  .min = 0,
	  .max = 64,
	  .src = PARAM_SRC_MODEL,
	  .desc = "DPE multipliers, cycles (intel/fpga-npu DPE_MULT_LATENCY)" },
	{ .key = "brainwave.latency.accum",
	  .type = PARAM_U32,
	  BW(lat.accum),
	  .def = "4",
	  .min = 0,
	  .max = 64,
	  .src = PARAM_SRC_MODEL,
	  .desc = "DPE accumulation, cycles (intel/fpga-npu MVU_ACCUM_LATENCY)" },
	{ .key = "brainwave.latency.reduction",
	  .type = PARAM_U32,
	  BW(lat.reduction),
	  .def = "5",
	  .min = 0,
	  .max = 64,
	  .src = PARAM_SRC_MODEL,
	  .desc = "cross-tile add-reduction, cycles on top of ceil(log2 tiles) (intel/fpga-npu "
		  "MVU_REDUCTION_LATENCY = ceil(log2 TILES) + 5)" },
	{ .key = "brainwave.latency.mfu",
	  .type = PARAM_U32,
	  BW(lat.mfu),
	  .def = "9",
	  .min = 0,
	  .max = 64,
	  .src = PARAM_SRC_MODEL,
	  .desc = "one MFU, cycles: activation 3 + add 3 + multiply 3 (intel/fpga-npu MFU_LATENCY); "
		  "every chain passes every MFU" },
	{ .key = "brainwave.latency.write_back",
	  .type = PARAM_U32,
	  BW(lat.write_back),
	  .def = "5",
	  .min = 0,
	  .max = 64,
	  .src = PARAM_SRC_MODEL,
	  .desc = "MFU chain to the register files, cycles (intel/fpga-npu LD_WB_LATENCY)" },
	{ .key = "brainwave.energy.pj_per_mac",
	  .type = PARAM_DOUBLE,
	  BW(energy.pj_per_mac),
	  .def = "3.9583",
	  .dmin = 0,
	  .dmax = 1000,
	  .src = PARAM_SRC_MODEL,
	  .desc = "pJ per MAC-unit slot of a tile pass: (125 W peak - static_w) / (96,000 MACs x 250 MHz) "
		  "(125 W: ISCA 2018)" },
	{ .key = "brainwave.energy.static_w",
	  .type = PARAM_DOUBLE,
	  BW(energy.static_w),
	  .def = "30",
	  .dmin = 0,
	  .dmax = 10000,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "static power of the device, W (unpublished; a quarter of the 125 W peak, "
		  "docs/baselines/brainwave.md)" },
	{ .key = "brainwave.energy.device_mm2",
	  .type = PARAM_DOUBLE,
	  BW(energy.device_mm2),
	  .def = "400",
	  .dmin = 0,
	  .dmax = 100000,
	  .src = PARAM_SRC_CHOICE,
	  .desc = "area of the device the NPU fills, mm2 (unpublished; an estimate from the Stratix 10 280's "
		  "transistor count and 14 nm density, docs/baselines/brainwave.md)" },
};

static const param_t *bw_params_get(size_t *n)
{
	*n = sizeof bw_params / sizeof bw_params[0];
	return bw_params;
}

static int bw_check(const void *vcfg, sim_err_t *err)
{
	const bw_cfg_t *c = vcfg;
	if (c->native_dim % c->lanes)
		return sim_err(err, SIM_EINPUT,
			       "brainwave.lanes: must divide brainwave.native_dim (%u does not divide %u): a native "
			       "vector reaches the lanes in native_dim / lanes whole cycles",
			       c->lanes, c->native_dim);
	return SIM_OK;
}

static uint64_t bw_macs(const void *vcfg)
{
	const bw_cfg_t *c = vcfg;
	return (uint64_t)c->tiles * c->native_dim * c->lanes;
}

static int check_program(const bw_cfg_t *c, const bw_program_t *p, unsigned layer, sim_err_t *err)
{
	for (uint32_t j = 0; j < p->n; j++)
		if (p->chain[j].mfu_ops > c->mfus * BW_OPS_PER_MFU)
			return sim_err(err, SIM_EINPUT,
				       "layer %u: chain %s has %u elementwise operations, more than the %u of "
				       "brainwave.mfus = %u; raise brainwave.mfus",
				       layer, p->chain[j].name, p->chain[j].mfu_ops, c->mfus * BW_OPS_PER_MFU, c->mfus);
	return SIM_OK;
}

static int bw_run(const void *vcfg, double clock_mhz, const workload_t *w, const machine_opts_t *o,
		  machine_result_t *out, sim_err_t *err)
{
	const bw_cfg_t *c = vcfg;
	(void)clock_mhz; /* the timing is in NPU cycles; the clock only prices and converts */
	memset(out, 0, sizeof *out);
	bw_pipe_t *pipe = NULL;
	size_t n = 0;
	for (size_t i = 0; i < w->n_layers; i++)
		n += w->layers[i].direction == DIR_BI ? 2 : 1;
	out->stats = stats_create();
	out->passes = calloc(n ? n : 1, sizeof *out->passes);
	int rc = SIM_OK;
	if (!out->stats || !out->passes) {
		rc = sim_err(err, SIM_ENOMEM, "brainwave: out of memory");
		goto fail;
	}
	rc = bw_pipe_create(c, out->stats, &pipe, err);
	if (rc)
		goto fail;
	for (size_t i = 0; i < w->n_layers; i++) {
		const layer_cfg_t *l = &w->layers[i];
		bw_program_t prog;
		rc = bw_program_build(l, (unsigned)i + 1, (bw_placement_t)c->program, &prog, err);
		if (!rc)
			rc = check_program(c, &prog, (unsigned)i + 1, err);
		if (rc)
			goto fail;
		for (int d = 0; d < (l->direction == DIR_BI ? 2 : 1); d++) {
			machine_pass_t *p = &out->passes[out->n_passes++];
			p->layer = (uint32_t)i;
			p->backward =
				d == 1 || l->direction == DIR_REV; /* a reverse layer: one backward pass, timed alike */
			rc = bw_pipe_run(pipe, &prog, l->timesteps, l->batch_size, o->fast_forward, &p->cycles,
					 &p->useful_macs, &p->issued_macs, err);
			if (rc)
				goto fail;
			out->cycles += p->cycles;
			out->useful_macs += p->useful_macs;
			out->issued_macs += p->issued_macs;
		}
	}
	/* Conservation: every MAC-unit cycle of the run is busy or idle for
	 * exactly one named cause. */
	static const char *const parts[] = { "mvu.busy",	"idle.padding", "idle.tiles",	  "idle.stream",
					     "idle.fill_drain", "idle.issue",	"idle.dependency" };
	uint64_t sum = 0;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		uint64_t v = 0;
		if (!stats_find(out->stats, parts[i], &v)) {
			rc = sim_err(err, SIM_EINTERNAL, "brainwave: counter %s missing", parts[i]);
			goto fail;
		}
		sum += v;
	}
	if (sum != out->cycles * bw_macs(c)) {
		rc = sim_err(err, SIM_EINTERNAL,
			     "brainwave: MAC-unit cycles busy + idle = %llu, not cycles x MACs = %llu",
			     (unsigned long long)sum, (unsigned long long)(out->cycles * bw_macs(c)));
		goto fail;
	}
	/* Weights are persistent in the tile engines' matrix register files,
	 * loaded when the model is deployed, not per request. */
	if (o->cold)
		snprintf(out->note, sizeof out->note,
			 "brainwave keeps weights resident on chip: a cold run adds no load cycles");
	bw_pipe_destroy(pipe);
	return SIM_OK;
fail:
	bw_pipe_destroy(pipe);
	machine_result_free(out);
	memset(out, 0, sizeof *out);
	return rc;
}

/* Energy = pJ/MAC x issued MAC slots + static power x time; area = the
 * device's (the NPU fills the FPGA), on the item that leaks. An FPGA's
 * power comes from its own published figures, not from an ASIC
 * technology table: tech is not read. */
static int bw_price(const void *vcfg, double clock_mhz, const machine_result_t *r, const energy_tech_t *tech,
		    energy_report_t *out, sim_err_t *err)
{
	const bw_cfg_t *c = vcfg;
	(void)tech;
	(void)err;
	memset(out, 0, sizeof *out);
	snprintf(out->tech, sizeof out->tech, "brainwave: %.4g pJ/MAC, %.4g W static", c->energy.pj_per_mac,
		 c->energy.static_w);
	out->clock_mhz = clock_mhz;
	for (int k = 0; k < ENERGY_CLASS_COUNT; k++) {
		out->class_energy_scale[k] = 1;
		out->class_area_scale[k] = 1;
	}
	out->n_items = 2;
	out->item[0].name = "mac";
	out->item[0].cls = ENERGY_CLASS_COMPUTE;
	out->item[1].name = "device";
	out->item[1].cls = ENERGY_CLASS_COMPUTE;
	out->item[1].area_mm2 = c->energy.device_mm2;
	out->area_mm2 = c->energy.device_mm2;
	out->class_area_mm2[ENERGY_CLASS_COMPUTE] = c->energy.device_mm2;
	if (!r || r->cycles == 0)
		return SIM_OK;
	out->cycles = r->cycles;
	out->seconds = (double)r->cycles / (clock_mhz * 1e6);
	out->useful_macs = r->useful_macs;
	double dyn = (double)r->issued_macs * c->energy.pj_per_mac * 1e-6;
	double leak = c->energy.static_w * out->seconds * 1e6;
	out->item[0].dynamic_uj = dyn;
	out->item[0].energy_uj = dyn;
	out->item[1].leakage_uj = leak;
	out->item[1].energy_uj = leak;
	for (size_t i = 0; i < out->n_items; i++)
		out->item[i].power_w = out->item[i].energy_uj * 1e-6 / out->seconds;
	out->dynamic_uj = dyn;
	out->leakage_uj = leak;
	out->energy_uj = dyn + leak;
	out->avg_power_w = out->energy_uj * 1e-6 / out->seconds;
	out->class_dynamic_uj[ENERGY_CLASS_COMPUTE] = dyn;
	out->class_leakage_uj[ENERGY_CLASS_COMPUTE] = leak;
	out->class_energy_uj[ENERGY_CLASS_COMPUTE] = dyn + leak;
	out->class_power_w[ENERGY_CLASS_COMPUTE] = out->avg_power_w;
	out->gflops_per_w = out->energy_uj > 0 ? 2.0 * (double)r->useful_macs / (out->energy_uj * 1e-6) * 1e-9 : 0;
	out->n_actions = 1;
	out->action[0].component = "mvu";
	out->action[0].action = "mac";
	out->action[0].count = r->issued_macs;
	out->action[0].pj_each = c->energy.pj_per_mac;
	return SIM_OK;
}

const machine_desc_t machine_desc_brainwave = {
	.name = "brainwave",
	.description = "Microsoft BrainWave NPU: native-dimension tile engines, chained MFUs, in-order "
		       "instruction chains waiting on write-back",
	.cfg_size = sizeof(bw_cfg_t),
	.params = bw_params_get,
	.check = bw_check,
	.macs = bw_macs,
	.run = bw_run,
	.price = bw_price,
};
