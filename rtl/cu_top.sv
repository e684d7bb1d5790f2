// cu_top - the compute unit of sim/compute/cu.h: VS multiplier array,
// pipelined add-reduce tree with four taps, accumulator bank.
//
// Parameters: N VS units, K lanes each, M multiplier latency (>= 1),
// A accumulator latency (>= 1), ACCS accumulators (row blocks in flight).
// G (derived) = the largest of {8,4,2,1} dividing N: the most sums per lane.
//
// Ports (one clock, sampled at the rising edge; synchronous reset):
//   fix, acc_bits   precision (0 fp16, 1 fix16x8) and fix16x8 accumulator
//                   width 16..32; change only while the unit is drained
//   in_valid/in_ready  one tile per cycle:
//     in_cfg        tile config 1..4 (groups 8,4,2,1; N % groups == 0)
//     in_first/in_last/in_has_init, in_tag (cu_tag_t packed, acc_bank.sv)
//     in_w          Kr x Kc weights row-major, 16 bits each, Kr*Kc = N*K
//     in_x          Kc vector elements, 16 bits each (upper ones unused)
//     in_init       Kr fp32 (or int32) initial sums, read with a first tile
//   out_valid/out_ready  one finished row block per cycle:
//     out_tag, out_kr (= groups*K), out_sums (Kr sums, 32 bits each)
//
// Timing (cu.h), tile accepted in cycle c with tap depth d = ceil(log2(N/groups)):
//
//   cycle   c        c+1 .. c+M     c+M .. c+M+d       c+M+d        c+M+d+A
//           accept   multiply       tree levels 1..d   acc add      out_valid
//                    (product reg   (level regs)       (acc reg,    (block
//                     at end c+M-1)                     A-1 delays)  finished)
//
// so a block whose last tile is accepted in cycle c is offered from cycle
// c + M + d + A. in_ready is low when the offered tile opens a block and
// every accumulator is allocated (a block holds its accumulator from its
// first tile's acceptance until it is popped from out; a pop in this cycle
// frees it for this cycle's tile, as sim/core/accel.c pops before it
// pushes, so in_ready depends combinationally on out_ready), or when its tap is
// shallower than the previous accepted tile's by more than the cycles since
// (its result would leave the tree in or before the previous result's
// cycle). Results therefore leave the tree one per cycle in acceptance
// order, so a single exit port feeds the accumulator bank.
// Throughput: one tile per cycle at a constant config.
module cu_top #(
    parameter int N    = 8,
    parameter int K    = 8,
    parameter int M    = 1,
    parameter int A    = 1,
    parameter int ACCS = 4,
    // Derived, do not override.
    parameter int G    = (N % 8 == 0) ? 8 : (N % 4 == 0) ? 4 : (N % 2 == 0) ? 2 : 1
) (
    input  logic              clk,
    input  logic              rst,
    input  logic              fix,
    input  logic [5:0]        acc_bits,
    input  logic              in_valid,
    output logic              in_ready,
    input  logic [2:0]        in_cfg,
    input  logic              in_first,
    input  logic              in_last,
    input  logic              in_has_init,
    input  logic [127:0]      in_tag,
    input  logic [N*K*16-1:0] in_w,
    input  logic [N*16-1:0]   in_x,
    input  logic [G*K*32-1:0] in_init,
    output logic              out_valid,
    input  logic              out_ready,
    output logic [127:0]      out_tag,
    output logic [15:0]       out_kr,
    output logic [G*K*32-1:0] out_sums
);
  `include "cu_pkg.svh"

  localparam int D  = cu_depth(N);
  localparam int SW = (ACCS > 1) ? $clog2(ACCS) : 1;
  localparam int ST = M + D;          // control stages: tile at level l is in stage M-1+l
  localparam int BW = $clog2(D + 2);  // width of the tap-order counter
  // Tap depth and validity per config, as localparams so that the constant
  // functions are folded at elaboration (not emitted as simulation code).
  localparam int TD1 = cu_tap(N, 1), TD2 = cu_tap(N, 2), TD3 = cu_tap(N, 3), TD4 = cu_tap(N, 4);
  localparam bit OK1 = cu_cfg_ok(N, 1), OK2 = cu_cfg_ok(N, 2), OK3 = cu_cfg_ok(N, 3);
  // Control stage at which each config's tile leaves the tree (M-1+d).
  localparam int X1 = OK1 ? M - 1 + TD1 : 0, X2 = OK2 ? M - 1 + TD2 : 0;
  localparam int X3 = OK3 ? M - 1 + TD3 : 0, X4 = M - 1 + TD4;

  // Tap depth and Kr of the offered tile.
  logic [BW-1:0] in_d;
  logic [15:0]   in_kr;
  always @* begin
    case (in_cfg)
      3'd1:    begin in_d = BW'(TD1); in_kr = 16'(8 * K); end
      3'd2:    begin in_d = BW'(TD2); in_kr = 16'(4 * K); end
      3'd3:    begin in_d = BW'(TD3); in_kr = 16'(2 * K); end
      default: begin in_d = BW'(TD4); in_kr = 16'(K);     end
    endcase
  end

  // busy = (exit cycle of the previous accepted tile) - (this cycle) + 1,
  // floored at 0, counted in tree levels. A tile of depth d exits at
  // now + M + d, strictly after the previous one iff d >= busy.
  logic [BW-1:0] busy;
  logic          slot_free, accept;
  logic [SW-1:0] in_slot;

  assign in_ready = (in_d >= busy) && (!in_first || slot_free);
  assign accept   = in_valid && in_ready;

  always_ff @(posedge clk) begin
    if (rst)         busy <= '0;
    else if (accept) busy <= in_d;
    else if (busy != 0) busy <= busy - 1'b1;
  end

  // Control pipeline, aligned with the data: stage j holds the tile accepted
  // j+1 cycles ago.
  logic [ST-1:0] c_v, c_first, c_last, c_init;
  logic [ST*3-1:0]       c_cfg;   // stage j at [j*3 +: 3]
  logic [ST*SW-1:0]      c_slot;  // stage j at [j*SW +: SW]

  always_ff @(posedge clk) begin
    c_v[0]     <= !rst && accept;
    c_first[0] <= in_first;
    c_last[0]  <= in_last;
    c_init[0]  <= in_has_init;
    c_cfg[2:0]    <= in_cfg;
    c_slot[SW-1:0] <= in_slot;
    for (int j = 1; j < ST; j++) begin
      c_v[j]     <= !rst && c_v[j-1];
      c_first[j] <= c_first[j-1];
      c_last[j]  <= c_last[j-1];
      c_init[j]  <= c_init[j-1];
      c_cfg[j*3 +: 3]    <= c_cfg[(j-1)*3 +: 3];
      c_slot[j*SW +: SW] <= c_slot[(j-1)*SW +: SW];
    end
  end

  // Exit: the tile of config x leaves at stage M-1+d(x); the tap order rule
  // makes at most one of these true in any cycle.
  logic          ex_v, ex_first, ex_last, ex_init;
  logic [2:0]    ex_cfg;
  logic [SW-1:0] ex_slot;
  always @* begin
    ex_v = 1'b0; ex_first = 1'b0; ex_last = 1'b0; ex_init = 1'b0;
    ex_cfg = 3'd4; ex_slot = '0;
    if (OK1 && c_v[X1] && c_cfg[X1*3 +: 3] == 3'd1) begin
      ex_v = 1'b1; ex_cfg = 3'd1;
      ex_first = c_first[X1]; ex_last = c_last[X1]; ex_init = c_init[X1]; ex_slot = c_slot[X1*SW +: SW];
    end
    if (OK2 && c_v[X2] && c_cfg[X2*3 +: 3] == 3'd2) begin
      ex_v = 1'b1; ex_cfg = 3'd2;
      ex_first = c_first[X2]; ex_last = c_last[X2]; ex_init = c_init[X2]; ex_slot = c_slot[X2*SW +: SW];
    end
    if (OK3 && c_v[X3] && c_cfg[X3*3 +: 3] == 3'd3) begin
      ex_v = 1'b1; ex_cfg = 3'd3;
      ex_first = c_first[X3]; ex_last = c_last[X3]; ex_init = c_init[X3]; ex_slot = c_slot[X3*SW +: SW];
    end
    if (c_v[X4] && c_cfg[X4*3 +: 3] == 3'd4) begin
      ex_v = 1'b1; ex_cfg = 3'd4;
      ex_first = c_first[X4]; ex_last = c_last[X4]; ex_init = c_init[X4]; ex_slot = c_slot[X4*SW +: SW];
    end
  end

  logic [N*K*32-1:0] prod;
  logic [G*K*32-1:0] tap_sum;

  vs_array #(.N(N), .K(K), .M(M)) u_vs (
      .clk(clk), .cfg(in_cfg), .fix(fix), .w(in_w), .x(in_x), .prod(prod));

  reduce_tree #(.N(N), .K(K)) u_tree (
      .clk(clk), .fix(fix), .leaves(prod), .tap_cfg(ex_cfg), .tap_sum(tap_sum));

  acc_bank #(.K(K), .G(G), .ACCS(ACCS), .A(A)) u_acc (
      .clk(clk), .rst(rst), .fix(fix), .acc_bits(acc_bits),
      .slot_free(slot_free),
      .in_first(in_first), .in_last(in_last), .in_tag(in_tag), .in_kr(in_kr),
      .in_has_init(in_has_init), .in_init(in_init), .in_slot(in_slot), .in_accept(accept),
      .ex_valid(ex_v), .ex_slot(ex_slot), .ex_first(ex_first), .ex_has_init(ex_init),
      .ex_last(ex_last), .ex_sum(tap_sum),
      .out_valid(out_valid), .out_ready(out_ready), .out_tag(out_tag), .out_kr(out_kr),
      .out_sums(out_sums));
endmodule
