#!/usr/bin/env bash
# Installs the Debian packages of this build as a user would, into a fresh Debian 12 root made
# by debootstrap (minbase): lintian has no errors on them; `aicert` alone certifies the CPU
# with the quick profile and names the package of a missing backend; `aicert-opencl` adds the
# opencl plugin; the man pages and bash completion are in place; removing the packages leaves
# nothing behind. Root only (debootstrap, chroot); exit 77 (skipped) with the reason otherwise.
# The root's mounts live in a private mount namespace and the folder is removed on any exit.
#   install_in_debian_root.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
skip() { echo "SKIPPED: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot, mount)"
for tool in debootstrap cpack lintian unshare chroot dpkg-deb; do
  command -v "$tool" >/dev/null || skip "$tool not found (ci/install-deps.sh installs it)"
done

work=$(mktemp -d /var/tmp/aicert-debian-root.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
step() { echo "== $*"; }

step "packages of $build"
(cd "$build" && cpack -G DEB -B "$work/dist" >/dev/null)
ls "$work"/dist/*.deb
step "lintian (errors fail)"
lintian --fail-on error --suppress-tags maintscript-calls-ldconfig,initial-upload-closes-no-bugs \
  "$work"/dist/*.deb

step "debootstrap Debian 12 (minbase)"
mirror=${AICERT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${AICERT_DEBOOTSTRAP_CACHE:-/var/cache/aicert-debootstrap}
mkdir -p "$cache"
debootstrap --variant=minbase --cache-dir="$cache" bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log"; exit 1; }
cp /etc/resolv.conf "$work/root/etc/resolv.conf"
mkdir -p "$work/root/debs"
cp "$work"/dist/*.deb "$work/root/debs/"

# What runs inside the root (its own shell: set -e, every check an exit code).
cat > "$work/root/debs/check.sh" <<'CHECK'
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
fail() { echo "FAILED: $*"; exit 1; }
apt-get update -qq
echo "== apt install aicert"
apt-get install -y -qq --no-install-recommends /debs/aicert_*.deb >/dev/null
aicert --version
aicert list > /tmp/list.txt || true
cat /tmp/list.txt
grep -q "cpu: available" /tmp/list.txt || fail "the cpu backend is not available"
grep -q "install aicert-opencl" /tmp/list.txt || fail "a missing opencl plugin does not name its package"
echo "== aicert certify --profile quick --backend cpu"
aicert certify --profile quick --backend cpu --out /tmp/cert > /tmp/certify.txt 2>&1 ||
  { tail -30 /tmp/certify.txt; fail "the quick certification of the CPU did not pass"; }
tail -3 /tmp/certify.txt
[ -s /tmp/cert/report.xml ] || fail "no report"
echo "== man pages and completion"
for page in aicert aicert-certify aicert-fleet; do
  [ -s "/usr/share/man/man1/$page.1.gz" ] || fail "no man page $page(1)"
done
offered=$(bash -c 'source /usr/share/bash-completion/completions/aicert; COMP_WORDS=(aicert cert);
                   COMP_CWORD=1; _aicert; echo "${COMPREPLY[*]}"')
[ "$offered" = certify ] || fail "completion of 'aicert cert' gave '$offered'"
echo "== apt install aicert-opencl"
apt-get install -y -qq --no-install-recommends /debs/aicert-opencl_*.deb >/dev/null
aicert list > /tmp/list.txt || true
grep "opencl" /tmp/list.txt | head -3
grep -q "aicert-backend-opencl.so not found" /tmp/list.txt && fail "the opencl plugin was not installed"
echo "== remove"
apt-get purge -y -qq aicert-opencl aicert >/dev/null
[ ! -e /usr/bin/aicert ] || fail "/usr/bin/aicert left behind"
left=$(find /usr -path '*aicert*' | head -5)
[ -z "$left" ] || fail "left behind: $left"
! dpkg -l | grep -q '^.i *aicert' || fail "aicert still installed"
echo "PASSED"
CHECK

step "install, certify and remove in the root"
unshare --mount --propagation private bash -c '
  set -e
  root=$1
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount --rbind /dev "$root/dev"
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root bash /debs/check.sh
' _ "$work/root"
