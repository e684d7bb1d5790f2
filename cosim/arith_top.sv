// arith_top - wraps the three arithmetic units side by side so that
// cosim/arith_check.cpp can test each one against the host's IEEE arithmetic
// with a single Verilator model. Combinational; no clock.
module arith_top (
    input  logic [15:0] mul_a,
    input  logic [15:0] mul_b,
    output logic [31:0] mul_y,
    input  logic [31:0] add_a,
    input  logic [31:0] add_b,
    output logic [31:0] add_y,
    input  logic [15:0] fix_x,
    input  logic [15:0] fix_w,
    output logic [31:0] fix_y
);
  fp16_mul u_mul (.a(mul_a), .b(mul_b), .y(mul_y));
  fp32_add u_add (.a(add_a), .b(add_b), .y(add_y));
  fix_mul  u_fix (.x(fix_x), .w(fix_w), .y(fix_y));
endmodule
