/*
 * Closed-form timing tests: each tiny case's cycle count is derived by hand
 * from the timing diagrams at the top of ctrl.h, cu.h, mfu.h and cellu.h,
 * and the simulator must hit it exactly. Then one parameter on the critical
 * path changes and the count must move by the predicted amount.
 *
 * Defaults used below (config_hw_defaults, the published 4K SHARP):
 *   R  = memory.weight_buffer.read_latency = 1   controller -> VS array
 *   M  = compute.mult_latency = 1,  A = compute.acc_latency = 1
 *   d  = ceil(log2(N / groups))                  tree levels to the tap
 *   Lm = mfu.latency = 15, U = mfu.units = 64
 *   Lc = cell_updater.latency + cell_updater.tanh_latency = 3 + 15 = 18
 *        (tanh_latency auto = Lm), L = cell_updater.lanes = 8
 *
 * One step of a single segment whose last tile the controller issues in
 * slot s (0-based) within the step:
 *   s + R          the tile is accepted by the VS array
 *   + M + d        its sum leaves the tree
 *   + A            the block is offered, and pushed to the MFU FIFO
 *   + 1            the MFU starts it (it ticks before the accumulators)
 *   + Lm           activations written to the gate buffer
 *   + 1            the cell updater reads them (it ticks first)
 *   + (E - 1)      E cycles to read every element at L per cycle
 *   + Lc           h written; the controller issues the next step that cycle
 * so the step period is P = s + R + M + d + A + Lm + Lc + 2 + (E - 1), and a
 * T-step layer takes T*P + 1 cycles (the run ends after the cycle in which
 * the last h is written).
 */
#include <check.h>
#include <string.h>

#include "../sim/compress/cmp_store.h"
#include "../sim/config/config.h"
#include "../sim/config/tile_cache.h"
#include "../sim/core/resolve.h"
#include "../sim/core/run.h"
#include "testutil.h"

static hw_cfg_t hw_tiny(uint32_t n, uint32_t k, tile_sel_t tile, sched_kind_t s)
{
	hw_cfg_t h = test_hw(n, k, tile, s);
	h.compute.pad_reconfig = false;
	/* One LPDDR4-3200 channel, 51.2 bytes a cycle at 500 MHz: the DRAM
	 * closed forms below are derived at this rate, whatever the default. */
	h.memory.dram.gbps = 25.6;
	return h;
}

static layer_cfg_t layer(cell_kind_t c, uint32_t in, uint32_t hid, uint32_t t, uint32_t b, bool skip)
{
	layer_cfg_t l = test_layer(c, GRU_LBR, in, hid, t, b);
	l.skip_input = skip;
	return l;
}

/* Runs one layer, checks the run's own invariants, returns cycles. */
static uint64_t run1(const hw_cfg_t *h, const layer_cfg_t *l, run_result_t *keep, bool cold)
{
	return test_run1(h, l, keep, (run_opts_t){ .cold = cold });
}

/* Intergate, LSTM without W.x, H = 4 on N = 4, K = 32 (config4: 32 x 4):
 * one segment of 8 rows per gate (4 real), one column tile (s = 0), d = 2,
 * E = 1: P = 0 + 1 + 1 + 2 + 1 + 15 + 18 + 2 = 40. */
START_TEST(single_tile_step)
{
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	layer_cfg_t l = layer(CELL_LSTM, 4, 4, 1, 1, true);
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 1 * 40 + 1);
	l.timesteps = 3;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 40 + 1);
	/* Unfolded has no W.x to run ahead: the same schedule. */
	h.scheduler = SCHED_KIND_UNFOLDED;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 40 + 1);
}
END_TEST

/* Sequential and Batch cut the same step into one segment per gate (32-row
 * tiles, 4 real rows): four tiles in slots 0..3, the o gate's last: s = 3,
 * P = 3 + 40 = 43. Whether Sequential's cell update waits for its element's
 * o gate or for the whole vector changes nothing here: the o block is the
 * last block either way. */
START_TEST(per_gate_segments)
{
	layer_cfg_t l = layer(CELL_LSTM, 4, 4, 2, 1, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_SEQUENTIAL);
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 2 * 43 + 1);
	h.scheduler = SCHED_KIND_BATCH;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 2 * 43 + 1);
}
END_TEST

/* With W.x: I = H = 8 on N = 4, K = 32. Column tiles: X 2, H 2.
 *  Intergate: per step the X segment (slots 0, 1) then the H segment (2, 3),
 *    both behind the h barrier: P = 3 + 40 = 43; T = 2 -> 87.
 *  Unfolded: the X segment's sums go through the intermediate buffer, and
 *    the H segment may start only once they have left the accumulators:
 *    X tiles at 0, 1 (accepted 1, 2), block offered at 2+1+2+1 = 6, so the
 *    H tiles issue at 6, 7 and h_0 is written at 7 + 40 = 47. Step 1's X
 *    segment runs ahead (cycles 8, 9); after the barrier only the H
 *    segment remains: 47 + 1 + 40 = 88 -> 89 cycles.
 *  Sequential: 4 gates x (X 2 + H 2) = 16 tiles, s = 15: P = 55 -> 111. */
START_TEST(with_input_projection)
{
	layer_cfg_t l = layer(CELL_LSTM, 8, 8, 2, 1, false);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 87);
	h.scheduler = SCHED_KIND_UNFOLDED;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 89);
	h.scheduler = SCHED_KIND_SEQUENTIAL;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 111);
}
END_TEST

/* The baselines on the same I = H = 8 layer (N = 4, K = 32, T = 2).
 *  E-PUR: the input phase holds each of the 2 X column tiles for both
 *    steps: 4 one-tile blocks issued at 0..3, accepted 1..4, written to the
 *    precompute store at 5..8. The recurrent part starts when all are
 *    written: step 0's H tiles at 8, 9, h_0 at 9 + 40 = 49; step 1's at
 *    49, 50, h_1 at 50 + 40 = 90 -> 91 cycles.
 *  BrainWave: Sequential's order on fixed config4 tiles -> 111, as above. */
START_TEST(baseline_schedules)
{
	layer_cfg_t l = layer(CELL_LSTM, 8, 8, 2, 1, false);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG1, SCHED_KIND_EPUR);
	h.compute.pad_reconfig = true; /* ignored: the baselines use fixed config4 tiles */
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 91);
	ck_assert_int_eq(r.layers[0].tile, TILE_CONFIG4);
	ck_assert_uint_eq(test_counter(&r, "precomp.writes"), 4);
	run_result_free(&r);
	h.scheduler = SCHED_KIND_BRAINWAVE;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 111);
}
END_TEST

/* Batch B = 2, Intergate, H = 8 without W.x on N = 4, K = 32: tiles
 * (col, seq) issue in slots 0..3 as (0,0) (0,1) (1,0) (1,1). Sequence 0's
 * block is accepted at 3, leaves at 3+1+2+1 = 7; sequence 1's at 8. The MFU
 * starts them at 8 and 9, writes them at 23 and 24. Elements are ordered
 * j*B + b, so at 24 only element 0 is ready (1 read); at 25 and 26 the
 * other 15 (8 + 7); h is written at 26 + Lc = 26 + 18 = 44 -> 45 cycles. */
START_TEST(batch_interleaves_sequences)
{
	layer_cfg_t l = layer(CELL_LSTM, 8, 8, 1, 2, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 45);
}
END_TEST

/* LSTMP (proj_size P): after the cell update of step t the projection
 * W_proj (P x H) times o*tanh(c_t) is one more segment on the VS array, and
 * step t+1's U.h waits for all of its output. On the single-tile case's
 * hardware (N = 4, K = 32, config4 32 x 4, Intergate, no W.x):
 *  H = 4, P = 2: the gate segment reads P = 2 columns, one tile (s = 0,
 *    E = 1): o*tanh(c_t) is written at 40 (as the plain LSTM's h). The
 *    projection (one gate, 2 of 32 rows, H = 4 columns: one tile) issues
 *    in that cycle, is accepted at +R, leaves the tree at +M+d, is pushed
 *    to the MFU at +A, started at +1, and its h is written at +Lm, in the
 *    MFU's tick, before the controller's: the next step issues then. Extra
 *    per step: R + M + d + A + 1 + Lm = 1+1+2+1+1+15 = 21, period 61:
 *    T = 1 -> 62, T = 3 -> 3*61 + 1 = 184.
 *  H = 8, P = 4: the gate segment (8 rows per gate) still reads one tile
 *    of P = 4 columns and E = 8/8 = 1, so the cell update ends at 40; the
 *    projection has H/Kc = 2 column tiles (slots 0, 1 of its own): extra
 *    1 + 21 = 22, period 62: T = 2 -> 125.
 *  MFU latency 15 -> 20 on the first: +5 (Lm) +5 (Lc, tanh_latency auto =
 *    Lm) in the cell update and +5 in the projection: period 76 -> 229.
 *  B = 2 on the first: every tile is issued once per sequence, so the
 *    gate segment's tile is in slots 0, 1 (s = 1), E = 4*2/8 = 1, and the
 *    projection's last token is one slot later (+1): period 63 -> 190.
 * MACs: 4 gates x H x P + P x H per step and sequence. */
