// fp32_add - IEEE binary32 addition, round to nearest even.
//
// Ports:   a, b  fp32 bit patterns (a is the left operand); y  the sum.
// Latency: 0 (combinational).  Throughput: one sum per evaluation.
//
// Contract (docs/numerics.md): subnormal inputs and outputs are honoured (no
// FTZ/DAZ); overflow gives signed inf; inf + (-inf) = NaN; every NaN result
// is the canonical 0x7FC00000; an exact zero sum is -0 only when both
// operands are -0 (x + (-x) = +0).
//
// Implementation: fp32_add_f in arith.svh (shared with the arrays).
module fp32_add (
    input  logic [31:0] a,
    input  logic [31:0] b,
    output logic [31:0] y
);
  `include "arith.svh"

  assign y = fp32_add_f(a, b);
endmodule
