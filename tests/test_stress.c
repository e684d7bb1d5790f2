/*
 * Randomized stress: two thousand seeded random configurations over the
 * whole space (cells, GRU forms, fc, bidirectional layers, stacks, batch, sizes that pad, N that
 * is not a power of two, every tile config and scheduler, reconfiguration,
 * deps modes, read/MFU/cell latencies, FIFO and accumulator counts,
 * intermediate-buffer sizes, weight buffers that force streaming, capped
 * ports, cold starts). Every run must finish without the watchdog firing
 * (accel_run itself checks lane conservation and the MAC count), and the
 * fast-forwarded run must equal the stepped one counter for counter.
 * The generator is a fixed-seed xorshift, so failures reproduce.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../sim/cell/cell.h"
#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "../sim/ctrl/sched.h"

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint32_t pick(uint64_t *s, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(next(s) % (hi - lo + 1));
}

START_TEST(random_configs_finish_and_agree)
{
	uint64_t seed = 0x5eed5eedULL;
	/* Stored weight formats come from a stream of their own, so the
	 * configurations drawn from `seed` stay those of earlier versions. */
	uint64_t wseed = 0xb175b175ULL;
	/* So does the decompression unit (half the runs leave it at auto). */
	uint64_t dseed = 0xdec0de5ULL;
	/* And pruning (a third of the layers dense). */
	uint64_t sseed = 0x5ba25eULL;
	/* And LSTMP's projection and per-sequence lengths. */
	uint64_t cseed = 0xce115eedULL;
	int ran = 0, jumped = 0;
	for (int iter = 0; iter < 2000; iter++) {
		hw_cfg_t h;
		config_hw_defaults(&h);
		static const uint32_t ns[] = { 4, 6, 8, 12, 16, 24, 32, 48 };
		h.compute.vs_units = ns[pick(&seed, 0, 7)];
		h.compute.vs_width = 1u << pick(&seed, 1, 5);
		h.compute.tile = (tile_sel_t)pick(&seed, 1, 4);
		h.compute.pad_reconfig = pick(&seed, 0, 1);
		h.compute.accumulators = pick(&seed, 1, 8);
		h.compute.mult_latency = pick(&seed, 1, 3);
		h.compute.acc_latency = pick(&seed, 1, 2);
		h.mfu.units = pick(&seed, 1, 64);
		h.mfu.latency = pick(&seed, 1, 20);
		h.cell.lanes = pick(&seed, 1, 4);
		h.cell.latency = pick(&seed, 0, 8);
		h.cell.tanh_latency = pick(&seed, 0, 16); /* 0: auto, the MFU's depth */
		h.fifo_depth = pick(&seed, 1, 8);
		h.scheduler =
			(sched_kind_t)pick(&seed, 0, (uint32_t)sched_registry_count(sched_registry_builtin()) - 1);
		h.deps = (deps_kind_t)pick(&seed, 0, 1);
		h.memory.weights = (weight_policy_t)pick(&seed, 0, 2);
		h.memory.wbuf.read_latency = pick(&seed, 1, 4);
		h.memory.wbuf.bytes = 1024u * pick(&seed, 8, 256);
		h.memory.wbuf.stage_bytes = 1024u * pick(&seed, 4, 7);
		h.memory.wbuf.bytes_per_cycle = pick(&seed, 0, 1) ? 0 : 64u * pick(&seed, 1, 16);
		h.memory.inter_bytes = 4096u * pick(&seed, 1, 8);
		h.memory.dram.latency = pick(&seed, 0, 100);
		h.decompress.weights_per_cycle = pick(&dseed, 0, 1) ? 0 : pick(&dseed, 1, 300);
		h.decompress.latency = pick(&dseed, 0, 3);
		layer_cfg_t l[2];
		memset(l, 0, sizeof l);
		size_t nl = pick(&seed, 1, 2);
		for (size_t i = 0; i < nl; i++) {
			l[i].cell = (cell_kind_t)pick(&seed, 0, CELL_KIND_ALL - 1);
			l[i].gru_form = (gru_form_t)pick(&seed, 0, 1);
			l[i].direction = l[i].cell != CELL_FC && pick(&seed, 0, 3) == 0 ? DIR_BI : DIR_UNI;
			l[i].hidden_size = pick(&seed, 1, 70);
			l[i].input_size = i ? workload_layer_output(&l[i - 1]) : pick(&seed, 1, 70);
			l[i].timesteps = pick(&seed, 0, 3) ? pick(&seed, 1, 4) : pick(&seed, 8, 30);
			l[i].batch_size = pick(&seed, 1, 3);
			l[i].skip_input =
				i == 0 && (cell_get(l[i].cell)->flags & CELL_F_RECURRENT) && pick(&seed, 0, 3) == 0;
			l[i].weight_bits = (weight_bits_t)pick(&wseed, 0, 3);
			l[i].weight_scale = (weight_scale_t)pick(&wseed, 0, 2);
			l[i].weight_scale_block = pick(&wseed, 1, 16);
			l[i].sparsity = pick(&sseed, 0, 2) ? 0.1 * pick(&sseed, 0, 9) : 0;
			l[i].sparsity_pattern = (sparse_pattern_t)pick(&sseed, 0, 2);
			l[i].sparsity_block = pick(&sseed, 1, 16);
			l[i].sparsity_seed = pick(&sseed, 0, 1000);
			l[i].sparse_format = (sparse_format_t)pick(&sseed, 0, 3);
			l[i].index_bits = 16;
			if ((cell_get(l[i].cell)->flags & CELL_F_PROJ) && l[i].hidden_size > 1 &&
			    !workload_sparse(&l[i]) && pick(&cseed, 0, 2) == 0)
				l[i].proj_size = pick(&cseed, 1, l[i].hidden_size - 1);
			if (pick(&cseed, 0, 3) == 0) {
				l[i].sequence_lens.n = l[i].batch_size;
				for (uint32_t b = 0; b < l[i].batch_size; b++)
					l[i].sequence_lens.len[b] = pick(&cseed, 1, l[i].timesteps);
				l[i].sequence_lens.len[pick(&cseed, 0, l[i].batch_size - 1)] = l[i].timesteps;
			}
			/* A softmax only ends a network, over its predecessor's outputs,
			 * with no weights to store (what the config loader allows);
			 * drawn anywhere else it becomes an fc. */
			if (cell_get(l[i].cell)->flags & CELL_F_SOFTMAX) {
				if (i == 0 || i + 1 != nl) {
					l[i].cell = CELL_FC;
				} else {
					l[i].hidden_size = l[i].input_size;
					l[i].timesteps = l[i - 1].timesteps;
					l[i].batch_size = l[i - 1].batch_size;
					l[i].sequence_lens = l[i - 1].sequence_lens;
					l[i].weight_bits = WBITS_16;
					l[i].weight_scale = WSCALE_ROW;
					l[i].sparsity = 0;
					l[i].sparse_format = SFMT_DENSE;
					l[i].proj_size = 0;
				}
				l[i].direction = DIR_UNI;
				l[i].skip_input = false;
			}
		}
		workload_t w = { .name = "stress", .path = "stress", .layers = l, .n_layers = nl };
		bool cold = pick(&seed, 0, 1);
		run_opts_t step = { .cold = cold }, ff = { .cold = cold, .fast_forward = true };
		run_result_t a, b;
		sim_err_t e = { 0 };
		int rc = accel_run(&h, &w, &step, &a, &e);
		char what[1024];
		int n = snprintf(
			what, sizeof what,
			"iteration %d: -p compute.vs_units=%u -p compute.vs_width=%u -p compute.tile=config%d "
			"-p compute.pad_reconfig=%d -p compute.accumulators=%u -p scheduler=%s -p deps=%s "
			"-p memory.weights=%s -p decompress.weights_per_cycle=%llu -p decompress.latency=%u%s; "
			"layers:",
			iter, h.compute.vs_units, h.compute.vs_width, h.compute.tile, h.compute.pad_reconfig,
			h.compute.accumulators, hw_sched_name(h.scheduler), h.deps ? "element" : "step",
			hw_weights_name(h.memory.weights), (unsigned long long)h.decompress.weights_per_cycle,
			h.decompress.latency, cold ? " --cold" : "");
		for (size_t i = 0; i < nl && n > 0 && (size_t)n < sizeof what; i++)
			n += snprintf(what + n, sizeof what - (size_t)n,
				      " {%s %s I=%u H=%u T=%u B=%u%s %u-bit scale %d/%u sparsity %g pattern %d/%u "
				      "seed %llu format %d}",
				      workload_cell_name(l[i].cell), l[i].gru_form ? "rbm" : "lbr", l[i].input_size,
				      l[i].hidden_size, l[i].timesteps, l[i].batch_size, l[i].skip_input ? " skip" : "",
				      workload_weight_bits(&l[i]), (int)l[i].weight_scale, l[i].weight_scale_block,
				      l[i].sparsity, (int)l[i].sparsity_pattern, l[i].sparsity_block,
				      (unsigned long long)l[i].sparsity_seed, (int)l[i].sparse_format);
		if (rc == SIM_EINPUT)
			continue; /* a combination the config rejects (tile it cannot form, staging < tile) */
		if (rc != SIM_OK) {
			/* Leave the case behind as files `sharpsim run` reproduces. */
			FILE *f = fopen("build/stress-failure-hw.yaml", "w");
			if (f) {
				config_dump_hw(f, &h);
				fclose(f);
			}
			if ((f = fopen("build/stress-failure-workload.yaml", "w"))) {
				config_dump_workload(f, &w);
				fclose(f);
			}
		}
		ck_assert_msg(rc == SIM_OK, "%s: %s", what, e.msg);
		ck_assert_msg(accel_run(&h, &w, &ff, &b, &e) == SIM_OK, "%s (fast-forward): %s", what, e.msg);
		ck_assert_msg(a.cycles == b.cycles, "%s: %llu stepped vs %llu fast-forwarded", what,
			      (unsigned long long)a.cycles, (unsigned long long)b.cycles);
		for (size_t i = 0; i < stats_size(a.stats); i++)
			ck_assert_msg(strncmp(stats_name(a.stats, i), "sim.", 4) == 0 ||
					      stats_value(a.stats, i) == stats_value(b.stats, i),
				      "%s: counter %s differs", what, stats_name(a.stats, i));
		uint64_t j = 0;
		stats_find(b.stats, "sim.jumped_cycles", &j);
		jumped += j > 0;
		run_result_free(&a);
		run_result_free(&b);
		ran++;
	}
	/* Most random combinations must be runnable, or the test tests little. */
	ck_assert_int_gt(ran, 1000);
	/* ... and enough of them long and steady enough to take the jump. */
	ck_assert_int_gt(jumped, ran / 20);
}
END_TEST

Suite *stress_suite(void)
{
	Suite *s = suite_create("stress");
	TCase *t = tcase_create("random");
	tcase_set_timeout(t, 300);
	tcase_add_test(t, random_configs_finish_and_agree);
	suite_add_tcase(s, t);
	return s;
}