START_TEST(lstmp_projection_step)
{
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	layer_cfg_t l = layer(CELL_LSTM, 4, 4, 1, 1, true);
	l.proj_size = 2;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 62);
	l.timesteps = 3;
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 3 * 61 + 1);
	ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), 3 * (4 * 4 * 2 + 2 * 4));
	ck_assert_uint_eq(test_counter(&r, "mfu.activations"), 3 * (4 * 4 + 2));
	ck_assert_uint_eq(test_counter(&r, "mfu.bias_adds"), 3 * 4 * 4);
	run_result_free(&r);
	layer_cfg_t l8 = layer(CELL_LSTM, 8, 8, 2, 1, true);
	l8.proj_size = 4;
	ck_assert_uint_eq(run1(&h, &l8, NULL, false), 2 * 62 + 1);
	h.mfu.latency = 20;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 76 + 1);
	h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	l.batch_size = 2;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 63 + 1);
}
END_TEST

/* sequence_lens: a finished sequence's (column tile, sequence) tokens are
 * not issued, so a step with fewer sequences is shorter (no idle cause:
 * the lanes it would have used are simply not there). On the single-tile
 * hardware, LSTM without W.x:
 *  H = 4, B = 2, lengths {4, 2}: while both run, the one tile is issued
 *    for each sequence (slots 0, 1: s = 1), E = 8/8 = 1: period 41; from
 *    step 2 one sequence: s = 0, period 40: 2*41 + 2*40 + 1 = 163.
 *  H = 8, B = 2, lengths {4, 2}: two column tiles per sequence, s = 3,
 *    E = 16/8 = 2: period 3 + 40 + 1 = 44 (batch_interleaves_sequences'
 *    step); alone s = 1, E = 1: 41. 2*44 + 2*41 + 1 = 171.
 *  The same in the other order {2, 4}: the batch is packed, the order of
 *    the lengths does not matter: 171; and reverse direction: 171.
 * Useful MACs: G*H*H per sequence-step, 4*8*8*(4 + 2). */
START_TEST(finished_sequences_not_issued)
{
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	layer_cfg_t l = layer(CELL_LSTM, 4, 4, 4, 2, true);
	l.sequence_lens = (layer_lens_t){ .n = 2, .len = { 4, 2 } };
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 2 * 41 + 2 * 40 + 1);
	layer_cfg_t l8 = layer(CELL_LSTM, 8, 8, 4, 2, true);
	l8.sequence_lens = (layer_lens_t){ .n = 2, .len = { 4, 2 } };
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l8, &r, false), 2 * 44 + 2 * 41 + 1);
	ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), 4 * 8 * 8 * (4 + 2));
	ck_assert_uint_eq(test_counter(&r, "cell.updates"), 8 * (4 + 2));
	run_result_free(&r);
	l8.sequence_lens = (layer_lens_t){ .n = 2, .len = { 2, 4 } };
	ck_assert_uint_eq(run1(&h, &l8, NULL, false), 2 * 44 + 2 * 41 + 1);
	l8.direction = DIR_REV;
	ck_assert_uint_eq(run1(&h, &l8, NULL, false), 2 * 44 + 2 * 41 + 1);
}
END_TEST

/* sequence_lens on a bidirectional layer (what ONNX import now maps): the
 * layer of finished_sequences_not_issued (LSTM H = 8, no W.x, lengths
 * {4, 2}) with direction bidirectional. Each pass issues only its active
 * sequences, whatever the order in time: the forward pass takes both
 * sequences at steps 0-1 and the long one alone at steps 2-3; the backward
 * pass starts each sequence at its own last element (len - 1), so it too
 * runs steps 0-1 with both and 2-3 with one: 2*44 + 2*41 + 1 = 171 cycles
 * each, one after the other with the weights resident: 342. Tokens: each
 * pass counts G*H*H MACs and H cell updates per sequence-step, 4 + 2
 * sequence-steps: 4*8*8*6 = 1536 MACs and 8*6 = 48 updates a pass.
 * (direction_schedule: interleaved refuses lengths: the packed batch would
 * mix the two directions.) */
START_TEST(bidirectional_lengths)
{
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	layer_cfg_t bi = layer(CELL_LSTM, 8, 8, 4, 2, true);
	bi.sequence_lens = (layer_lens_t){ .n = 2, .len = { 4, 2 } };
	bi.direction = DIR_BI;
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &bi, &r, false), 2 * 171);
	ck_assert_uint_eq(r.n_layers, 2);
	for (int p = 0; p < 2; p++)
		ck_assert_uint_eq(r.layers[p].cycles, 171);
	ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), 2 * 4 * 8 * 8 * (4 + 2));
	ck_assert_uint_eq(test_counter(&r, "cell.updates"), 2 * 8 * (4 + 2));
	run_result_free(&r);
}
END_TEST

/* QRNN (fo-pooling, window 1): no U, so the VS array never waits on h; its
 * W.x of step t+2 waits only for the gate buffer's room (step t's h
 * written), and the cell updater reads element e of step t only once
 * c_{t-1}[e] is written. Single-tile hardware, I = H = 4, B = 1: one
 * segment (3 gates, 10 rows each, 4 real; one column tile), E = 1.
 *  cell_updater.latency 3 -> 10, so Lc = 10 + 15 = 25: step 0 issues at 0,
 *    its gates are written at 0+1+1+2+1+1+15 = 21 and read at 22, c_0 and
 *    h_0 written at 47. Step 1 issues at 1 (no barrier), its gates wait in
 *    the buffer; it is read when c_0 is written, 47, written 72. Step 2
 *    issues when h_0 is written (47), gates at 68, read at 72 (c_1).
 *    From then on each step is read Lc after the one before: read(t) =
 *    22 + 25t, the run ends the cycle after h_{T-1}: 25T + 23. T = 6 ->
 *    173 (the LSTM on this hardware: 47 a step). The recurrence binds:
 *    cell.wait_recurrence counts the cycles from the gates' arrival in
 *    the buffer to c_{t-1}'s: step 1 waits 47 - 23; step t >= 2's gates
 *    arrive at read(t-2) + 25 + 21 + 1, 3 before its read.
 *  The default Lc = 18 < 22 + 18: the gate buffer's two steps bind
 *    instead: read(t) = max(read(t-1) + 18, read(t-2) + 18 + 22), i.e.
 *    22, 40, 62, 80: T = 4 ends at 80 + 18 + 1 = 99. */
START_TEST(qrnn_recurrence_binds)
{
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.cell.latency = 10;
	layer_cfg_t l = layer(CELL_QRNN, 4, 4, 6, 1, false);
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 25 * 6 + 23);
	ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), 3 * 4 * 4 * 6);
	ck_assert_uint_eq(test_counter(&r, "cell.wait_recurrence"), (47 - 23) + 4 * 3);
	run_result_free(&r);
	h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	l.timesteps = 4;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 99);
}
END_TEST

/* The MFU counts each function it evaluates (docs/energy.md prices each):
 * LSTM H = 4, T = 3 with act_f relu and act_g softplus: i, f, o are role
 * f (3*4*3 = 36 relus), g role g (4*3 = 12 softpluses), no sigmoid or
 * tanh in the MFU; the cycles are those of the default functions (one
 * pass of the pipeline each, docs/hardware.md §2.4). */
START_TEST(activation_functions_counted)
{
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	layer_cfg_t l = layer(CELL_LSTM, 4, 4, 3, 1, true);
	l.act[LAYER_ROLE_F] = LACT_RELU;
	l.act[LAYER_ROLE_G] = LACT_SOFTPLUS;
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 3 * 40 + 1);
	ck_assert_uint_eq(test_counter(&r, "mfu.relu"), 36);
	ck_assert_uint_eq(test_counter(&r, "mfu.softplus"), 12);
	ck_assert_uint_eq(test_counter(&r, "mfu.sigmoid") + test_counter(&r, "mfu.tanh"), 0);
	run_result_free(&r);
}
END_TEST

/* One parameter at a time on the single-tile case (T = 3, P = 40):
 *  MFU latency 15 -> 20 adds 5 per step to Lm and, through the cell
 *    updater's tanh (auto = Lm), 5 to Lc: +10 per step     -> 3*50 + 1
 *  the same with cell_updater.tanh_latency pinned at 15: only Lm moves,
 *    +5 per step                                          -> 3*45 + 1
 *  N = 4 -> 8 (still one column tile): d 2 -> 3, +1/step -> 3*41 + 1
 *  cell lanes 8 -> 2 with H = 8 on N = 8 (one tile of 8 columns, 8 rows
 *    per gate): E = 4 instead of 1, +3 per step           -> 3*44 + 1
 *  cell latency 3 -> 6 adds 3 per step                    -> 3*43 + 1
 *  cell tanh_latency 15 -> 5 takes 10 per step            -> 3*30 + 1
 *  read latency 1 -> 4 adds 3 per step                    -> 3*43 + 1 */
START_TEST(critical_path_parameters)
{
	layer_cfg_t l = layer(CELL_LSTM, 4, 4, 3, 1, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.mfu.latency = 20;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 50 + 1);
	h.cell.tanh_latency = 15;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 45 + 1);
	h = hw_tiny(8, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 41 + 1);
	layer_cfg_t l8 = layer(CELL_LSTM, 8, 8, 3, 1, true);
	ck_assert_uint_eq(run1(&h, &l8, NULL, false), 3 * 41 + 1);
	h.cell.lanes = 2;
	ck_assert_uint_eq(run1(&h, &l8, NULL, false), 3 * 44 + 1);
	h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.cell.latency = 6;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 43 + 1);
	h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.cell.tanh_latency = 5;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 30 + 1);
	h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.memory.wbuf.read_latency = 4;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 43 + 1);
}
END_TEST

