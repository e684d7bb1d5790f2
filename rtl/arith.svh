// arith.svh - the arithmetic contract of docs/numerics.md as functions,
// `included by the modules that use them. fp16_mul.sv, fp32_add.sv and
// fix_mul.sv wrap them as combinational modules; vs_array, reduce_tree and
// acc_bank call them inside the always_ff that registers their result, so
// that Verilator evaluates them once per clock edge instead of on every
// evaluation of the inputs, while synthesis sees the same logic in front of
// the same register. Every variable is local to its function.
//
// The arrays call the per-lane wrappers mul_f and add_f (and acc_bank its
// acc_add_f), each marked /*verilator no_inline_task*/: Verilator then emits
// one C++ function per wrapper and calls it from every lane, instead of
// inlining a copy of the fp16 multiplier or fp32 adder at each of the N*K
// call sites (42 MB of C++ at 32x32, which the host's instruction caches
// cannot hold). (Verilator 5.006 still computes both precisions inside the
// wrapper and selects one; the fix16x8 side costs a few instructions.)
// Other tools read the metacomment as a comment: synthesis sees the same
// logic.

// fp16 x fp16 -> exact fp32 product. An 11x11-bit significand product has at
// most 22 bits and every product of two finite fp16 values (2^-48 .. 2^32)
// has a normal fp32 exponent, so no rounding ever happens. Subnormal inputs
// are honoured (no DAZ); sign = sa ^ sb, zero results included; 0 x inf =
// NaN; inf x nonzero finite = signed inf; every NaN is 0x7FC00000.
function automatic logic [31:0] fp16_mul_f(input logic [15:0] op_a, input logic [15:0] op_b);
    logic        sa, sb, s, a_zero, b_zero;
    logic [4:0]  ea, eb, lz;
    logic [9:0]  fa, fb;
    logic [10:0] ma, mb;
    logic [21:0] p;
    logic [7:0]  ey;  // 79 .. 158: always a normal fp32 exponent

    {sa, ea, fa} = op_a;
    {sb, eb, fb} = op_b;
    s = sa ^ sb;
    a_zero = (ea == 0) && (fa == 0);
    b_zero = (eb == 0) && (fb == 0);
    // The hidden bit is 1 only for normal inputs; a subnormal's exponent is 1.
    ma = {ea != 0, fa};
    mb = {eb != 0, fb};
    p  = 22'(ma) * 22'(mb);

    // Normalize p so that its leading one lands on bit 21 (binary search:
    // each step is one word-level compare and shift). The last step, taken
    // by about half of all products of normal operands, is a shift by the
    // count's bit 0 rather than an if: in a simulator's code, no branch
    // that mispredicts half the time (the others are taken by subnormals).
    lz = 0;
    if (p[21:6]  == 0) begin p = p << 16; lz = lz + 16; end
    if (p[21:14] == 0) begin p = p << 8;  lz = lz + 8;  end
    if (p[21:18] == 0) begin p = p << 4;  lz = lz + 4;  end
    if (p[21:20] == 0) begin p = p << 2;  lz = lz + 2;  end
    lz[0] = !p[21]; p = p << lz[0];

    // value = ma*mb * 2^(Ea + Eb - 20) with Ea = max(ea,1) - 15; the leading
    // one sat at bit 21 - lz, so the fp32 biased exponent is
    // (21 - lz) + Ea + Eb - 20 + 127 = max(ea,1) + max(eb,1) + 98 - lz.
    ey = {3'b0, (ea == 0) ? 5'd1 : ea} + {3'b0, (eb == 0) ? 5'd1 : eb} + 8'd98 - {3'b0, lz};

    if ((ea == 5'h1f && fa != 0) || (eb == 5'h1f && fb != 0) ||
        (ea == 5'h1f && b_zero) || (a_zero && eb == 5'h1f))
      fp16_mul_f = 32'h7fc0_0000;                  // NaN operand or 0 x inf
    else if (ea == 5'h1f || eb == 5'h1f)
      fp16_mul_f = {s, 8'hff, 23'h0};              // inf x nonzero
    else if (a_zero || b_zero)
      fp16_mul_f = {s, 31'h0};                     // signed zero
    else
      fp16_mul_f = {s, ey, p[20:0], 2'b00};
endfunction

// fp32 + fp32 (a the left operand), round to nearest even; subnormal inputs
// and outputs honoured; overflow -> signed inf; inf + (-inf) -> NaN; every
// NaN is 0x7FC00000; an exact zero sum is -0 only for (-0) + (-0).
// Datapath: the larger magnitude L, the smaller S. Significands carry three
// extra bits (guard, round, sticky): S is aligned right by the exponent
// difference with every shifted-out bit ORed into the sticky bit, enough for
// a correctly rounded sum or difference. The result is normalized by at most
// one right shift (carry) or a left shift limited so that the exponent never
// drops below 1 (gradual underflow), then rounded by adding the round-up bit
// to the packed {exponent, fraction} word, which carries into the exponent on
// significand overflow, turns a rounded-up subnormal into the smallest normal
// and the largest finite into inf.
function automatic logic [31:0] fp32_add_f(input logic [31:0] op_a, input logic [31:0] op_b);
    logic        sa, sb, sl, ss, swap, sticky, rnd;
    logic [7:0]  ea, eb, el, es, dexp;
    logic [22:0] fa, fb, fl, fs;
    logic [23:0] ml, ms;
    logic [26:0] ext, lost, al, v, probe, nrm;
    logic [27:0] sum;    // one carry bit above L's 27 bits
    logic [8:0]  e, en;  // exponent of L (>= 1), of nrm
    logic [4:0]  lz;
    logic [30:0] mag;

    {sa, ea, fa} = op_a;
    {sb, eb, fb} = op_b;
    // L and S are selected as whole words (two selects, which a simulator
    // compiles without a branch on swap, true half the time).
    swap = op_b[30:0] > op_a[30:0];
    {sl, el, fl} = swap ? op_b : op_a;
    {ss, es, fs} = swap ? op_a : op_b;
    ml = {el != 0, fl};
    ms = {es != 0, fs};
    // Subnormals have exponent 1 and no hidden bit.
    e    = {1'b0, (el == 0) ? 8'd1 : el};
    dexp = e[7:0] - ((es == 0) ? 8'd1 : es);

    // Align S: 24 significand bits + guard, round, sticky.
    ext  = {ms, 3'b000};
    lost = 0;
    if (dexp >= 8'd27) begin
      al     = 0;
      sticky = (ms != 0);
    end else begin
      al     = ext >> dexp;
      lost   = ext & ((27'd1 << dexp) - 27'd1);
      sticky = (lost != 0);
    end
    al[0] = al[0] | sticky;
    if (sl == ss) sum = {1'b0, ml, 3'b000} + {1'b0, al};
    else          sum = {1'b0, ml, 3'b000} - {1'b0, al};

    // Normalize. A carry shifts right once (the lost bit joins the sticky
    // bit); otherwise shift left by the leading-zero count, limited to
    // e - 1 by ORing a marker bit at position 26 - (e - 1).
    v     = sum[26:0];
    probe = 0;
    lz    = 0;
    if (sum[27]) begin
      nrm = {sum[27:2], sum[1] | sum[0]};
      en  = e + 9'd1;
    end else begin
      probe = v | ((e - 9'd1 <= 9'd26) ? (27'd1 << (9'd26 - (e - 9'd1))) : 27'd0);
      if (probe[26:11] == 0) begin probe = probe << 16; lz = lz + 16; end
      if (probe[26:19] == 0) begin probe = probe << 8;  lz = lz + 8;  end
      if (probe[26:23] == 0) begin probe = probe << 4;  lz = lz + 4;  end
      if (probe[26:25] == 0) begin probe = probe << 2;  lz = lz + 2;  end
      if (probe[26]    == 0) begin probe = probe << 1;  lz = lz + 1;  end
      nrm = v << lz;
      en  = e - 9'({4'b0, lz});
    end

    // Round to nearest even on guard (bit 2), round (bit 1), sticky (bit 0).
    rnd = nrm[2] & (nrm[1] | nrm[0] | nrm[3]);
    // Exponent field: 0 when the result stayed subnormal (no hidden bit).
    mag = {nrm[26] ? en[7:0] : 8'd0, nrm[25:3]} + {30'd0, rnd};

    // L has the larger magnitude, so it holds any inf or NaN operand: one
    // test of el guards the rare cases (and a simulator's code skips them).
    if (el == 8'hff) begin
      if ((ea == 8'hff && fa != 0) || (eb == 8'hff && fb != 0) ||
          (ea == 8'hff && eb == 8'hff && sa != sb))
        fp32_add_f = 32'h7fc0_0000;                // NaN operand or inf - inf
      else
        fp32_add_f = {sl, el, fl};                 // inf (L; both, if equal)
    end else if (op_a[30:0] == 0 && op_b[30:0] == 0)
      fp32_add_f = {sa & sb, 31'h0};               // -0 only for (-0) + (-0)
    else if (sum == 0)
      fp32_add_f = 32'h0;                          // x + (-x) = +0
    else if (en >= 9'd255)
      fp32_add_f = {sl, 8'hff, 23'h0};             // overflow
    else
      fp32_add_f = {sl, mag};
endfunction

// RNNAccel 16x8 fixed point: int16 data x the int8 weight (the low byte of
// the 16-bit weight field; callers drop the ignored high byte) = the exact
// int24 product, sign-extended to 32 bits.
function automatic logic [31:0] fix_mul_f(input logic [15:0] xd, input logic [7:0] wb);
  logic signed [23:0] p;
  p = $signed(xd) * $signed(wb);
  fix_mul_f = {{8{p[23]}}, p};
endfunction

// One multiplier lane: the fix16x8 product of xd and wd's low byte (the
// high byte is ignored), or the fp16 x fp16 product.
function automatic logic [31:0] mul_f(input logic fx, input logic [15:0] xd, input logic [15:0] wd);
    /*verilator no_inline_task*/
    if (fx) mul_f  = fix_mul_f(xd, wd[7:0]);
    else    mul_f  = fp16_mul_f(xd, wd);
endfunction

// One tree adder: the exact integer sum (fix16x8) or the fp32 sum, l the
// left operand.
function automatic logic [31:0] add_f(input logic fx, input logic [31:0] l, input logic [31:0] r);
    /*verilator no_inline_task*/
    if (fx) add_f  = l + r;
    else    add_f  = fp32_add_f(l, r);
endfunction
