# file: cu_top.sv
# Tap-order rule off by one: a tile one level shallower than the previous
# one is accepted in the very next cycle, so both results leave the tree in
# the same cycle (in.ready diverges from the C model).
s/assign in_ready = (in_d >= busy)/assign in_ready = (in_d + 1'b1 >= busy)/