/* MFU-bound: H = 64 on N = 64, K = 32 (config4 32 x 64, d = 6): eight
 * Intergate segments of one tile each, accepted at cycles 1..8, offered at
 * 9..16. With 2 MFUs a 32-value packet takes 16 cycles, so the MFU runs
 * back to back from cycle 10: the last packet starts at 10 + 7*16 = 122,
 * ends at 137, is written at 152; the cell updater reads it at 153 and
 * writes h at 153 + Lc = 171 -> 172 cycles. The FIFO depth cannot change that (the
 * MFU never starves) but it moves the wait: with depth 1 the finished
 * blocks wait in the accumulators (acc.stall > 0), with depth 16 in the
 * FIFO (acc.stall = 0). */
START_TEST(fifo_depth_moves_the_stall)
{
	layer_cfg_t l = layer(CELL_LSTM, 64, 64, 1, 1, true);
	hw_cfg_t h = hw_tiny(64, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.mfu.units = 2;
	run_result_t r;
	h.fifo_depth = 16;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 172);
	ck_assert_uint_eq(test_counter(&r, "acc.stall"), 0);
	run_result_free(&r);
	h.fifo_depth = 1;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 172);
	ck_assert_uint_gt(test_counter(&r, "acc.stall"), 0);
	run_result_free(&r);
}
END_TEST

/* Where the depth of the accumulators -> MFU FIFO moves cycles: an
 * MFU-bound Unfolded run (one activation a cycle) whose W.x blocks could
 * run ahead while the MFU drains earlier blocks. With depth 1 the finished
 * blocks back up into the accumulators and stall the VS array
 * (idle.backpressure), so the run-ahead W.x of the next step is late and
 * the run is longer than with depth 16; with the MFU at its default rate
 * nothing backs up and the depth moves nothing (the case above shows the
 * depth moving only where the wait sits). 1K preset shape (N = K = 32),
 * LSTM H = 256, T = 25. */
START_TEST(fifo_depth_moves_cycles)
{
	layer_cfg_t l = layer(CELL_LSTM, 256, 256, 25, 1, false);
	hw_cfg_t h = hw_tiny(32, 32, TILE_CONFIG4, SCHED_KIND_UNFOLDED);
	h.mfu.units = 1;
	run_result_t r1, r16;
	h.fifo_depth = 1;
	uint64_t c1 = run1(&h, &l, &r1, false);
	h.fifo_depth = 16;
	uint64_t c16 = run1(&h, &l, &r16, false);
	ck_assert_uint_gt(c1, c16);
	ck_assert_uint_gt(test_counter(&r1, "idle.backpressure"), test_counter(&r16, "idle.backpressure"));
	ck_assert_uint_gt(test_counter(&r1, "acc.stall"), 0);
	run_result_free(&r1);
	run_result_free(&r16);
	h.mfu.units = 64;
	h.fifo_depth = 1;
	c1 = run1(&h, &l, &r1, false);
	h.fifo_depth = 16;
	c16 = run1(&h, &l, &r16, false);
	ck_assert_uint_eq(c1, c16);
	ck_assert_uint_eq(test_counter(&r1, "idle.backpressure"), 0);
	run_result_free(&r1);
	run_result_free(&r16);
}
END_TEST

/* Which stage binds a step's wait for h. LSTM H = 64 without W.x on a wide
 * array (N = 256, K = 32: one step's U.h is 4*64*64/8192 = 2 tile cycles),
 * Intergate, T = 5. After each of steps 1..4 the VS array waits for the
 * whole h_t (the step barrier), and the cell updater reads its 64 elements
 * 8 a cycle (cell_updater.lanes) inside that wait: bound.cell = (T - 1) *
 * H / 8 = 4 * 8 = 32 exactly (the last step's reads fall in the drain, not
 * a wait for h). With one MFU value a cycle the MFU binds instead: each
 * step's 256 activations take 256 cycles while the cell updater reads at
 * most one element in every four of them, so bound.mfu dominates. In both,
 * the bound cycles are a part of the array's dependency wait. */
START_TEST(binding_stage)
{
	layer_cfg_t l = layer(CELL_LSTM, 0, 64, 5, 1, true);
	hw_cfg_t h = hw_tiny(256, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	run_result_t r;
	uint64_t cyc = run1(&h, &l, &r, false);
	uint64_t wait = test_counter(&r, "idle.dependency") / (256 * 32);
	ck_assert_uint_eq(test_counter(&r, "bound.cell"), 32);
	ck_assert_uint_le(test_counter(&r, "bound.cell") + test_counter(&r, "bound.mfu"), wait);
	ck_assert_uint_lt(wait, cyc);
	run_result_free(&r);
	h.mfu.units = 1;
	cyc = run1(&h, &l, &r, false);
	wait = test_counter(&r, "idle.dependency") / (256 * 32);
	ck_assert_uint_gt(test_counter(&r, "bound.mfu"), 3 * test_counter(&r, "bound.cell"));
	ck_assert_uint_le(test_counter(&r, "bound.cell") + test_counter(&r, "bound.mfu"), wait);
	run_result_free(&r);
}
END_TEST

/* Padding reconfiguration and the tap bubble. LSTM, Sequential, H = 34
 * without W.x, on N = 8, K = 4. Base config1 (32 x 1, d = 0): per gate one
 * full 32-row segment of 34 one-column tiles; the last 2 rows would take 34
 * more tiles in config1, but 5 in config4 (4 x 8, d = 3), so pad_reconfig
 * switches. Going back to config1 for the next gate's first tile would let
 * its d = 0 sum leave the tree before the config4 sums: the VS array holds
 * it 3 cycles (3 transitions: 9 refused cycles). Slots: 4 * (34 + 5) + 9 =
 * 165, the last tile accepted at 165, d = 3: offered at 170, MFU 171..186.
 * Sequential updates an element once its o gate is activated: o's first
 * segment (rows 0..31, config1 tiles in slots 126..159) is accepted at
 * 160, offered at 160 + 1 + 0 + 1 = 162, activated 163..178, and its 32
 * elements are read 179..182 (L = 8); the last 2 are read at 187 and
 * written 187 + Lc = 205 -> 206.
 * Without reconfiguration: 4 * 68 tiles; o's first segment in slots
 * 204..237, accepted 238, offered 240, written 256, read 257..260; its
 * second, last accepted at 272, d = 0, offered at 274, written 290, read
 * at 291, h at 291 + 18 = 309 -> 310.
 * With cell_update: vector (the whole 34-element vector read only after
 * the last gate, 187..191 and 291..295): 191 + 18 + 1 = 210 and
 * 295 + 18 + 1 = 314. */
START_TEST(padding_reconfiguration)
{
	layer_cfg_t l = layer(CELL_LSTM, 34, 34, 1, 1, true);
	hw_cfg_t h = hw_tiny(8, 4, TILE_CONFIG1, SCHED_KIND_SEQUENTIAL);
	run_result_t r;
	h.compute.pad_reconfig = true;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 206);
	ck_assert_uint_eq(test_counter(&r, "vs.stall"), 9);
	ck_assert_uint_eq(test_counter(&r, "ctrl.reconfigs"), 7);
	run_result_free(&r);
	h.compute.pad_reconfig = false;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 310);
	ck_assert_uint_eq(test_counter(&r, "vs.stall"), 0);
	run_result_free(&r);
	h.cell_update = CELL_UPDATE_VECTOR;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 314);
	h.compute.pad_reconfig = true;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 210);
}
END_TEST

/* DRAM: 25.6 GB/s at 500 MHz is 51.2 bytes a cycle, latency 50. The
 * single-tile layer's weights are 4 gates * 4 * 4 * 2 = 128 bytes: the
 * load takes ceil(128 / 51.2) = 3 cycles + 50 = 53. Cold, the controller
 * waits for them: requested by cycle 2 (floor(3 * 51.2) = 153 >= 128),
 * arrived at 52, so the first tile issues at 52 instead of 0: 41 + 52
 * (41 = one step of P = 40, + 1). Those 52 cycles are waits on DRAM
 * (ctrl.dram_wait), 52 / 93 = 56 % of the run: more than
 * RUN_DRAM_BOUND_FRACTION (half), so the cold run is DRAM-bound and the
 * warm one, which waits for nothing, is not. */
START_TEST(dram_load_and_cold_start)
{
	layer_cfg_t l = layer(CELL_LSTM, 4, 4, 1, 1, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 41);
	ck_assert_uint_eq(r.load_cycles, 53);
	ck_assert_uint_eq(test_counter(&r, "idle.weight_fetch"), 0);
	ck_assert_uint_eq(test_counter(&r, "ctrl.dram_wait"), 0);
	ck_assert(!r.dram_bound);
	run_result_free(&r);
	ck_assert_uint_eq(run1(&h, &l, &r, true), 41 + 52);
	ck_assert_uint_eq(test_counter(&r, "idle.weight_fetch"), 52 * 4 * 32);
	ck_assert_uint_eq(test_counter(&r, "ctrl.dram_wait"), 52);
	ck_assert(r.dram_wait_fraction == 52.0 / 93.0);
	ck_assert(r.dram_bound);
	run_result_free(&r);
}
END_TEST

/* Streaming: a layer that does not fit the buffer fetches every step and
 * shows weight-fetch stalls; the same layer resident shows none. The
 * streamed run waits on DRAM for most of its cycles (3 * 196 608 bytes at
 * 51.2 bytes a cycle, against a few hundred cycles of MACs): DRAM-bound. */
