# file: arith.svh
# Sign error: the product's sign is the OR of the signs, so (-a) x (-b) < 0.
s/s = sa ^ sb;/s = sa | sb;/
