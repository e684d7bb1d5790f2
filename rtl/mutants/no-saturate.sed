# file: acc_bank.sv
# fix16x8 accumulator wraps around instead of saturating to acc_bits.
s/sat_add_f = (wide > hi) ? hi\[31:0\] : (wide < lo) ? lo\[31:0\] : wide\[31:0\];/sat_add_f = wide[31:0];/
