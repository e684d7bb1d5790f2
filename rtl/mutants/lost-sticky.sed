# file: arith.svh
# Lost sticky bit: bits shifted out beyond the round bit are forgotten, so
# a value just above (or below) a halfway case rounds as a tie.
s/sticky = (lost != 0);/sticky = 1'b0;/
