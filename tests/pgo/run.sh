#!/usr/bin/env bash
# pgo-test: the profile-guided program (mk/pgo.mk) gives the plain
# program's outputs byte for byte: the JSON report, stderr and exit status
# of every run below, on SHARP 1K, 4K and 64K, fast-forwarded, stepped,
# streamed and functional, and on the baseline machines. Profile feedback
# may move code, never a result; a difference is a compiler or
# undefined-behaviour bug to find, not a tolerance to widen. The checker
# first proves it can fail: a run whose layer is one step longer must be
# seen to differ.
#
#   bash tests/pgo/run.sh build/sharpsim build/sharpsim-pgo
set -uo pipefail
cd "$(dirname "$0")/../.."
A=${1:?usage: run.sh PLAIN PGO}
B=${2:?usage: run.sh PLAIN PGO}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

# same BIN_A BIN_B ARGS...: 0 when both binaries' outputs agree.
same() {
	local a=$1 b=$2
	shift 2
	"$a" "$@" --format json >"$T/a.out" 2>"$T/a.err"
	echo "exit $?" >>"$T/a.err"
	"$b" "$@" --format json >"$T/b.out" 2>"$T/b.err"
	echo "exit $?" >>"$T/b.err"
	cmp -s "$T/a.out" "$T/b.out" && cmp -s "$T/a.err" "$T/b.err"
}
check() {
	if same "$A" "$B" "$@"; then pass=$((pass + 1)); else
		fail=$((fail + 1))
		echo "pgo-test: FAIL: outputs differ: $*"
	fi
}

# The checker can fail: the plain program against itself one step longer.
printf '#!/bin/sh\nexec "$0.real" "$@" -w timesteps=3\n' >"$T/longer"
cp "$A" "$T/longer.real"
chmod +x "$T/longer"
if same "$A" "$T/longer" run --workload workloads/examples/lstm_tiny.yaml -w timesteps=2; then
	fail=$((fail + 1))
	echo "pgo-test: FAIL: a run one step longer was not seen to differ"
else
	pass=$((pass + 1))
fi

LSTM=workloads/deepbench/lstm_h1024_b1_t25.yaml
for hw in configs/sharp-1k.yaml configs/sharp-4k.yaml configs/sharp-64k.yaml; do
	for wl in "$LSTM" workloads/deepbench/gru_h512_b4_t1.yaml workloads/examples/*.yaml workloads/networks/kws_gru.yaml; do
		check run --hw "$hw" --workload "$wl"
		check run --hw "$hw" --workload "$wl" --cold
		check run --hw "$hw" --workload "$wl" -p memory.weights=stream
	done
	check run --hw "$hw" --workload "$LSTM" -w timesteps=3 --no-fast-forward
	check run --hw "$hw" --workload workloads/examples/lstm_stack2.yaml --no-fast-forward
	for wl in workloads/examples/*.yaml; do
		check run --hw "$hw" --workload "$wl" --functional
	done
done
for hw in configs/brainwave.yaml configs/baselines/*.yaml; do
	check run --hw "$hw" --workload workloads/deepbench/lstm_h256_b1_t150.yaml
	check run --hw "$hw" --workload workloads/examples/lstm_tiny.yaml --no-fast-forward
done
echo "pgo-test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
