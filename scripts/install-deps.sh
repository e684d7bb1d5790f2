#!/usr/bin/env bash
# Installs the Debian packages sharpsim needs. Idempotent: when everything is
# already installed it only asks dpkg (well under a second) and exits.
set -euo pipefail

PKGS=(
  build-essential   # gcc, g++, make
  pkg-config
  clang-format      # make format-check (in make test)
  libyaml-dev       # YAML configs and workloads
  check             # unit tests
  libsubunit-dev    # check's static library needs it
  libmpfr-dev       # independent oracle for the arithmetic tests
  libgmp-dev
  verilator         # RTL lint and co-simulation
  iverilog          # second RTL simulator
  yosys             # synthesis cell counts
  libsystemc-dev    # SystemC harness
  gnuplot-nox       # figures
  python3           # golden-file helper and .npy checks in tests
  python3-numpy     # independent reference of the compression and QoR tests
  liblapacke-dev    # SVD of the progressive-inference decomposer
  libgfortran-12-dev # LAPACK's Fortran runtime, for the statically linked program
  python3-pip       # the Python package's install test (pip install .)
  python3-venv      # README: the package in a venv that sees Debian's modules
  python3-setuptools
  python3-pandas    # sharpsim.sweep() as a DataFrame; the example notebook
  python3-matplotlib
  python3-nbformat  # the example notebook, executed headless in make test
  python3-nbclient
  python3-nbconvert
  python3-ipykernel
  protobuf-c-compiler # ONNX import: protoc-c generates C from sim/onnx/onnx.proto
  libprotobuf-c-dev   # ONNX import: the protobuf-c runtime
  libonnx-testdata    # make onnx-test: the ONNX backend node tests (LSTM/GRU/RNN)
  python3-onnx        # make onnx-test: builds the unsupported-feature models, exports torch's
  python3-torch       # make onnx-test: PyTorch LSTM/GRU/RNN exported to ONNX, end to end
)

# `install-deps.sh fuzz` adds what `make fuzz` needs (libFuzzer is in
# clang's runtime package); `make test` does not need it.
if [ "${1:-}" = fuzz ]; then
  PKGS+=(clang libclang-rt-14-dev llvm)
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
