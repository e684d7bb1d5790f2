# file: acc_bank.sv
# An accumulator popped in a cycle is only free from the next cycle, while
# the C model (as sim/core/accel.c uses it) hands it to that cycle's tile.
s/assign slot_free = !(&alloc) || pop;/assign slot_free = !(\&alloc);/
