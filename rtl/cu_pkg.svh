// cu_pkg.svh - constant functions shared by the compute-unit modules,
// `included inside each module body (Icarus 11 and Yosys 0.23 both handle
// this more reliably than a package). Pure functions of the parameters.
//
// Tree shape (docs/numerics.md): with g = the largest of {8,4,2,1} dividing
// N, the N leaves form g groups of n = N/g consecutive leaves; phase 1
// reduces each group by the adjacent-pair rule (an odd last node passes
// through) in P1 = ceil(log2 n) levels, phase 2 reduces the g group nodes
// pairwise in log2 g levels. Level l holds cu_cnt(l) nodes per lane.

// Every function here is loop-free: Verilator 5.006 folds loop-free constant
// functions at elaboration, but emits functions with loops as simulation code
// wherever a localparam depends on them.
function automatic integer cu_clog2(input integer v);
  cu_clog2 = $clog2(v);
endfunction

function automatic integer cu_gmax(input integer n);
  cu_gmax = (n % 8 == 0) ? 8 : (n % 4 == 0) ? 4 : (n % 2 == 0) ? 2 : 1;
endfunction

// Groups of tile config x (1..4): 8, 4, 2, 1.
function automatic integer cu_groups(input integer cx);
  cu_groups = 8 >> (cx - 1);
endfunction

function automatic bit cu_cfg_ok(input integer n, input integer cx);
  cu_cfg_ok = (n % cu_groups(cx)) == 0;
endfunction

function automatic integer cu_p1(input integer n);
  cu_p1 = cu_clog2(n / cu_gmax(n));
endfunction

function automatic integer cu_depth(input integer n);
  cu_depth = cu_p1(n) + cu_clog2(cu_gmax(n));
endfunction

// Tap depth of config x: ceil(log2(N / groups)).
function automatic integer cu_tap(input integer n, input integer cx);
  cu_tap = cu_clog2(n / cu_groups(cx));
endfunction

// Nodes per group at level l in phase 1 (ceil(n / 2^l)).
function automatic integer cu_cpg(input integer n, input integer l);
  integer gn;
  gn = n / cu_gmax(n);
  cu_cpg = (gn + (1 << l) - 1) >> l;
endfunction

// Nodes (per lane) at level l.
function automatic integer cu_cnt(input integer n, input integer l);
  if (l <= cu_p1(n)) cu_cnt = cu_gmax(n) * cu_cpg(n, l);
  else cu_cnt = cu_gmax(n) >> (l - cu_p1(n));
endfunction

// Left source (index at level l) of node f of level l + 1.
function automatic integer cu_src(input integer n, input integer l, input integer f);
  integer c0, c1;
  if (l < cu_p1(n)) begin
    c0 = cu_cpg(n, l);
    c1 = cu_cpg(n, l + 1);
    cu_src = (f / c1) * c0 + 2 * (f % c1);
  end else begin
    cu_src = 2 * f;
  end
endfunction

// Does node f of level l + 1 add a right operand (else it passes through)?
function automatic bit cu_has_r(input integer n, input integer l, input integer f);
  if (l < cu_p1(n)) cu_has_r = 2 * (f % cu_cpg(n, l + 1)) + 1 < cu_cpg(n, l);
  else cu_has_r = 1'b1;
endfunction

// Nodes per lane in levels 1..l-1, i.e. the first index of level l (l >= 1)
// in the flat node array of the tree, divided by K. Phase-1 levels j hold
// g*ceil(n/2^j) nodes (unrolled for up to 8 levels: n = N/g <= 256); the m
// phase-2 levels below l hold g/2 + g/4 + ... = g - (g >> m).
function automatic integer cu_nodes_below(input integer n, input integer l);
  integer g, gn, p1, l1, m;
  g  = cu_gmax(n);
  gn = n / g;
  p1 = cu_p1(n);
  l1 = (l - 1 < p1) ? l - 1 : p1;
  m  = (l - 1 > p1) ? l - 1 - p1 : 0;
  cu_nodes_below = g * (((l1 >= 1) ? (gn + 1) / 2 : 0) + ((l1 >= 2) ? (gn + 3) / 4 : 0)
                      + ((l1 >= 3) ? (gn + 7) / 8 : 0) + ((l1 >= 4) ? (gn + 15) / 16 : 0)
                      + ((l1 >= 5) ? (gn + 31) / 32 : 0) + ((l1 >= 6) ? (gn + 63) / 64 : 0)
                      + ((l1 >= 7) ? (gn + 127) / 128 : 0) + ((l1 >= 8) ? (gn + 255) / 256 : 0))
                 + g - (g >> m);
endfunction

function automatic integer cu_off(input integer n, input integer k, input integer l);
  cu_off = cu_nodes_below(n, l) * k;
endfunction
