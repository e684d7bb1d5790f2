// reduce_tree - the pipelined R-Add-Reduce tree with its four taps, K lanes.
//
// Ports:
//   clk       rising-edge clock
//   fix       1: exact integer adds (fix16x8), 0: fp32 adds (fp32_add)
//   leaves    level 0, unit-major: leaf u of lane l at leaves[(u*K + l)*32 +: 32]
//             (the product register of vs_array)
//   tap_cfg   config 1..4 of the tile leaving the tree this cycle
//   tap_sum   that config's sums: row r = q*K + l (group q, lane l) at
//             tap_sum[r*32 +: 32]; rows >= groups*K read 0
// Latency: one cycle per level (every level is a register); tap_sum is
// combinational from the level d(cfg) = ceil(log2(N/groups)) register.
// Throughput: one tile per cycle. Levels: cu_depth(N) (cu_pkg.svh).
//
// Structure (docs/numerics.md, cu_pkg.svh): node f of level l+1 is
// node s + node s+1 of level l (left operand the lower index) or node s
// passed through when its group at level l has an odd count and s is last.
// Tap level d(cfg) holds exactly `groups` nodes per lane, node q being the
// sum of group q's N/groups consecutive leaves.
module reduce_tree #(
    parameter int N = 8,
    parameter int K = 8,
    // Derived, do not override: the largest of {8,4,2,1} dividing N.
    parameter int G = (N % 8 == 0) ? 8 : (N % 4 == 0) ? 4 : (N % 2 == 0) ? 2 : 1
) (
    input  logic                          clk,
    input  logic                          fix,
    input  logic [N*K*32-1:0]             leaves,
    input  logic [2:0]                    tap_cfg,
    output logic [G*K*32-1:0]             tap_sum
);
  `include "cu_pkg.svh"
  `include "arith.svh"

  localparam int D = cu_depth(N);
  // Nodes of levels 1..D, flat: level l node f lane k at cu_off(N,K,l) + f*K + k.
  localparam int NODES = cu_off(N, K, D + 1);

  logic [31:0] nd [NODES > 0 ? NODES : 1];

  for (genvar l = 0; l < D; l++) begin : g_lvl
    for (genvar f = 0; f < cu_cnt(N, l + 1); f++) begin : g_node
      // Every index is a localparam: Verilator then folds the constant
      // functions at elaboration instead of emitting them as code.
      localparam int S = cu_src(N, l, f);
      localparam int O = cu_off(N, K, l + 1) + f * K;
      localparam int P = cu_off(N, K, l);
      for (genvar k = 0; k < K; k++) begin : g_lane
        logic [31:0] a;
        if (l == 0) begin : g_from_leaves
          assign a = leaves[(S*K + k)*32 +: 32];
        end else begin : g_from_nodes
          assign a = nd[P + S*K + k];
        end
        // The adder feeds the level register directly (add_f: one function
        // shared by every node in Verilator's C++, arith.svh).
        if (cu_has_r(N, l, f)) begin : g_add
          logic [31:0] b;
          if (l == 0) begin : g_from_leaves
            assign b = leaves[((S+1)*K + k)*32 +: 32];
          end else begin : g_from_nodes
            assign b = nd[P + (S+1)*K + k];
          end
          always_ff @(posedge clk) nd[O + k] <= add_f(fix, a, b);
        end else begin : g_pass
          always_ff @(posedge clk) nd[O + k] <= a;
        end
      end
    end
  end

  // The four taps. Node q of lane k at the tap level of config x, for every
  // config this N can form; rows beyond groups(x)*K read 0.
  for (genvar q = 0; q < G; q++) begin : g_row_grp
    for (genvar k = 0; k < K; k++) begin : g_row_lane
      logic [4*32-1:0] t;  // tap x at [(x-1)*32 +: 32]; flat for Icarus and Yosys
      for (genvar x = 1; x <= 4; x++) begin : g_tap
        localparam int TD = cu_tap(N, x);
        localparam int TO = cu_off(N, K, TD);
        if (!cu_cfg_ok(N, x) || q >= cu_groups(x)) begin : g_none
          assign t[(x-1)*32 +: 32] = 32'h0;
        end else if (TD == 0) begin : g_leaf
          assign t[(x-1)*32 +: 32] = leaves[(q*K + k)*32 +: 32];
        end else begin : g_node
          assign t[(x-1)*32 +: 32] = nd[TO + q*K + k];
        end
      end
      always @* begin
        case (tap_cfg)
          3'd1:    tap_sum[(q*K + k)*32 +: 32] = t[31:0];
          3'd2:    tap_sum[(q*K + k)*32 +: 32] = t[63:32];
          3'd3:    tap_sum[(q*K + k)*32 +: 32] = t[95:64];
          3'd4:    tap_sum[(q*K + k)*32 +: 32] = t[127:96];
          default: tap_sum[(q*K + k)*32 +: 32] = 32'h0;
        endcase
      end
    end
  end
endmodule
