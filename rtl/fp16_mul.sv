// fp16_mul - IEEE binary16 x binary16 -> exact binary32 product.
//
// Ports:   a, b  fp16 bit patterns;  y  fp32 bit pattern.
// Latency: 0 (combinational).  Throughput: one product per evaluation.
//
// Contract (docs/numerics.md): an 11x11-bit significand product has at most
// 22 bits and the exponent of any product of two finite fp16 values (2^-48 ..
// 2^32) is a normal fp32 exponent, so the product is always exact. Subnormal
// inputs are honoured (no DAZ). Sign = sa ^ sb, zero results included.
// 0 x inf = NaN; inf x nonzero finite = signed inf; every NaN result is the
// canonical quiet NaN 0x7FC00000.
// Implementation: fp16_mul_f in arith.svh (shared with vs_array).
module fp16_mul (
    input  logic [15:0] a,
    input  logic [15:0] b,
    output logic [31:0] y
);
  `include "arith.svh"

  assign y = fp16_mul_f(a, b);
endmodule
