# file: arith.svh
# Wrong rounding bit: round up on the guard bit alone (ties away from zero
# instead of to even). Caught by sums that land exactly halfway.
s/rnd = nrm\[2\] & (nrm\[1\] | nrm\[0\] | nrm\[3\]);/rnd = nrm[2];/
