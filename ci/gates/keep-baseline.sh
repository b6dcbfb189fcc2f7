#!/usr/bin/env bash
# Example: keep the last release's signed report as the baseline of the next release's gate.
# Run it in the release pipeline (not on every commit: the baseline is what was released).
#
#   1. Verifies the stored baseline STORE/baseline.xml: its digest and its Ed25519 signature
#      by the release key (PUB.pem). A missing baseline is an error unless --bootstrap is
#      given (the very first release), so that deleting the file cannot disable the gate.
#   2. Runs the gate (aicert-gate.sh) against it and signs the new report with PRIV.pem.
#   3. Only when the gate passed (exit 0): checks the new report verifies with PUB.pem (so a
#      private key that does not belong to the public key is caught now, not at the next
#      release), then stores it as the new STORE/baseline.xml atomically (written beside it,
#      then renamed) and keeps the one it replaces as STORE/baseline.previous.xml.
#   On a failed gate the stored baseline stays as it was, and the gate's exit code is returned.
#
# Usage: ci/gates/keep-baseline.sh --store DIR --pubkey PUB.pem --key PRIV.pem [--bootstrap]
#                                  [AICERT-GATE OPTIONS, e.g. --out DIR --profile P --backend B]
# STORE is any folder the release pipeline keeps between releases (a mounted volume, a cache,
# a checkout of an artifacts repository that is pushed afterwards). The key pair comes from
#   openssl genpkey -algorithm ed25519 -out release.pem       # private: a CI secret
#   openssl pkey -in release.pem -pubout -out release.pub      # public: commit it
# The aicert binary is $AICERT (default: aicert on PATH). Exit codes as aicert-gate.sh's.
set -euo pipefail

trap 'echo "keep-baseline: unexpected failure at line $LINENO" >&2; exit 3' ERR
fail() { echo "keep-baseline: $*" >&2; exit 2; }
need() { if [ "$#" -lt 2 ] || [ -z "$2" ]; then fail "$1 needs a value"; fi; }

AICERT="${AICERT:-aicert}"
export AICERT
# this script chooses the gate's baseline and key itself
unset AICERT_BASELINE AICERT_BASELINE_PUBKEY AICERT_UNSIGNED_BASELINE AICERT_SIGN_KEY
gate="$(dirname "$0")/aicert-gate.sh"
store="" pubkey="" key="" bootstrap=0 out="${AICERT_OUT:-aicert-out}"
gate_args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --store) need "$@"; store="$2"; shift 2 ;;
    --pubkey) need "$@"; pubkey="$2"; shift 2 ;;
    --key) need "$@"; key="$2"; shift 2 ;;
    --bootstrap) bootstrap=1; shift ;;
    --out) need "$@"; out="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) gate_args+=("$1"); shift ;;
  esac
done
if [ -z "$store" ] || [ -z "$pubkey" ] || [ -z "$key" ]; then
  fail "needs --store, --pubkey and --key (see --help)"
fi
[ -f "$pubkey" ] || fail "public key '$pubkey' does not exist"
[ -f "$key" ] || fail "private key '$key' does not exist"
mkdir -p "$store"
baseline="$store/baseline.xml"

# 1. The stored baseline must still be the report the release key signed.
if [ -f "$baseline" ]; then
  if ! "$AICERT" verify --pubkey "$pubkey" "$baseline"; then
    fail "stored baseline '$baseline' does not verify against $pubkey; refusing to use it"
  fi
  gate_args+=(--baseline "$baseline" --pubkey "$pubkey")
elif [ "$bootstrap" = 1 ]; then
  echo "keep-baseline: no baseline in $store yet (--bootstrap): this run starts one" >&2
else
  fail "no baseline at '$baseline' (give --bootstrap for the first release)"
fi

# 2. The gate, signing the new report.
rc=0
"$gate" --out "$out" --sign-key "$key" "${gate_args[@]}" || rc=$?
if [ "$rc" != 0 ]; then
  echo "keep-baseline: gate exit $rc; the baseline in $store is unchanged" >&2
  exit "$rc"
fi

# 3. Promote the new signed report, atomically (same folder, so mv is a rename).
"$AICERT" verify --pubkey "$pubkey" "$out/report.xml" ||
  fail "the new report does not verify against $pubkey: is $key its private key?"
tmp="$(mktemp "$store/.baseline.XXXXXX")" prev=""
trap 'rm -f "$tmp" ${prev:+"$prev"}' EXIT
cp "$out/report.xml" "$tmp"
chmod 644 "$tmp"  # mktemp makes it 0600
if [ -f "$baseline" ]; then
  prev="$(mktemp "$store/.previous.XXXXXX")"
  cp -p "$baseline" "$prev"
  mv -f "$prev" "$store/baseline.previous.xml"
fi
mv -f "$tmp" "$baseline"
echo "keep-baseline: $baseline is now the signed report of this run (the next gate's baseline)"