START_TEST(streamed_weights_stall)
{
	layer_cfg_t l = layer(CELL_LSTM, 128, 128, 3, 1, false); /* 262 144 bytes */
	hw_cfg_t h = hw_tiny(32, 32, TILE_CONFIG4, SCHED_KIND_UNFOLDED);
	h.memory.wbuf.bytes = 64 * 1024;
	h.memory.wbuf.stage_bytes = 16 * 1024;
	run_result_t rs, rr;
	h.memory.weights = WEIGHTS_AUTO;
	uint64_t streamed = run1(&h, &l, &rs, false);
	ck_assert_int_eq(rs.weights, WEIGHTS_STREAM);
	ck_assert(!rs.weights_fit);
	ck_assert_uint_gt(test_counter(&rs, "idle.weight_fetch"), 0);
	ck_assert(rs.dram_bound);
	ck_assert(rs.dram_wait_fraction > RUN_DRAM_BOUND_FRACTION);
	/* Every step re-reads the part that is not resident. */
	ck_assert_uint_ge(test_counter(&rs, "dram.read_bytes"), 3 * (262144 - (64 - 16) * 1024));
	h.memory.weights = WEIGHTS_RESIDENT;
	uint64_t resident = run1(&h, &l, &rr, false);
	ck_assert_uint_eq(test_counter(&rr, "idle.weight_fetch"), 0);
	ck_assert(!rr.dram_bound);
	ck_assert_uint_gt(streamed, resident);
	/* The bandwidth bound: the streamed bytes cannot arrive faster. */
	ck_assert_uint_ge(streamed, test_counter(&rs, "dram.read_bytes") * 10 / 512);
	run_result_free(&rs);
	run_result_free(&rr);
}
END_TEST

/* A stack under `auto` whose second layer fits the whole buffer but not
 * beside the staging area: it runs resident (no staging), so its load may
 * use the whole buffer once the first layer is done. (This deadlocked when
 * loads always left room for staging.) */
START_TEST(stack_layer_fills_buffer)
{
	layer_cfg_t two[2] = { layer(CELL_LSTM, 64, 128, 3, 1, false), layer(CELL_LSTM, 128, 128, 3, 1, false) };
	hw_cfg_t h = hw_tiny(32, 32, TILE_CONFIG4, SCHED_KIND_UNFOLDED);
	h.memory.weights = WEIGHTS_AUTO;
	h.memory.wbuf.bytes = 4 * 128 * 256 * 2; /* exactly layer 2 */
	h.memory.wbuf.stage_bytes = 32 * 1024;
	workload_t w = { .name = "t", .path = "t", .layers = two, .n_layers = 2 };
	run_opts_t o = { .cold = true };
	run_result_t r;
	sim_err_t e = { 0 };
	ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
	ck_assert_int_eq(r.layers[1].weights, WEIGHTS_RESIDENT);
	ck_assert(r.weights_fit);
	/* Both layers loaded once, nothing streamed. */
	ck_assert_uint_eq(test_counter(&r, "dram.read_bytes"), 4 * 128 * 192 * 2 + 4 * 128 * 256 * 2);
	run_result_free(&r);
}
END_TEST

/* An fc layer (4 outputs from 4 inputs, N = 4, K = 32) has no recurrence:
 * step 1's tile issues right behind step 0's. The gate buffer holds two
 * steps, so step 2 waits for step 0's outputs. fc has no tanh but passes
 * through the cell updater's one fixed-depth pipeline (Lc = 18) like every
 * cell. Step 0: tile at 0, written at 0 + 40 = 40; step 1: tile at 1, its
 * packet a cycle behind, written 41; step 2: tile at 40, written
 * 40 + 40 = 80 -> 81 cycles.
 * A bidirectional layer runs its two passes one after the other: with
 * weights resident (no load between them) exactly twice the cycles. */
START_TEST(fc_and_bidirectional)
{
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	layer_cfg_t fc = layer(CELL_FC, 4, 4, 3, 1, false);
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &fc, &r, false), 81);
	ck_assert_uint_eq(r.useful_macs, 4 * 4 * 3);
	run_result_free(&r);
	layer_cfg_t uni = layer(CELL_LSTM, 8, 8, 2, 1, false), bi = uni;
	bi.direction = DIR_BI;
	uint64_t c = run1(&h, &uni, NULL, false);
	ck_assert_uint_eq(run1(&h, &bi, &r, false), 2 * c);
	ck_assert_uint_eq(r.n_layers, 2);
	ck_assert(!r.layers[0].backward && r.layers[1].backward);
	ck_assert_uint_eq(r.useful_macs, 2 * 4 * 8 * 16 * 2);
	run_result_free(&r);
}
END_TEST

/* direction_schedule: interleaved, on the single-tile case of
 * single_tile_step (Intergate, LSTM without W.x, H = 4 on N = 4, K = 32,
 * config4: P = 40 with the step's last token in slot s = 0). Both
 * directions are one pass: each step issues the tile twice, the forward
 * sequence's then the backward one's, each read with its own weights, so
 * the last token sits in slot s = 1 and P = 41, the cell updater taking
 * 2 * 4 = 8 elements on its 8 lanes (E = 1 still). T = 3: 3 * 41 + 1 = 124,
 * against 2 * (3 * 40 + 1) = 242 one direction after the other. It is one
 * direction's batch-2 pass with one more weight read per tile: with the
 * port uncapped the same 124 cycles, twice the tile reads; the MACs are
 * the two directions' (G*H*H*T*2). */
START_TEST(interleaved_directions)
{
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	layer_cfg_t bi = layer(CELL_LSTM, 4, 4, 3, 1, true);
	bi.direction = DIR_BI;
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &bi, &r, false), 242);
	ck_assert_uint_eq(r.n_layers, 2);
	run_result_free(&r);
	h.direction_schedule = DIRSCHED_INTERLEAVED;
	ck_assert_uint_eq(run1(&h, &bi, &r, false), 3 * 41 + 1);
	ck_assert_uint_eq(r.n_layers, 1);
	ck_assert(r.layers[0].both && r.layers[0].cfg.batch_size == 1);
	ck_assert_str_eq(run_pass_direction(&r.layers[0]), "both");
	ck_assert_uint_eq(r.useful_macs, 4 * 4 * 4 * 3 * 2);
	ck_assert_uint_eq(test_counter(&r, "ctrl.tiles"), 3 * 2);	/* one tile a step (8 rows a gate), twice */
	ck_assert_uint_eq(r.layers[0].weight_bytes, 2 * 4 * 4 * 4 * 2); /* both directions' U, fp16 */
	run_result_free(&r);
	layer_cfg_t b2 = layer(CELL_LSTM, 4, 4, 3, 2, true);
	ck_assert_uint_eq(run1(&h, &b2, &r, false), 3 * 41 + 1);
	ck_assert_uint_eq(test_counter(&r, "ctrl.tiles"), 3);
	run_result_free(&r);
}
END_TEST

/* What interleaving is for: one direction's tiles fill the other's wait
 * for h, so it is never slower than one direction after the other, on
 * every schedule, budget and shape here, and at 64K, where the wait for h
 * is the largest share of a step, it is faster on every shape. Tiles are
 * the explored best of each (tile: auto), as a user runs it. */
START_TEST(interleaved_never_slower)
{
	static const char *const presets[] = { "configs/sharp-1k.yaml", "configs/sharp-4k.yaml",
					       "configs/sharp-16k.yaml", "configs/sharp-64k.yaml" };
	static const sched_kind_t scheds[] = { SCHED_KIND_SEQUENTIAL, SCHED_KIND_BATCH, SCHED_KIND_INTERGATE,
					       SCHED_KIND_UNFOLDED };
	static const struct {
		cell_kind_t cell;
		uint32_t h, b;
	} shapes[] = { { CELL_LSTM, 256, 1 }, { CELL_LSTM, 512, 2 }, { CELL_GRU, 1024, 1 }, { CELL_LSTM, 1536, 1 } };
	for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++)
		for (size_t s = 0; s < sizeof scheds / sizeof scheds[0]; s++)
			for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
				hw_cfg_t h;
				sim_err_t e = { 0 };
				ck_assert_msg(config_load_hw(presets[p], NULL, 0, &h, &e) == SIM_OK, "%s", e.msg);
				h.scheduler = scheds[s];
				h.memory.weights = WEIGHTS_RESIDENT;
				layer_cfg_t l = layer(shapes[i].cell, shapes[i].h, shapes[i].h, 6, shapes[i].b, false);
				l.direction = DIR_BI;
				uint64_t seq = run1(&h, &l, NULL, false);
				h.direction_schedule = DIRSCHED_INTERLEAVED;
				uint64_t il = run1(&h, &l, NULL, false);
				ck_assert_msg(il <= seq, "%s %s %s H=%u B=%u: interleaved %llu > sequential %llu",
					      presets[p], hw_sched_name(scheds[s]), workload_cell_name(shapes[i].cell),
					      shapes[i].h, shapes[i].b, (unsigned long long)il,
					      (unsigned long long)seq);
				if (strstr(presets[p], "64k"))
					ck_assert_msg(il < seq, "%s %s H=%u: interleaved %llu not faster than %llu",
						      presets[p], hw_sched_name(scheds[s]), shapes[i].h,
						      (unsigned long long)il, (unsigned long long)seq);
			}
}
END_TEST

/* A layer explored on the fly is explored once per process and key: the
 * two passes of a bidirectional layer and a later run of an equal layer
 * reuse it (tile_cache_explored), a layer of another T does not; the tiles
 * and cycles are those of a run that explores everything afresh. */
