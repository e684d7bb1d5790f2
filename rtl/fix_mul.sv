// fix_mul - RNNAccel-style 16x8 fixed-point multiply.
//
// Ports:   x  int16 data (two's complement);
//          w  16-bit weight field, the int8 weight in its low byte (the high
//             byte is ignored, docs/numerics.md);
//          y  the exact int24 product, sign-extended to 32 bits.
// Latency: 0 (combinational).  Throughput: one product per evaluation.
// Fraction bits only scale the interpretation, never the integer product.
// Implementation: fix_mul_f in arith.svh (shared with vs_array).
module fix_mul (
    input  logic [15:0] x,
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic [15:0] w,  // high byte ignored by the contract
    /* verilator lint_on UNUSEDSIGNAL */
    output logic [31:0] y
);
  `include "arith.svh"

  assign y = fix_mul_f(x, w[7:0]);
endmodule
