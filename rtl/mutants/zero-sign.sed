# file: arith.svh
# Zero-sign rule broken: (+0) + (-0) gives -0 (IEEE RNE: +0). Only rows whose
# every product is a zero of mixed signs can show it.
s/fp32_add_f = {sa & sb, 31'h0};/fp32_add_f = {sa | sb, 31'h0};/
