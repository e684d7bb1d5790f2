// tb_cu - Icarus Verilog replay of a vector file from gen_vectors.cpp
// against rtl/cu_top.sv: drives each cycle's inputs after the falling edge,
// checks in_ready (while in_valid), out_valid and, while out_valid, the tag,
// Kr and the first Kr sums, then lets the rising edge come.
//
//   iverilog -g2012 -Irtl -P tb_cu.N=4 -P tb_cu.K=8 -s tb_cu -o tb.vvp \
//            cosim/icarus/tb_cu.sv rtl/*.sv
//   vvp tb.vvp +vectors=FILE
//
// Prints "tb_cu: PASS <cycles>" or the first mismatches and "tb_cu: FAIL".
module tb_cu;
  parameter int N = 4;
  parameter int K = 8;
  parameter int M = 1;
  parameter int A = 1;
  parameter int ACCS = 4;
  localparam int G = (N % 8 == 0) ? 8 : (N % 4 == 0) ? 4 : (N % 2 == 0) ? 2 : 1;

  logic              clk = 1'b0, rst = 1'b1;
  logic              fix;
  logic [5:0]        acc_bits;
  logic              in_valid, in_ready, in_first, in_last, in_has_init;
  logic [2:0]        in_cfg;
  logic [127:0]      in_tag, out_tag;
  logic [N*K*16-1:0] in_w;
  logic [N*16-1:0]   in_x;
  logic [G*K*32-1:0] in_init, out_sums;
  logic              out_valid, out_ready;
  logic [15:0]       out_kr;

  cu_top #(.N(N), .K(K), .M(M), .A(A), .ACCS(ACCS)) dut (.*);

  always #5 clk = ~clk;

  // One line of the vector file.
  logic [31:0]       v_valid, v_cfg, v_first, v_last, v_init, v_oready;
  logic [31:0]       e_ready, e_ovalid, e_kr, v_fix, v_bits;
  logic [127:0]      v_tag, e_tag;
  logic [N*K*16-1:0] v_w;
  logic [N*16-1:0]   v_x;
  logic [G*K*32-1:0] v_initv, e_sums;

  integer fd, r, cycle, errors;
  string  path;

  task automatic mismatch(input string what, input logic [127:0] exp, input logic [127:0] act);
    errors = errors + 1;
    if (errors <= 5)
      $display("tb_cu: cycle %0d: %s expected %h got %h", cycle, what, exp, act);
  endtask

  initial begin
    errors = 0;
    if (!$value$plusargs("vectors=%s", path)) begin
      $display("tb_cu: FAIL (no +vectors=FILE)");
      $finish;
    end
    fd = $fopen(path, "r");
    if (fd == 0) begin
      $display("tb_cu: FAIL (cannot open %s)", path);
      $finish;
    end
    r = $fscanf(fd, "%h %h\n", v_fix, v_bits);
    fix = v_fix[0];
    acc_bits = v_bits[5:0];
    in_valid = 1'b0;
    out_ready = 1'b0;
    in_cfg = 3'd4; in_first = 1'b0; in_last = 1'b0; in_has_init = 1'b0;
    in_tag = '0; in_w = '0; in_x = '0; in_init = '0;
    repeat (2) @(posedge clk);
    @(negedge clk);
    rst = 1'b0;
    cycle = 0;
    r = 15;
    while (r == 15 && !$feof(fd)) begin
      r = $fscanf(fd, "%h %h %h %h %h %h %h %h %h %h %h %h %h %h %h\n",
                  v_valid, v_cfg, v_first, v_last, v_init, v_oready, v_tag, v_w, v_x, v_initv,
                  e_ready, e_ovalid, e_tag, e_kr, e_sums);
      if (r == 15) begin
        in_valid = v_valid[0]; in_cfg = v_cfg[2:0]; in_first = v_first[0]; in_last = v_last[0];
        in_has_init = v_init[0]; out_ready = v_oready[0];
        in_tag = v_tag; in_w = v_w; in_x = v_x; in_init = v_initv;
        #1;
        if (in_valid && in_ready !== e_ready[0]) mismatch("in_ready", 128'(e_ready[0]), 128'(in_ready));
        if (out_valid !== e_ovalid[0]) mismatch("out_valid", 128'(e_ovalid[0]), 128'(out_valid));
        if (e_ovalid[0] && out_valid === 1'b1) begin
          if (out_tag !== e_tag) mismatch("out_tag", e_tag, out_tag);
          if (out_kr !== e_kr[15:0]) mismatch("out_kr", 128'(e_kr), 128'(out_kr));
          for (int i = 0; i < G*K; i++)
            if (i < e_kr && out_sums[i*32 +: 32] !== e_sums[i*32 +: 32])
              mismatch($sformatf("sum row %0d", i), 128'(e_sums[i*32 +: 32]), 128'(out_sums[i*32 +: 32]));
        end
        @(negedge clk);
        cycle = cycle + 1;
      end
    end
    $fclose(fd);
    if (cycle == 0) errors = errors + 1;
    if (errors == 0) $display("tb_cu: PASS %0d cycles", cycle);
    else $display("tb_cu: FAIL %0d mismatches in %0d cycles", errors, cycle);
    $finish;
  end
endmodule
