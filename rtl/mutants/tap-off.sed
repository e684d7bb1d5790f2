# file: reduce_tree.sv
# Tap off by one level: every config with a tree depth d > 0 reads level
# d - 1 (partial sums of half its group) at the right cycle.
s/localparam int TD = cu_tap(N, x);/localparam int TD = cu_tap(N, x) - ((cu_tap(N, x) > 0) ? 1 : 0);/
