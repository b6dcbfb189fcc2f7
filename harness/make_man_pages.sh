#!/usr/bin/env bash
# Writes the man pages of aicert into OUTDIR/man1 (gzip -9n, as Debian wants them) from the
# binary's own --help (help2man), so that they cannot drift from the CLI: aicert(1) and aicert-<subcommand>(1) for every
# subcommand that `aicert --help` lists. Run by the build (harness/CMakeLists.txt).
#   make_man_pages.sh AICERT_BINARY OUTDIR
set -euo pipefail
aicert=$1
out=$2/man1
mkdir -p "$out"
common=(--no-info --no-discard-stderr --version-option=--version --section=1
        --manual="aicert manual")

help2man "${common[@]}" --name="certify AI servers for hardware compatibility and performance" \
  "$aicert" | gzip -9n > "$out/aicert.1.gz.tmp"
mv "$out/aicert.1.gz.tmp" "$out/aicert.1.gz"

# The subcommands: the lines of the "Subcommands:" section, "  name   description". The help
# is read once into a variable: piped into an awk that exits at its match, a help text longer
# than one stdio buffer would kill aicert with SIGPIPE (exit 141 under pipefail).
help=$("$aicert" --help)
awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1}' <<<"$help" |
while read -r sub; do
  # The first sentence of its description is the NAME line.
  description=$(awk -v s="$sub" '$1 == s {$1 = ""; print; exit}' <<<"$help" |
                sed -e 's/^ *//' -e 's/\. .*//' -e 's/\.$//')
  help2man "${common[@]}" --help-option="$sub --help" --name="$description" "$aicert" |
    sed -e "s/^\.TH AICERT /.TH AICERT-${sub^^} /" \
        -e "/^\.SH NAME/{n;s/^aicert /aicert-$sub /}" | gzip -9n > "$out/aicert-$sub.1.gz.tmp"
  mv "$out/aicert-$sub.1.gz.tmp" "$out/aicert-$sub.1.gz"
done
