# file: arith.svh
# Subnormals flushed: fp16 subnormal operands are taken as zero (DAZ).
s/a_zero = (ea == 0) && (fa == 0);/a_zero = (ea == 0);/
s/b_zero = (eb == 0) && (fb == 0);/b_zero = (eb == 0);/
