#!/usr/bin/env bash
# Installs every build and test dependency of aicert from Debian packages.
# Idempotent and quiet: when everything is present it only checks and returns.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libpugixml-dev libhwloc-dev hwloc libssl-dev
  libopenblas-dev libdnnl-dev libgtest-dev libgmock-dev libbenchmark-dev libxml2-utils libxml2-dev
  ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo libclblast-dev
  chromium openssl
  libopenmpi-dev openmpi-bin libmpich-dev mpich
  clang-14 libclang-rt-14-dev libomp-14-dev python3-yaml
  libpci-dev pci.ids
  dpkg-dev help2man lintian debootstrap iputils-ping
  slurmctld slurmd slurm-client munge slurm-wlm-basic-plugins libpmix2
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq >/dev/null
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
