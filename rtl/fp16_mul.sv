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
module fp16_mul (
    input  logic [15:0] a,
    input  logic [15:0] b,
    output logic [31:0] y
);
  logic        sa, sb, s;
  logic [4:0]  ea, eb;
  logic [9:0]  fa, fb;
  logic [10:0] ma, mb;
  logic [21:0] p;
  logic [20:0] pn;     // normalized fraction below the leading one
  logic [4:0]  lz;
  logic [7:0]  ey;     // 79 .. 158: always a normal fp32 exponent
  logic        a_nan, b_nan, a_inf, b_inf, a_zero, b_zero;

  assign {sa, ea, fa} = a;
  assign {sb, eb, fb} = b;
  assign s = sa ^ sb;
  assign a_nan  = (ea == 5'h1f) && (fa != 0);
  assign b_nan  = (eb == 5'h1f) && (fb != 0);
  assign a_inf  = (ea == 5'h1f) && (fa == 0);
  assign b_inf  = (eb == 5'h1f) && (fb == 0);
  assign a_zero = (ea == 0) && (fa == 0);
  assign b_zero = (eb == 0) && (fb == 0);
  // The hidden bit is 1 only for normal inputs; a subnormal's exponent is 1.
  assign ma = {ea != 0, fa};
  assign mb = {eb != 0, fb};
  assign p  = ma * mb;

  // Normalize p so that its leading one lands on bit 21 (binary search: each
  // step is one word-level compare and shift, cheap in Verilator and Yosys).
  always @* begin
    logic [21:0] v;
    v  = p;
    lz = 0;
    if (v[21:6]  == 0) begin v = v << 16; lz = lz + 16; end
    if (v[21:14] == 0) begin v = v << 8;  lz = lz + 8;  end
    if (v[21:18] == 0) begin v = v << 4;  lz = lz + 4;  end
    if (v[21:20] == 0) begin v = v << 2;  lz = lz + 2;  end
    if (v[21]    == 0) begin v = v << 1;  lz = lz + 1;  end
    pn = v[20:0];
  end

  // value = p * 2^(Ea + Eb - 20) with Ea = max(ea,1) - 15; the leading one of
  // p sits at bit 21 - lz, so the fp32 biased exponent is
  // (21 - lz) + Ea + Eb - 20 + 127 = ea' + eb' + 98 - lz  (ea' = max(ea,1)).
  assign ey = {3'b0, (ea == 0) ? 5'd1 : ea} + {3'b0, (eb == 0) ? 5'd1 : eb}
            + 8'd98 - {3'b0, lz};

  always @* begin
    if (a_nan || b_nan || (a_inf && b_zero) || (a_zero && b_inf))
      y = 32'h7fc0_0000;
    else if (a_inf || b_inf)
      y = {s, 8'hff, 23'h0};
    else if (a_zero || b_zero)
      y = {s, 31'h0};
    else
      y = {s, ey, pn, 2'b00};
  end
endmodule
