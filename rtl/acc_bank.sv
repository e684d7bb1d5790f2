// acc_bank - the accumulator bank: ACCS row blocks in flight, each Kr sums.
//
// Ports:
//   clk, rst       rising-edge clock, synchronous active-high reset
//   fix, acc_bits  fix16x8 mode and its accumulator width (16..32);
//                  quasi-static configuration
//   slot_free      an accumulator is unallocated, or is being freed by this
//                  cycle's pop (a block may open; combinational in out_ready)
//   in_first, in_tag, in_kr, in_has_init, in_init
//                  the tile offered at the input this cycle
//   in_slot        its accumulator: the lowest free one when it opens a
//                  block, else the open block whose tag.block and tag.seq
//                  match (combinational)
//   in_accept      the tile is accepted this cycle: a first tile allocates
//                  in_slot, stores its tag and Kr and, with has_init, writes
//                  init into the accumulator (safe: a free slot has no tile
//                  in flight); a last tile closes the block to matching
//   ex_*           the tile leaving the tree this cycle and its Kr sums
//   out_*          valid/ready: the oldest finished block, its tag, Kr and
//                  sums; popping frees its accumulator for a first tile
//                  accepted in the same cycle
// Latency: ex_* to out_valid A cycles (the add, then A-1 delay stages).
// Throughput: one tile accumulated and one block offered per cycle.
//
// Accumulate (docs/numerics.md): first tile: acc = has_init ? init + sum :
// sum; later tiles: acc = acc + sum (fp32_add, left operand the accumulator).
// fix16x8: the same with exact integer adds saturated to acc_bits on every
// add, the first sum alone included.
//
// Tag layout (cu.h cu_tag_t): {step[127:96], block[95:64], gate[63:48],
// seq[47:32], row0[31:0]}.
module acc_bank #(
    parameter int K    = 8,
    parameter int G    = 8,
    parameter int ACCS = 4,
    parameter int A    = 1,
    // Derived, do not override.
    parameter int SW   = (ACCS > 1) ? $clog2(ACCS) : 1
) (
    input  logic              clk,
    input  logic              rst,
    input  logic              fix,
    input  logic [5:0]        acc_bits,
    output logic              slot_free,
    input  logic              in_first,
    input  logic              in_last,
    input  logic [127:0]      in_tag,
    input  logic [15:0]       in_kr,
    input  logic              in_has_init,
    input  logic [G*K*32-1:0] in_init,
    output logic [SW-1:0]     in_slot,
    input  logic              in_accept,
    input  logic              ex_valid,
    input  logic [SW-1:0]     ex_slot,
    input  logic              ex_first,
    input  logic              ex_has_init,
    input  logic              ex_last,
    input  logic [G*K*32-1:0] ex_sum,
    output logic              out_valid,
    input  logic              out_ready,
    output logic [127:0]      out_tag,
    output logic [15:0]       out_kr,
    output logic [G*K*32-1:0] out_sums
);
  logic [ACCS*128-1:0] tag;  // flat: slot i at [i*128 +: 128]
  logic [15:0]       kr   [ACCS];
  logic [ACCS-1:0]   alloc, open;
  logic [SW-1:0]     fifo [ACCS];
  logic [SW-1:0]     rd, wr;
  logic [SW:0]       cnt;
  logic [SW-1:0]     free_slot, match_slot;
  logic              pop, done_v;
  logic [SW-1:0]     done_s;

  `include "arith.svh"

  // fix16x8 accumulate: base + sum (base = 0 for a fresh block) saturated
  // to [lo, hi]; sign-extended to 34 bits, two int32 values cannot overflow.
  function automatic logic [31:0] sat_add_f(input logic [31:0] base, input logic [31:0] sum,
                                            input logic fresh, input logic signed [33:0] hi,
                                            input logic signed [33:0] lo);
    logic signed [33:0] wide;
    wide = (fresh ? 34'sd0 : $signed({{2{base[31]}}, base})) + $signed({{2{sum[31]}}, sum});
    sat_add_f = (wide > hi) ? hi[31:0] : (wide < lo) ? lo[31:0] : wide[31:0];
  endfunction

  // One accumulator row's add: saturating (fix16x8), or the fp32 sum with
  // the accumulator as left operand; a fresh block without init takes the
  // sum alone. One function shared by every row in Verilator's C++
  // (no_inline_task, see arith.svh).
  function automatic logic [31:0] acc_add_f(input logic fx, input logic fresh,
                                            input logic [31:0] base, input logic [31:0] sum,
                                            input logic signed [33:0] hi,
                                            input logic signed [33:0] lo);
    /*verilator no_inline_task*/
    if (fx)         acc_add_f = sat_add_f(base, sum, fresh, hi, lo);
    else if (fresh) acc_add_f = sum;
    else            acc_add_f = fp32_add_f(base, sum);
  endfunction

  logic [SW-1:0] head;    // the oldest finished block (offered on out)
  assign head = fifo[rd];

  always @* begin
    free_slot  = head;      // the block popped this cycle, when none is free
    match_slot = '0;
    for (int i = ACCS - 1; i >= 0; i--) begin
      if (!alloc[i]) free_slot = SW'(i);
      if (open[i] && tag[i*128 + 64 +: 32] == in_tag[95:64] && tag[i*128 + 32 +: 16] == in_tag[47:32])
        match_slot = SW'(i);
    end
  end
  assign slot_free = !(&alloc) || pop;
  assign in_slot   = in_first ? free_slot : match_slot;

  // fix16x8 saturation limits: [-2^(acc_bits-1), 2^(acc_bits-1) - 1].
  logic signed [33:0] hi, lo;
  assign hi = (34'sd1 <<< (acc_bits - 6'd1)) - 34'sd1;
  assign lo = -hi - 34'sd1;

  // One row of every accumulator per generate block (small per-row memories
  // keep Verilator from building the whole bank word by concatenation). The
  // adder (acc_add_f) feeds the accumulator register directly.
  for (genvar r = 0; r < G*K; r++) begin : g_row
    logic [31:0] acc_r [ACCS];
    logic [31:0] base, sum;
    assign base = acc_r[ex_slot];
    assign sum  = ex_sum[r*32 +: 32];
    always_ff @(posedge clk) begin
      if (in_accept && in_first && in_has_init) acc_r[in_slot] <= in_init[r*32 +: 32];
      if (ex_valid) acc_r[ex_slot] <= acc_add_f(fix, ex_first && !ex_has_init, base, sum, hi, lo);
    end
    assign out_sums[r*32 +: 32] = acc_r[head];
  end

  always_ff @(posedge clk) begin
    if (in_accept && in_first) begin
      tag[in_slot*128 +: 128] <= in_tag;
      kr[in_slot]  <= in_kr;
    end
  end

  // A block is finished when its last tile has been added; A-1 further
  // stages model a deeper accumulator pipeline.
  if (A > 1) begin : g_done_delay
    logic [A-2:0]  dv;
    logic [SW-1:0] ds [A-1];
    always_ff @(posedge clk) begin
      dv[0] <= !rst && ex_valid && ex_last;
      ds[0] <= ex_slot;
      for (int i = 1; i < A - 1; i++) begin
        dv[i] <= !rst && dv[i-1];
        ds[i] <= ds[i-1];
      end
    end
    assign done_v = dv[A-2];
    assign done_s = ds[A-2];
  end else begin : g_done_now
    assign done_v = ex_valid && ex_last;
    assign done_s = ex_slot;
  end

  assign out_valid = (cnt != 0);
  assign pop       = out_valid && out_ready;
  assign out_tag   = tag[head*128 +: 128];
  assign out_kr    = kr[head];

  always_ff @(posedge clk) begin
    if (rst) begin
      alloc <= '0;
      open  <= '0;
      rd    <= '0;
      wr    <= '0;
      cnt   <= '0;
    end else begin
      // A slot popped and reallocated in one cycle stays allocated.
      if (pop) alloc[head] <= 1'b0;
      if (in_accept && in_first) alloc[in_slot] <= 1'b1;
      if (in_accept) open[in_slot] <= !in_last;
      if (done_v) begin
        fifo[wr] <= done_s;
        wr <= (wr == SW'(ACCS - 1)) ? '0 : wr + 1'b1;
      end
      if (pop) rd <= (rd == SW'(ACCS - 1)) ? '0 : rd + 1'b1;
      cnt <= cnt + (SW+1)'(done_v) - (SW+1)'(pop);
    end
  end
endmodule
