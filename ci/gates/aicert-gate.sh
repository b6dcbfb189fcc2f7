#!/usr/bin/env bash
# aicert release gate: the one script that the CI templates in this folder (gitlab-ci.yml,
# github-actions.yml, Jenkinsfile) and keep-baseline.sh call, so the gate's logic lives here.
#
#   1. With a baseline (the last release's signed report.xml), checks its SHA-256 digest and
#      its Ed25519 signature (`aicert verify --pubkey`) first; a baseline that does not verify
#      is refused before anything runs (exit 2): a doctored baseline could hide a regression.
#   2. Runs `aicert certify --profile P --out DIR --junit DIR/junit.xml [--baseline B]`, which
#      writes DIR/report.xml, DIR/report.html and DIR/junit.xml.
#   3. Optionally signs the new report (--sign-key), so that it can become the next release's
#      baseline (see keep-baseline.sh).
#   4. Prints where the report, the HTML and the JUnit XML are, and exits with certify's code.
#
# Usage: ci/gates/aicert-gate.sh [OPTIONS] [-- EXTRA AICERT CERTIFY OPTIONS]
#   --profile NAME|FILE  shipped profile or profile XML           env AICERT_PROFILE (ci-gate)
#   --out DIR            output folder                            env AICERT_OUT (aicert-out)
#   --baseline REPORT    last release's signed report.xml         env AICERT_BASELINE
#   --pubkey PUB.pem     Ed25519 public key that must have        env AICERT_BASELINE_PUBKEY
#                        signed the baseline (required with --baseline)
#   --unsigned-baseline  accept a baseline checked by its digest  env AICERT_UNSIGNED_BASELINE=1
#                        only, without a signature (not for release pipelines)
#   --sign-key PRIV.pem  sign DIR/report.xml with this key        env AICERT_SIGN_KEY
#   --backend LIST       only these backends, e.g. cuda or cpu    env AICERT_BACKEND
#   -h, --help
# The aicert binary is $AICERT (default: `aicert` on PATH), e.g. AICERT=build/bin/aicert.
# An empty environment variable counts as unset; an option overrides its variable.
#
# Exit codes (what the pipeline sees; any non-zero fails the job):
#   0  CERTIFIED: every blocker case passed, no case regressed beyond the profile's limit
#   1  NOT CERTIFIED or INCOMPLETE: the gate failed; the report says which cases and why
#   2  bad input: options, profile, a missing baseline, a baseline that fails verification,
#      a key that cannot sign; nothing was certified (or the new report could not be signed)
#   3  internal error in aicert
set -euo pipefail

# Any command failing unexpectedly is this script's fault, not a verdict: exit 3.
trap 'echo "aicert-gate: unexpected failure at line $LINENO" >&2; exit 3' ERR
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
fail() { echo "aicert-gate: $*" >&2; exit 2; }

AICERT="${AICERT:-aicert}"
profile="${AICERT_PROFILE:-ci-gate}"
out="${AICERT_OUT:-aicert-out}"
baseline="${AICERT_BASELINE:-}"
pubkey="${AICERT_BASELINE_PUBKEY:-}"
unsigned="${AICERT_UNSIGNED_BASELINE:-0}"
sign_key="${AICERT_SIGN_KEY:-}"
backend="${AICERT_BACKEND:-}"
extra=()

need() { if [ "$#" -lt 2 ] || [ -z "$2" ]; then fail "$1 needs a value (see --help)"; fi; }
while [ "$#" -gt 0 ]; do
  case "$1" in
    --profile) need "$@"; profile="$2"; shift 2 ;;
    --out) need "$@"; out="$2"; shift 2 ;;
    --baseline) need "$@"; baseline="$2"; shift 2 ;;
    --pubkey) need "$@"; pubkey="$2"; shift 2 ;;
    --unsigned-baseline) unsigned=1; shift ;;
    --sign-key) need "$@"; sign_key="$2"; shift 2 ;;
    --backend) need "$@"; backend="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) fail "unknown option '$1' (aicert certify options go after --; see --help)" ;;
  esac
done

command -v "$AICERT" >/dev/null 2>&1 || fail "aicert binary '$AICERT' not found (set AICERT)"

certify=("$AICERT" certify --profile "$profile" --out "$out" --junit "$out/junit.xml")
[ -z "$backend" ] || certify+=(--backend "$backend")

# 1. The baseline must be the report the release pipeline signed, unchanged.
if [ -n "$baseline" ]; then
  [ -f "$baseline" ] || fail "baseline '$baseline' does not exist"
  if [ -n "$pubkey" ]; then
    [ -f "$pubkey" ] || fail "public key '$pubkey' does not exist"
    verify=("$AICERT" verify --pubkey "$pubkey" "$baseline")
  elif [ "$unsigned" = 1 ]; then
    echo "aicert-gate: warning: baseline checked by its digest only, not by a signature" >&2
    verify=("$AICERT" verify "$baseline")
  else
    fail "--baseline needs --pubkey (the key that signed it), or --unsigned-baseline"
  fi
  if ! why="$("${verify[@]}" 2>&1)"; then
    fail "baseline '$baseline' failed verification${pubkey:+ against $pubkey}; not certifying" \
      "against it: $why"
  fi
  echo "aicert-gate: baseline verified: $why"
  certify+=(--baseline "$baseline")
elif [ -n "$pubkey" ]; then
  fail "--pubkey given without --baseline"
fi
[ -z "$sign_key" ] || [ -f "$sign_key" ] || fail "signing key '$sign_key' does not exist"

# 2. Certify. Results of an earlier run in the same folder (a reused CI workspace) are removed
# first, so that a run which stops early never publishes stale files as its own.
mkdir -p "$out" 2>/dev/null || fail "cannot create the output folder '$out'"
rm -f "$out/journal" "$out/report.xml" "$out/report.html" "$out/junit.xml"
echo "aicert-gate: ${certify[*]}${extra[*]:+ ${extra[*]}}"
rc=0
"${certify[@]}" "${extra[@]}" || rc=$?

# 3. Sign the new report (passed or failed: the signature says who ran it, not the verdict).
if [ -n "$sign_key" ] && [ -f "$out/report.xml" ] && { [ "$rc" = 0 ] || [ "$rc" = 1 ]; }; then
  if ! "$AICERT" sign --key "$sign_key" "$out/report.xml"; then
    echo "aicert-gate: could not sign $out/report.xml with $sign_key" >&2
    [ "$rc" != 0 ] || rc=2
  fi
fi

# 4. Where everything is, and the verdict as the pipeline sees it.
for f in report.xml report.html junit.xml; do
  if [ -f "$out/$f" ]; then echo "aicert-gate: $f: $out/$f"; fi
done
case "$rc" in
  0) echo "aicert-gate: exit 0: CERTIFIED" ;;
  1) echo "aicert-gate: exit 1: NOT CERTIFIED or INCOMPLETE, the gate failed, see the report" >&2 ;;
  2) echo "aicert-gate: exit 2: bad input (options, profile, baseline or key): see above" >&2 ;;
  *) echo "aicert-gate: exit $rc: aicert failed (internal error)" >&2 ;;
esac
exit "$rc"
