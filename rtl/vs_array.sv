// vs_array - N vector-scalar units of K multipliers, with the operand
// routing of the four tile configs.
//
// Ports:
//   clk          rising-edge clock
//   cfg          tile config 1..4 of the operands on w/x (groups 8,4,2,1)
//   fix          1: fix16x8 products, 0: fp16 x fp16 -> fp32 products
//   w            the tile's Kr x Kc weights, row-major (cu.h layout):
//                w[(r*Kc + j)*16 +: 16], Kr = groups*K, Kc = N/groups
//   x            the tile's Kc vector elements, x[j*16 +: 16]
//   prod         products, unit-major: unit u lane l at prod[(u*K + l)*32 +: 32]
// Latency: M cycles (M-1 operand register stages, then the multipliers feed
// the product register).  Throughput: one tile per cycle.
//
// Routing (docs/numerics.md): unit u of a config with Kc = N/groups columns
// belongs to group q = u / Kc and takes tile column j = u % Kc; its lane l
// computes tile row r = q*K + l, so it multiplies x[j] by w[r][j].
module vs_array #(
    parameter int N = 8,
    parameter int K = 8,
    parameter int M = 1
) (
    input  logic              clk,
    input  logic [2:0]        cfg,
    input  logic              fix,
    input  logic [N*K*16-1:0] w,
    input  logic [N*16-1:0]   x,
    output logic [N*K*32-1:0] prod
);
  `include "cu_pkg.svh"
  `include "arith.svh"

  logic [2:0]        cfg_m;
  logic [N*K*16-1:0] w_m;
  logic [N*16-1:0]   x_m;

  if (M > 1) begin : g_delay
    logic [2:0]        cfg_d [M-1];
    logic [N*K*16-1:0] w_d   [M-1];
    logic [N*16-1:0]   x_d   [M-1];
    always_ff @(posedge clk) begin
      cfg_d[0] <= cfg;
      w_d[0]   <= w;
      x_d[0]   <= x;
      for (int i = 1; i < M - 1; i++) begin
        cfg_d[i] <= cfg_d[i-1];
        w_d[i]   <= w_d[i-1];
        x_d[i]   <= x_d[i-1];
      end
    end
    assign cfg_m = cfg_d[M-2];
    assign w_m   = w_d[M-2];
    assign x_m   = x_d[M-2];
  end else begin : g_nodelay
    assign cfg_m = cfg;
    assign w_m   = w;
    assign x_m   = x;
  end

  for (genvar u = 0; u < N; u++) begin : g_unit
    logic [15:0] xu;
    // Column j of unit u under each config (the unit's group is u / Kc).
    localparam int KC1 = N / 8, KC2 = N / 4, KC3 = N / 2, KC4 = N;
    localparam int J1 = cu_cfg_ok(N, 1) ? u % KC1 : 0;
    localparam int J2 = cu_cfg_ok(N, 2) ? u % KC2 : 0;
    localparam int J3 = cu_cfg_ok(N, 3) ? u % KC3 : 0;
    localparam int J4 = u;
    always @* begin
      case (cfg_m)
        3'd1:    xu = x_m[J1*16 +: 16];
        3'd2:    xu = x_m[J2*16 +: 16];
        3'd3:    xu = x_m[J3*16 +: 16];
        default: xu = x_m[J4*16 +: 16];
      endcase
    end
    for (genvar l = 0; l < K; l++) begin : g_lane
      localparam int W1 = cu_cfg_ok(N, 1) ? ((u / KC1) * K + l) * KC1 + J1 : 0;
      localparam int W2 = cu_cfg_ok(N, 2) ? ((u / KC2) * K + l) * KC2 + J2 : 0;
      localparam int W3 = cu_cfg_ok(N, 3) ? ((u / KC3) * K + l) * KC3 + J3 : 0;
      localparam int W4 = l * KC4 + J4;
      logic [15:0] wl;
      always @* begin
        case (cfg_m)
          3'd1:    wl = w_m[W1*16 +: 16];
          3'd2:    wl = w_m[W2*16 +: 16];
          3'd3:    wl = w_m[W3*16 +: 16];
          default: wl = w_m[W4*16 +: 16];
        endcase
      end
      // The multiplier feeds the product register directly (mul_f: one
      // function shared by every lane in Verilator's C++, arith.svh).
      always_ff @(posedge clk) prod[(u*K + l)*32 +: 32] <= mul_f(fix, xu, wl);
    end
  end
endmodule