START_TEST(explored_once)
{
	hw_cfg_t h = hw_tiny(16, 32, TILE_AUTO, SCHED_KIND_UNFOLDED);
	snprintf(h.name, sizeof h.name, "no-table");
	layer_cfg_t l[2] = { layer(CELL_LSTM, 48, 48, 5, 1, false), layer(CELL_LSTM, 48, 48, 5, 1, false) };
	l[0].direction = DIR_BI;
	workload_t w = { .name = "t", .path = "t", .layers = l, .n_layers = 1 };
	tile_cache_t *cache = tile_cache_create();
	run_opts_t o = { .tile_cache = cache };
	run_result_t r, fresh;
	sim_err_t e = { 0 };
	ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
	run_opts_t none = { 0 };
	ck_assert_msg(accel_run(&h, &w, &none, &fresh, &e) == SIM_OK, "%s", e.msg);
	ck_assert_uint_eq(r.cycles, fresh.cycles);
	ck_assert_int_eq(r.layers[0].tile, fresh.layers[0].tile);
	const tile_table_t *m = tile_cache_explored(cache, resolve_timing_key(&r.hw));
	ck_assert_uint_eq(m->n, 1);
	ck_assert_uint_eq(m->e[0].timesteps, 5);
	run_result_free(&r);
	run_result_free(&fresh);
	l[0].direction = DIR_UNI;
	w.n_layers = 2;
	ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
	ck_assert_uint_eq(m->n, 1);
	run_result_free(&r);
	l[1].timesteps = 9;
	ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
	ck_assert_uint_eq(m->n, 2);
	run_result_free(&r);
	tile_cache_destroy(cache);
}
END_TEST

/* useful_macs = G*H*(I+H)*T*B exactly, for every cell, form, batch, tile
 * config and scheduler, on sizes that pad in both directions. The count
 * comes from the per-tile lane masks; the formula is the independent
 * check. */
START_TEST(mac_counts)
{
	static const struct {
		cell_kind_t c;
		gru_form_t f;
		uint64_t g;
	} cells[] = { { CELL_LSTM, GRU_LBR, 4 },	  { CELL_GRU, GRU_LBR, 3 },
		      { CELL_GRU, GRU_RBM, 3 },		  { CELL_VANILLA, GRU_LBR, 1 },
		      { CELL_LSTM_PEEPHOLE, GRU_LBR, 4 }, { CELL_LSTM_COUPLED, GRU_LBR, 3 } };
	for (size_t ci = 0; ci < sizeof cells / sizeof cells[0]; ci++)
		for (uint32_t b = 1; b <= 3; b += 2)
			for (unsigned cfg = 1; cfg <= 4; cfg++)
				for (int s = 0; s < SCHED_KIND_ALL; s++)
					for (int skip = 0; skip < 2; skip++) {
						layer_cfg_t l = layer(cells[ci].c, 13, 21, 2, b, skip);
						l.gru_form = cells[ci].f;
						hw_cfg_t h = hw_tiny(8, 4, (tile_sel_t)cfg, (sched_kind_t)s);
						h.compute.pad_reconfig = (cfg + (unsigned)s) % 2;
						run_result_t r;
						run1(&h, &l, &r, false);
						uint64_t want = cells[ci].g * 21 * ((skip ? 0 : 13) + 21) * 2 * b;
						ck_assert_uint_eq(r.useful_macs, want);
						ck_assert_uint_eq(r.issued_macs, test_counter(&r, "vs.busy") * 8 * 4);
						run_result_free(&r);
					}
}
END_TEST

/* The paper's schedule ordering on a small LSTM with W.x at a budget where
 * the step tail matters. */
START_TEST(schedule_ordering)
{
	layer_cfg_t l = layer(CELL_LSTM, 64, 64, 4, 1, false);
	uint64_t c[SCHED_KIND_COUNT];
	for (int s = 0; s < SCHED_KIND_COUNT; s++) {
		hw_cfg_t h = hw_tiny(64, 32, TILE_CONFIG4, (sched_kind_t)s);
		c[s] = run1(&h, &l, NULL, false);
	}
	ck_assert_uint_le(c[SCHED_KIND_UNFOLDED], c[SCHED_KIND_INTERGATE]);
	ck_assert_uint_le(c[SCHED_KIND_INTERGATE], c[SCHED_KIND_SEQUENTIAL]);
	ck_assert_uint_le(c[SCHED_KIND_BATCH], c[SCHED_KIND_SEQUENTIAL]);
	ck_assert_uint_lt(c[SCHED_KIND_UNFOLDED], c[SCHED_KIND_SEQUENTIAL]);
}
END_TEST

/* A watchdog shorter than the DRAM latency sees nothing move and stops
 * with a message naming the blocked units. */
START_TEST(watchdog_names_the_blockage)
{
	layer_cfg_t l = layer(CELL_LSTM, 4, 4, 1, 1, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.memory.dram.latency = 5000;
	h.watchdog = 100;
	workload_t w = { .name = "t", .path = "t", .layers = &l, .n_layers = 1 };
	run_opts_t o = { .cold = true };
	run_result_t r;
	sim_err_t e = { 0 };
	ck_assert_int_eq(accel_run(&h, &w, &o, &r, &e), SIM_EDEADLOCK);
	ck_assert_ptr_nonnull(strstr(e.msg, "nothing moved for 100 cycles"));
	ck_assert_ptr_nonnull(strstr(e.msg, "preact FIFO 0/16"));
	ck_assert_ptr_nonnull(strstr(e.msg, "weight_fetch"));
}
END_TEST

/* The coupled LSTM (CIFG, f = 1 - i) has three gates of MACs, i g o: the
 * VS array does 3H rows a step and the cell updater's extra add (1 - i)
 * sits inside its depth Lc. On the cases above:
 *  Sequential, no W.x, H = 4 on N = 4, K = 32: one segment per gate, three
 *    one-tile segments in slots 0..2, s = 2: P = 2 + 40 = 42 (LSTM's four
 *    give 43); T = 2 -> 85. Useful MACs 3 * 4 * 4 * 2 = 96.
 *  Intergate, same layer: one segment of 32 rows, 10 per gate (4 real),
 *    one tile, s = 0: P = 40, as LSTM; T = 3 -> 121.
 *  Sequential with W.x, I = H = 8: 3 gates x (X 2 + H 2) = 12 tiles,
 *    s = 11: P = 51 -> T = 2: 103 (LSTM: 16 tiles, 111). Useful MACs
 *    3 * 8 * (8 + 8) * 2 = 768.
 *  The cell updater's work: 3 multiplies, 2 adds, 1 tanh per element; the
 *    MFU 2 sigmoids (i, o) and 1 tanh (g) per element. */
START_TEST(coupled_lstm_three_gates)
{
	layer_cfg_t l = layer(CELL_LSTM_COUPLED, 4, 4, 2, 1, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_SEQUENTIAL);
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 2 * 42 + 1);
	ck_assert_uint_eq(r.useful_macs, 3 * 4 * 4 * 2);
	ck_assert_uint_eq(test_counter(&r, "cell.mults"), 3 * 4 * 2);
	ck_assert_uint_eq(test_counter(&r, "cell.adds"), 2 * 4 * 2);
	ck_assert_uint_eq(test_counter(&r, "cell.tanh"), 1 * 4 * 2);
	ck_assert_uint_eq(test_counter(&r, "mfu.sigmoid"), 2 * 4 * 2);
	ck_assert_uint_eq(test_counter(&r, "mfu.tanh"), 1 * 4 * 2);
	run_result_free(&r);
	l.timesteps = 3;
	h.scheduler = SCHED_KIND_INTERGATE;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 40 + 1);
	l = layer(CELL_LSTM_COUPLED, 8, 8, 2, 1, false);
	h.scheduler = SCHED_KIND_SEQUENTIAL;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 2 * 51 + 1);
	ck_assert_uint_eq(r.useful_macs, 3 * 8 * (8 + 8) * 2);
	run_result_free(&r);
}
END_TEST

/* The peephole LSTM has LSTM's four gates of MACs; its P*c terms and
 * sigmoids are in the cell updater, which is Lp + Lt deeper for such a
 * layer: Lp = cell_updater.peephole_latency (default 6: P*c, its add and
 * the sigmoid's add on the i, f path, 3, and the same 3 on the o path after
 * c_t) and Lt = cell_updater.tanh_latency (15: the sigmoid as tanh, which
 * the i, f path must pass before the c update). On the single-tile case
 * (Intergate, H = 4 on N = 4, K = 32, T = 3): P = 40 + 6 + 15 = 61 -> 184
 * cycles; with Lp = 4, P = 59 -> 178; with Lp = 0, P = 55 -> 166; an LSTM
 * with any Lp, 121. The MFU only tanh's g (i, f, o pass on biased); the cell
 * updater does 6 multiplies, 7 adds and 4 tanh per element. */
START_TEST(peephole_lstm_deeper_cell_update)
{
	layer_cfg_t l = layer(CELL_LSTM_PEEPHOLE, 4, 4, 3, 1, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 3 * 61 + 1);
	ck_assert_uint_eq(r.useful_macs, 4 * 4 * 4 * 3);
	ck_assert_uint_eq(test_counter(&r, "mfu.sigmoid"), 0);
	ck_assert_uint_eq(test_counter(&r, "mfu.tanh"), 4 * 3);
	ck_assert_uint_eq(test_counter(&r, "cell.mults"), 6 * 4 * 3);
	ck_assert_uint_eq(test_counter(&r, "cell.adds"), 7 * 4 * 3);
	ck_assert_uint_eq(test_counter(&r, "cell.tanh"), 4 * 4 * 3);
	run_result_free(&r);
	h.cell.peephole_latency = 4;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 59 + 1);
	h.cell.peephole_latency = 0;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 55 + 1);
	/* It never deepens the other cells. */
	h.cell.peephole_latency = 50;
	l.cell = CELL_LSTM;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 40 + 1);
}
END_TEST

