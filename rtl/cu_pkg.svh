// cu_pkg.svh - constant functions shared by the compute-unit modules,
// `included inside each module body (Icarus 11 and Yosys 0.23 both handle
// this more reliably than a package). Pure functions of the parameters.
//
// Tree shape (docs/numerics.md): with g = the largest of {8,4,2,1} dividing
// N, the N leaves form g groups of n = N/g consecutive leaves; phase 1
// reduces each group by the adjacent-pair rule (an odd last node passes
// through) in P1 = ceil(log2 n) levels, phase 2 reduces the g group nodes
// pairwise in log2 g levels. Level l holds cu_cnt(l) nodes per lane.

function automatic integer cu_clog2(input integer v);
  integer r, i;
  r = 0;
  for (i = 0; i < 31; i = i + 1) if ((1 << i) < v) r = i + 1;
  cu_clog2 = r;
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

// First index of level l (l >= 1) in the flat node array of the tree.
function automatic integer cu_off(input integer n, input integer k, input integer l);
  integer o, j;
  o = 0;
  for (j = 1; j < l; j = j + 1) o = o + cu_cnt(n, j) * k;
  cu_off = o;
endfunction
