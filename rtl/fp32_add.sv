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
// Datapath: the larger magnitude is L, the smaller S. Significands carry
// three extra bits (guard, round, sticky): S is aligned right by the
// exponent difference with every shifted-out bit ORed into the sticky bit,
// which is enough for a correctly rounded sum or difference. The result is
// normalized by at most one right shift (carry) or a left shift limited so
// that the exponent never drops below 1 (gradual underflow), then rounded by
// adding the round-up bit to the packed {exponent, fraction} word, which
// carries into the exponent on significand overflow, turns a rounded-up
// subnormal into the smallest normal and the largest finite into inf.
module fp32_add (
    input  logic [31:0] a,
    input  logic [31:0] b,
    output logic [31:0] y
);
  logic        sa, sb, sl, ss;
  logic [7:0]  ea, eb, el, es;
  logic [22:0] fa, fb;
  logic [23:0] ml, ms;
  logic        a_nan, b_nan, a_inf, b_inf, a_zero, b_zero, swap;
  logic [7:0]  dexp;
  logic [26:0] ms_al;    // S aligned: 24 significand bits + guard, round, sticky
  logic        sticky;
  logic [27:0] sum;      // one carry bit above L's 27 bits
  logic [26:0] nrm;      // leading one (if any) at bit 26
  logic [8:0]  en;       // exponent of nrm (>= 1)
  logic [4:0]  lz;
  logic        rnd;
  logic [30:0] mag;

  assign {sa, ea, fa} = a;
  assign {sb, eb, fb} = b;
  assign a_nan  = (ea == 8'hff) && (fa != 0);
  assign b_nan  = (eb == 8'hff) && (fb != 0);
  assign a_inf  = (ea == 8'hff) && (fa == 0);
  assign b_inf  = (eb == 8'hff) && (fb == 0);
  assign a_zero = (a[30:0] == 0);
  assign b_zero = (b[30:0] == 0);

  assign swap = b[30:0] > a[30:0];
  assign {sl, el} = swap ? {sb, eb} : {sa, ea};
  assign {ss, es} = swap ? {sa, ea} : {sb, eb};
  assign ml = swap ? {eb != 0, fb} : {ea != 0, fa};
  assign ms = swap ? {ea != 0, fa} : {eb != 0, fb};
  // Subnormals have exponent 1 and no hidden bit.
  assign dexp = ((el == 0) ? 8'd1 : el) - ((es == 0) ? 8'd1 : es);

  always @* begin
    logic [26:0] ext, lost;
    ext  = {ms, 3'b000};
    lost = 0;
    if (dexp >= 8'd27) begin
      ms_al  = 0;
      sticky = (ms != 0);
    end else begin
      ms_al  = ext >> dexp;
      lost   = ext & ((27'd1 << dexp) - 27'd1);
      sticky = (lost != 0);
    end
  end

  always @* begin
    logic [26:0] al;
    al = {ms_al[26:1], ms_al[0] | sticky};
    if (sl == ss) sum = {1'b0, ml, 3'b000} + {1'b0, al};
    else          sum = {1'b0, ml, 3'b000} - {1'b0, al};
  end

  // Normalize. A carry shifts right once (the lost bit joins the sticky
  // bit); otherwise shift left by the leading-zero count, limited to
  // e - 1 by ORing a marker bit at position 26 - (e - 1).
  always @* begin
    logic [8:0]  e;
    logic [26:0] v, probe;
    e = {1'b0, (el == 0) ? 8'd1 : el};
    v = sum[26:0];
    probe = 0;
    if (sum[27]) begin
      nrm = {sum[27:2], sum[1] | sum[0]};
      en  = e + 9'd1;
      lz  = 0;
    end else begin
      probe = v | ((e - 9'd1 <= 9'd26) ? (27'd1 << (9'd26 - (e - 9'd1))) : 27'd0);
      lz = 0;
      if (probe[26:11] == 0) begin probe = probe << 16; lz = lz + 16; end
      if (probe[26:19] == 0) begin probe = probe << 8;  lz = lz + 8;  end
      if (probe[26:23] == 0) begin probe = probe << 4;  lz = lz + 4;  end
      if (probe[26:25] == 0) begin probe = probe << 2;  lz = lz + 2;  end
      if (probe[26]    == 0) begin probe = probe << 1;  lz = lz + 1;  end
      nrm = v << lz;
      en  = e - 9'({4'b0, lz});
    end
  end

  // Round to nearest even on guard (bit 2), round (bit 1), sticky (bit 0).
  assign rnd = nrm[2] & (nrm[1] | nrm[0] | nrm[3]);
  // Exponent field: 0 when the result stayed subnormal (no hidden bit).
  assign mag = {nrm[26] ? en[7:0] : 8'd0, nrm[25:3]} + {30'd0, rnd};

  always @* begin
    if (a_nan || b_nan || (a_inf && b_inf && (sa != sb)))
      y = 32'h7fc0_0000;
    else if (a_inf || b_inf)
      y = a_inf ? a : b;
    else if (a_zero && b_zero)
      y = {sa & sb, 31'h0};
    else if (sum == 0)
      y = 32'h0;
    else if (en >= 9'd255)
      y = {sl, 8'hff, 23'h0};
    else
      y = {sl, mag};
  end
endmodule