/* A hardened wide unit and a reconfigured narrow one with the same tile are
 * the same machine for a layer: K = 128 on N = 8 in config4 (128 x 8,
 * d = log2 8 = 3) against K = 32 on N = 32 in config2 (4K = 128 rows x
 * N/4 = 8 columns, d = log2 32 - 2 = 3). The cell updater is a fixed unit
 * of cell_updater.lanes (docs/hardware.md §2.5), not K/4, so every
 * schedule takes the same cycles on both. (With lanes = K/4 the K = 128
 * unit had 32 lanes against 8 and finished each step's cell updates
 * sooner.) */
START_TEST(hardened_equals_reconfigured)
{
	for (int s = 0; s < SCHED_KIND_COUNT; s++) {
		layer_cfg_t l = layer(CELL_LSTM, 128, 128, 3, 1, false);
		hw_cfg_t wide = hw_tiny(8, 128, TILE_CONFIG4, (sched_kind_t)s);
		hw_cfg_t narrow = hw_tiny(32, 32, TILE_CONFIG2, (sched_kind_t)s);
		ck_assert_uint_eq(run1(&wide, &l, NULL, false), run1(&narrow, &l, NULL, false));
	}
}
END_TEST

/* A capped weight-buffer port also idles lanes as weight_fetch, but it is
 * on-chip: the run is not DRAM-bound however long it waits. H = 8 without
 * W.x on N = 4, K = 32: each step's two 32 x 4 config4 tiles are 256 bytes
 * each; at 16 bytes a cycle the port needs 16 cycles a tile, so the array
 * waits on the port every step (idle.weight_fetch > 0), never on DRAM. */
START_TEST(capped_port_is_not_dram_bound)
{
	layer_cfg_t l = layer(CELL_LSTM, 8, 8, 3, 1, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.memory.wbuf.bytes_per_cycle = 16;
	run_result_t r;
	run1(&h, &l, &r, false);
	ck_assert_uint_gt(test_counter(&r, "idle.weight_fetch"), 0);
	ck_assert_uint_eq(test_counter(&r, "ctrl.dram_wait"), 0);
	ck_assert(!r.dram_bound);
	run_result_free(&r);
}
END_TEST

/* Sequential and Batch at the budgets where the MVM dominates (1K and 4K:
 * N = 32 and 128 at K = 32, config4 fixed as in Figure 11, I = H): the
 * paper finds them "almost similar". Both update an element once its o
 * gate is activated; they differ only in block order (gate by gate against
 * the four gates of a row range together), so they must stay within 3 %.
 * The whole-vector reading (cell_update: vector) adds the cell updates of
 * the last o block's vector after the MVM each step, so it is never
 * faster. */
START_TEST(sequential_close_to_batch)
{
	static const uint32_t ns[] = { 32, 128 }, hs[] = { 256, 1024 };
	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < 2; j++) {
			layer_cfg_t l = layer(CELL_LSTM, hs[j], hs[j], 4, 1, false);
			hw_cfg_t h = hw_tiny(ns[i], 32, TILE_CONFIG4, SCHED_KIND_SEQUENTIAL);
			uint64_t seq = run1(&h, &l, NULL, false);
			h.cell_update = CELL_UPDATE_VECTOR;
			uint64_t vec = run1(&h, &l, NULL, false);
			h = hw_tiny(ns[i], 32, TILE_CONFIG4, SCHED_KIND_BATCH);
			uint64_t bat = run1(&h, &l, NULL, false);
			double d = ((double)seq - (double)bat) / (double)bat;
			ck_assert_msg(d < 0.03 && d > -0.03, "N = %u, H = %u: sequential %llu, batch %llu", ns[i],
				      hs[j], (unsigned long long)seq, (unsigned long long)bat);
			ck_assert_uint_ge(vec, seq);
		}
}
END_TEST

/* The gate buffer's occupancy (gatebuf.peak_values, which sizes it in the
 * energy model). Sequential issues all of i, then f, g and o over the whole
 * hidden range. With the whole-vector update no element is read before
 * every gate of the step is written, so the peak is the step's G*H*B
 * values: 4 * 16 * 2 = 128. With the per-element update, i, f and g of
 * every element (3*H*B = 96) are held before the first o arrives, and no
 * more than the whole step can be: 96 < peak <= 128. */
START_TEST(gate_buffer_peak)
{
	layer_cfg_t l = layer(CELL_LSTM, 16, 16, 2, 2, false);
	hw_cfg_t h = hw_tiny(4, 8, TILE_CONFIG4, SCHED_KIND_SEQUENTIAL);
	run_result_t r;
	h.cell_update = CELL_UPDATE_VECTOR;
	run1(&h, &l, &r, false);
	ck_assert_uint_eq(test_counter(&r, "gatebuf.peak_values"), 128);
	run_result_free(&r);
	h.cell_update = CELL_UPDATE_ELEMENT;
	run1(&h, &l, &r, false);
	ck_assert_uint_gt(test_counter(&r, "gatebuf.peak_values"), 96);
	ck_assert_uint_le(test_counter(&r, "gatebuf.peak_values"), 128);
	run_result_free(&r);
}
END_TEST

/* Stored weights (weight_bits): a streamed run's DRAM and weight-buffer
 * bytes. LSTM H = 64 without W.x on N = 32, K = 32, config4 (32 x 32
 * tiles): 256 rows = 8 segments of 32 rows (4 gates x 8), 64 columns = 2
 * column tiles each, 16 tiles a step, T = 2. Everything streams: the
 * buffer is the staging area plus one byte (no tile fits the resident
 * byte), and the staging area holds the whole layer, so every step's bytes
 * are read from DRAM exactly once.
 *   fp16:              a tile is 32*32*2 = 2048 bytes; 2 * 16 * 2048 = 65536
 *   4 bits, row scales: 32*32*4/8 + 32 rows * 4 (fp32) = 512 + 128 = 640;
 *                      2 * 16 * 640 = 20480 = 65536 / 4 + 2 * 16 * 128
 *   2 bits, one scale a tile (tensor): 256 + 4 = 260; 2 * 16 * 260 = 8320
 * The read port moves the same bytes: a tile is read as 32 K-wide bank
 * rows of 32 * bits / 8 bytes plus its scales (wbuf.read_bytes).
 * Cycles: the run is DRAM-bound to its end (a tile arrives every 40 or
 * 12.5 cycles at 51.2 bytes a cycle, the array takes one a cycle). The
 * stream is requested from cycle 0 and byte x has arrived at cycle
 * ceil(x / 51.2) + 49 (dram_load_and_cold_start), so the last tile issues
 * at ceil(B / 51.2) + 49 and the run ends a step's tail later: tail =
 * R + M + d + A + Lm + Lc + 2 = 1 + 1 + 5 + 1 + 15 + 18 + 2 = 43, + 1.
 *   fp16: ceil(65536 / 51.2) = 1280 -> 1280 + 49 + 44 = 1373
 *   4-bit: ceil(20480 / 51.2) = 400 ->  400 + 49 + 44 = 493
 *   2-bit: ceil(8320 / 51.2)  = 163 ->  163 + 49 + 44 = 256
 * 4 bits take 880 cycles fewer than fp16: the 45056 bytes not read, at
 * 51.2 bytes a cycle. */
START_TEST(stored_bytes_streamed)
{
	layer_cfg_t l = layer(CELL_LSTM, 64, 64, 2, 1, true);
	hw_cfg_t h = hw_tiny(32, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.memory.weights = WEIGHTS_STREAM;
	h.memory.wbuf.stage_bytes = 65536;
	h.memory.wbuf.bytes = 65536 + 1;
	static const struct {
		weight_bits_t bits;
		weight_scale_t scale;
		uint64_t bytes, cycles;
	} c[] = {
		{ WBITS_16, WSCALE_ROW, 65536, 1373 },
		{ WBITS_4, WSCALE_ROW, 20480, 493 },
		{ WBITS_2, WSCALE_TENSOR, 8320, 256 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		l.weight_bits = c[i].bits;
		l.weight_scale = c[i].scale;
		run_result_t r;
		uint64_t cycles = run1(&h, &l, &r, false);
		ck_assert_int_eq(r.weights, WEIGHTS_STREAM);
		ck_assert_uint_eq(test_counter(&r, "dram.read_bytes"), c[i].bytes);
		ck_assert_uint_eq(test_counter(&r, "wbuf.read_bytes"), c[i].bytes);
		ck_assert_uint_eq(r.layers[0].weight_bytes, c[i].bytes / 2);
		ck_assert_uint_eq(r.layers[0].fp16_weight_bytes, 65536 / 2);
		ck_assert_uint_eq(cycles, c[i].cycles);
		run_result_free(&r);
	}
}
END_TEST

/* A layer that fits only compressed runs resident. LSTM H = 8 without W.x
 * on N = 4, K = 32, config4: one 32-row segment, two 32 x 4 tiles a step.
 * fp16: 2 * 256 = 512 bytes; 4 bits with row scales: 2 * (32*4*4/8 + 32*4)
 * = 2 * (64 + 128) = 384. A 448-byte buffer (256 of staging) holds the
 * 4-bit layer but not the fp16 one: under auto the fp16 layer streams and
 * the 4-bit one is resident, with a resident run's cycles: the last tile
 * of a step issues in slot s = 1, P = 1 + 40 = 41, T = 3 -> 3 * 41 + 1 =
 * 124, the count of the fp16 layer in a buffer that holds it. */
START_TEST(fits_only_compressed)
{
	layer_cfg_t l = layer(CELL_LSTM, 8, 8, 3, 1, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 124);
	h.memory.weights = WEIGHTS_AUTO;
	h.memory.wbuf.bytes = 448;
	h.memory.wbuf.stage_bytes = 256;
	run_result_t r;
	run1(&h, &l, &r, false);
	ck_assert_int_eq(r.weights, WEIGHTS_STREAM);
	ck_assert(!r.weights_fit);
	run_result_free(&r);
	l.weight_bits = WBITS_4;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 124);
	ck_assert_int_eq(r.weights, WEIGHTS_RESIDENT);
	ck_assert(r.weights_fit);
	ck_assert_uint_eq(r.layers[0].weight_bytes, 384);
	ck_assert_uint_eq(r.layers[0].fp16_weight_bytes, 512);
	ck_assert(r.layers[0].fits_only_compressed);
	ck_assert_uint_eq(test_counter(&r, "dram.read_bytes"), 0);
	ck_assert_uint_eq(test_counter(&r, "idle.weight_fetch"), 0);
	run_result_free(&r);
}
END_TEST

/* The read port moves stored bytes. capped_port_is_not_dram_bound's layer
 * (H = 8 without W.x, N = 4, K = 32, config4: two tiles a step, each read
 * as 4 bank rows) behind a 16-byte-a-cycle port. The bucket starts empty,
 * gains 16 bytes at the end of each cycle, holds at most a full fp16 tile
 * (N*K*2 = 256), and a tile issues in the first cycle c whose bucket holds
 * its bank bytes. Between steps the ~40-cycle tail refills it to 256.
 *   fp16, 4 * 32 * 2 = 256 bytes a tile: step 0 tiles at 16, 32 (s0 = 32);
 *     later steps: 256 - 256 = 0 left, tile 1 waits 16 cycles (s = 16)
 *   4 bits, row scales, 4 * 16 + 32 * 4 = 192: step 0 at 12, 24 (s0 = 24);
 *     later: 64 left, 128 more = 8 cycles (s = 8)
 *   4 bits, one scale, 4 * 16 + 4 = 68: step 0 at ceil(68/16) = 5, then
 *     12 left, 56 more = 4 cycles: 9 (s0 = 9); later 188 left: s = 1
 * cycles = s0 + 41 + (T - 1) * (s + 40), T = 3:
 *   fp16 32 + 41 + 2 * 56 = 185; row 24 + 41 + 2 * 48 = 161;
 *   tensor 9 + 41 + 2 * 41 = 132. */
START_TEST(narrow_weights_ease_the_port)
{
	layer_cfg_t l = layer(CELL_LSTM, 8, 8, 3, 1, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.memory.wbuf.bytes_per_cycle = 16;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 185);
	l.weight_bits = WBITS_4;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 161);
	l.weight_scale = WSCALE_TENSOR;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 132);
}
END_TEST

/* A decompression unit slower than the VS array stalls it (dcmp.h). LSTM
 * H = 8 without W.x on N = 4, K = 32, config4: one 32-row segment of two
 * 32 x 4 tiles a step, all rows and columns real, so each tile of 4-bit
 * weights expands 128 weights. The unit's credit is capped at N*K = 128 and
 * starts each layer full; it gains W a cycle after the controller's turn.
 *   fp16 (bypasses the unit): slots 0, 1, s = 1, P = 41, T = 3 -> 124.
 *   4-bit, W = 32: tile 0 at slot 0 takes the credit to 0; it refills 32,
 *     64, 96, 128 after slots 0..3, so slots 1..3 are decompress bubbles
 *     and tile 1 issues in slot 4: s = 4, P = 44. The 40 cycles to the next
 *     step refill the credit, so every step repeats: 3 * 44 + 1 = 133
 *     cycles, 3 bubbles a step: 3 * 3 * 128 = 1152 lane-cycles
 *     idle.decompress, nothing else moves (ceil(128 / 32) = 4 slots a tile).
 *   4-bit, W = 48: the credit is 48, 96, 128 (capped) after slots 0..2:
 *     tile 1 in slot 3, P = 43 -> 130, 2 * 3 * 128 = 768 idle.decompress.
 *   latency D = 2 deepens the read line of a layer the unit decodes: the
 *     tile reaches the VS array R + D cycles after issue, P = 44 + 2 = 46 ->
 *     139 at W = 32; an fp16 layer bypasses the unit and keeps 124.
 * Decoded weights: 2 tiles x 128 x 3 steps = 768 (dcmp.weights). */
START_TEST(decompression_unit_stalls)
{
	layer_cfg_t l = layer(CELL_LSTM, 8, 8, 3, 1, true);
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.decompress.weights_per_cycle = 32;
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 124);
	ck_assert_uint_eq(test_counter(&r, "dcmp.weights"), 0);
	run_result_free(&r);
	l.weight_bits = WBITS_4;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 133);
	ck_assert_uint_eq(test_counter(&r, "idle.decompress"), 1152);
	ck_assert_uint_eq(test_counter(&r, "dcmp.weights"), 768);
	ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), 768);
	run_result_free(&r);
	h.decompress.weights_per_cycle = 48;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 130);
	ck_assert_uint_eq(test_counter(&r, "idle.decompress"), 768);
	run_result_free(&r);
	h.decompress.weights_per_cycle = 0; /* auto: a full tile a cycle */
	ck_assert_uint_eq(run1(&h, &l, &r, false), 124);
	ck_assert_uint_eq(test_counter(&r, "idle.decompress"), 0);
	run_result_free(&r);
	h.decompress.weights_per_cycle = 32;
	h.decompress.latency = 2;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 139);
	l.weight_bits = WBITS_16;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 124);
}
END_TEST

/* Pruned weights: useful MACs are the non-zeros, and a per-lane zero is
 * issued, not skipped (docs/compression.md §6). LSTM I = H = 30, T = 2,
 * B = 2 on N = 4, K = 32 (config4), Intergate. W and U are 120 x 30 =
 * 3600 weights each, pruned apart:
 *   unstructured s = 0.3: floor(0.3 * 3600) = 1080 zeros, 2520 left each;
 *   row_balanced s = 0.3: every row keeps 30 - floor(9) = 21: 120 * 21 =
 *     2520 each;
 *   block s = 0.3, b = 5: 6 blocks a block row, floor(1.8) = 1 zero block
 *     in each of the 24 block rows: 3600 - 24 * 25 = 3000 each;
 * so 5040 (5040, 6000) non-zeros a step, times T * B = 4: 20160 (20160,
 * 24000) useful MACs. Stored dense, nothing is skipped: the cycles are the
 * dense layer's, and the pruned lanes, (7200 - nnz) * 4, are
 * idle.zero_weight. */
START_TEST(pruned_useful_macs)
{
	static const struct {
		sparse_pattern_t pat;
		uint32_t block;
		uint64_t nnz;
	} c[] = { { SPARSE_UNSTRUCTURED, 8, 5040 }, { SPARSE_ROW_BALANCED, 8, 5040 }, { SPARSE_BLOCK, 5, 6000 } };
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	layer_cfg_t l = layer(CELL_LSTM, 30, 30, 2, 2, false);
	uint64_t dense = run1(&h, &l, NULL, false);
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		l.sparsity = 0.3;
		l.sparsity_pattern = c[i].pat;
		l.sparsity_block = c[i].block;
		run_result_t r;
		ck_assert_uint_eq(run1(&h, &l, &r, false), dense);
		ck_assert_uint_eq(r.useful_macs, c[i].nnz * 4);
		ck_assert_uint_eq(r.layers[0].nnz_per_step, c[i].nnz);
		ck_assert_uint_eq(r.dense_macs, 7200 * 4);
		ck_assert_uint_eq(test_counter(&r, "idle.zero_weight"), (7200 - c[i].nnz) * 4);
		run_result_free(&r);
	}
}
END_TEST

/* A sparse layout lets the VS array skip a column tile with no non-zero.
 * Vanilla RNN, I = 16, H = 4, T = 3 on N = 4, K = 4, config4 (4 x 4
 * tiles), Intergate: one segment of 4 real rows; W (4 x 16) is 4 column
 * tiles, U (4 x 4) one. Block sparsity s = 0.5 with b = 4 (the tile):
 * W's one block row zeroes floor(0.5 * 4) = 2 of its 4 blocks, U's
 * floor(0.5 * 1) = 0: half of W's tiles are zero. The step's single
 * segment (X then H, one block) issues its last tile in slot s, and
 * P = s + R + M + d + A + Lm + Lc + 2 + (E - 1) = s + 1 + 1 + 2 + 1 + 15 +
 * 18 + 2 + 0 = s + 40 (d = log2(4) = 2, E = ceil(4 / 8) = 1):
 *   dense: 5 tiles, s = 4, P = 44, 3 * 44 + 1 = 133 cycles;
 *   stored dense with the zeros: the same 133 cycles, 2 * 16 * 3 = 96
 *     zero-weight lanes (the zeros are stored and issued);
 *   bitmask (or bsr): 3 tiles, s = 2, P = 42, 3 * 42 + 1 = 127 cycles.
 * Useful MACs either way: (32 + 16) * 3 = 144. */
START_TEST(zero_tiles_skipped)
{
	hw_cfg_t h = hw_tiny(4, 4, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	layer_cfg_t l = layer(CELL_VANILLA, 16, 4, 3, 1, false);
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 133);
	l.sparsity = 0.5;
	l.sparsity_pattern = SPARSE_BLOCK;
	l.sparsity_block = 4;
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 133);
	ck_assert_uint_eq(r.useful_macs, 144);
	ck_assert_uint_eq(test_counter(&r, "idle.zero_weight"), 96);
	run_result_free(&r);
	static const sparse_format_t fmt[] = { SFMT_BITMASK, SFMT_BSR };
	for (size_t i = 0; i < 2; i++) {
		l.sparse_format = fmt[i];
		ck_assert_uint_eq(run1(&h, &l, &r, false), 127);
		ck_assert_uint_eq(r.useful_macs, 144);
		ck_assert_uint_eq(test_counter(&r, "idle.zero_weight"), 0);
		ck_assert_uint_eq(test_counter(&r, "ctrl.tiles"), 3 * 3);
		run_result_free(&r);
	}
}
END_TEST

/* Sparse storage against dense, from cmp_store's formula. LSTM I = H = 32
 * on N = 4, K = 32, config4: 32 x 4 tiles of 128 positions, 64 tiles a
 * step (8192 weights, 16384 bytes at fp16), none padded.
 *   bitmask, fp16 values: a tile is 128 + 16 nnz bits = 16 + 2 nnz bytes,
 *     so a step is 1024 + 2 nnz; it beats dense below nnz = 7680, a
 *     density of 120/128 = 0.9375, the per-tile crossover
 *     cmp_store_crossover gives (120 non-zeros of 128).
 *     s = 0.05: 2 * (4096 - floor(204.8)) = 7784 non-zeros -> 16592 bytes,
 *     more than dense; s = 0.10: 2 * (4096 - 409) = 7374 -> 15772, less.
 *   csr, 16-bit indices, 32-bit pointers: nnz (16 + 16) + 33 * 32 bits =
 *     4 nnz + 132 bytes a tile, 4 nnz + 8448 a step: it pays below nnz =
 *     1984 (crossover 31 of 128 a tile). s = 0.7: 2 * (4096 - 2867) = 2458
 *     -> 18280 bytes, more; s = 0.8: 2 * (4096 - 3276) = 1640 -> 15008,
 *     less. (No 128-weight tile is all zero at these sparsities: none is
 *     skipped; the byte counts above would show it.) */
START_TEST(sparse_storage_crossover)
{
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	layer_cfg_t l = layer(CELL_LSTM, 32, 32, 1, 1, false);
	cmp_store_cfg_t dense = { .layout = CMP_LAYOUT_DENSE, .value_bits = 16 };
	cmp_store_cfg_t bm = { .layout = CMP_LAYOUT_BITMASK, .value_bits = 16 };
	cmp_store_cfg_t csr = { .layout = CMP_LAYOUT_CSR, .value_bits = 16, .index_bits = 16, .ptr_bits = 32 };
	ck_assert_int_eq(cmp_store_crossover(&bm, &dense, 32, 4), 120);
	ck_assert_int_eq(cmp_store_crossover(&csr, &dense, 32, 4), 31);
	static const struct {
		sparse_format_t f;
		double s;
		uint64_t bytes;
	} c[] = {
		{ SFMT_DENSE, 0.0, 16384 }, { SFMT_BITMASK, 0.05, 16592 }, { SFMT_BITMASK, 0.10, 15772 },
		{ SFMT_CSR, 0.7, 18280 },   { SFMT_CSR, 0.8, 15008 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		l.sparse_format = c[i].f;
		l.sparsity = c[i].s;
		run_result_t r;
		run1(&h, &l, &r, false);
		ck_assert_uint_eq(r.layers[0].weight_bytes, c[i].bytes);
		ck_assert_uint_eq(test_counter(&r, "ctrl.tiles"), 64);
		run_result_free(&r);
	}
}
END_TEST

/* The I/H buffer traffic and the tree adds the energy model prices
 * (docs/energy.md §1), on an LSTM with I = H = 32, T = 2, B = 1, N = 4,
 * K = 32, config4 (tiles of Kr = 32 rows x Kc = 4 columns), Sequential (one
 * segment per gate and partition: 32 rows, all real):
 *   operand reads  one per real column per accepted tile: a segment reads
 *                  its partition's 32 columns once, 4 gates x (X 32 + H 32)
 *                  = 256 per step, x T 2 = 512 (= useful MACs / Kr: no
 *                  padding, 4*32*64*2 / 32)
 *   input writes   I x B x T = 32 x 1 x 2 = 64 (x_t of the first layer)
 *   tree adds      per tile 32 real rows x (4 real columns - 1) = 96;
 *                  4 gates x (8 + 8) tiles x T 2 = 128 tiles -> 12288
 *                  (= N*K - Kr per tile: nothing padded)
 * With I = H = 30 (2 padded rows per gate segment, the last column tile
 * of each partition 2 real columns wide):
 *   operand reads  4 gates x (30 + 30) x 2 = 480; input writes 30 x 2 = 60
 *   tree adds      per gate and partition 30 rows x (7 tiles x 3 + 1 x 1)
 *                  = 660; x 4 gates x 2 partitions x T 2 = 10560, where
 *                  charging every lane would give 128 tiles x 96 = 12288.
 * A bidirectional layer is two passes that each prefetch x_t: 2 x 64 input
 * writes, twice the operand reads. Fast-forward must give the same counts. */
START_TEST(ih_traffic_and_tree_adds)
{
	static const struct {
		uint32_t size;
		uint64_t reads, writes, adds;
	} c[] = { { 32, 512, 64, 12288 }, { 30, 480, 60, 10560 } };
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		for (int ff = 0; ff < 2; ff++) {
			hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_SEQUENTIAL);
			layer_cfg_t l = layer(CELL_LSTM, c[i].size, c[i].size, 2, 1, false);
			workload_t w = { .name = "t", .path = "t", .layers = &l, .n_layers = 1 };
			run_opts_t o = { .fast_forward = ff };
			run_result_t r;
			sim_err_t e = { 0 };
			ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
			ck_assert_uint_eq(test_counter(&r, "ihbuf.operand_reads"), c[i].reads);
			ck_assert_uint_eq(test_counter(&r, "ihbuf.input_writes"), c[i].writes);
			ck_assert_uint_eq(test_counter(&r, "tree.adds"), c[i].adds);
			run_result_free(&r);
			l.direction = DIR_BI;
			ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
			ck_assert_uint_eq(test_counter(&r, "ihbuf.operand_reads"), 2 * c[i].reads);
			ck_assert_uint_eq(test_counter(&r, "ihbuf.input_writes"), 2 * c[i].writes);
			ck_assert_uint_eq(test_counter(&r, "tree.adds"), 2 * c[i].adds);
			run_result_free(&r);
		}
	/* A stacked layer reads the h the first layer's cell updater wrote: no
	 * second input write. */
	hw_cfg_t h = hw_tiny(4, 32, TILE_CONFIG4, SCHED_KIND_SEQUENTIAL);
	layer_cfg_t two[2] = { layer(CELL_LSTM, 32, 32, 2, 1, false), layer(CELL_LSTM, 32, 32, 2, 1, false) };
	workload_t w = { .name = "t", .path = "t", .layers = two, .n_layers = 2 };
	run_opts_t o = { 0 };
	run_result_t r;
	sim_err_t e = { 0 };
	ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
	ck_assert_uint_eq(test_counter(&r, "ihbuf.input_writes"), 64);
	ck_assert_uint_eq(test_counter(&r, "ihbuf.operand_reads"), 2 * 512);
	run_result_free(&r);
}
END_TEST

Suite *timing_suite(void)
{
	Suite *s = suite_create("timing");
	TCase *t = tcase_create("closed_form");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, single_tile_step);
	tcase_add_test(t, per_gate_segments);
	tcase_add_test(t, with_input_projection);
	tcase_add_test(t, baseline_schedules);
	tcase_add_test(t, batch_interleaves_sequences);
	tcase_add_test(t, critical_path_parameters);
	tcase_add_test(t, fifo_depth_moves_the_stall);
	tcase_add_test(t, fifo_depth_moves_cycles);
	tcase_add_test(t, binding_stage);
	tcase_add_test(t, padding_reconfiguration);
	tcase_add_test(t, dram_load_and_cold_start);
	tcase_add_test(t, streamed_weights_stall);
	tcase_add_test(t, stack_layer_fills_buffer);
	tcase_add_test(t, fc_and_bidirectional);
	tcase_add_test(t, interleaved_directions);
	tcase_add_test(t, interleaved_never_slower);
	tcase_add_test(t, explored_once);
	tcase_add_test(t, mac_counts);
	tcase_add_test(t, coupled_lstm_three_gates);
	tcase_add_test(t, peephole_lstm_deeper_cell_update);
	tcase_add_test(t, schedule_ordering);
	tcase_add_test(t, hardened_equals_reconfigured);
	tcase_add_test(t, capped_port_is_not_dram_bound);
	tcase_add_test(t, sequential_close_to_batch);
	tcase_add_test(t, watchdog_names_the_blockage);
	tcase_add_test(t, stored_bytes_streamed);
	tcase_add_test(t, fits_only_compressed);
	tcase_add_test(t, narrow_weights_ease_the_port);
	tcase_add_test(t, decompression_unit_stalls);
	tcase_add_test(t, pruned_useful_macs);
	tcase_add_test(t, zero_tiles_skipped);
	tcase_add_test(t, sparse_storage_crossover);
	tcase_add_test(t, ih_traffic_and_tree_adds);
	tcase_add_test(t, gate_buffer_peak);
	tcase_add_test(t, lstmp_projection_step);
	tcase_add_test(t, finished_sequences_not_issued);
	tcase_add_test(t, bidirectional_lengths);
	tcase_add_test(t, qrnn_recurrence_binds);
	tcase_add_test(t, activation_functions_counted);
	suite_add_tcase(s, t);
	return s;
}
