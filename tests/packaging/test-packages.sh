#!/usr/bin/env bash
# Builds the Debian packages from a copy of the source tree, runs lintian on them, unpacks them
# (dpkg-deb -x, nothing is installed) and drives the unpacked server: --help, the man pages and
# the shipped configuration file against it, create-event and a short booking.
#
# Usage: tests/packaging/test-packages.sh [SOURCE_ROOT]
# Needs the packaging group of tools/install-deps (exit 77, skipped, without it). Runs as root or
# not; writes only below a temporary directory (kept when KEEP=1). Takes the whole project's build
# time plus about a minute for lintian.
set -euo pipefail

source_root=$(readlink -f "${1:-$(dirname "$0")/../..}")
for tool in dpkg-buildpackage dh lintian help2man /usr/bin/python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is missing (tools/install-deps packaging)"
    exit 77
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/seatbook-packaging.XXXXXX")
if [ "${KEEP:-0}" != 1 ]; then
  trap 'rm -rf "$work"' EXIT
fi
echo "work directory: $work"

# A copy of the tree (what git tracks, and new files it does not ignore), so that the build's
# files (obj-*, debian/tmp, the .debs in the parent directory) never land in the checkout.
mkdir "$work/src"
if git -C "$source_root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$source_root" && git ls-files -z --cached --others --exclude-standard \
    | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' \
    | tar --null -T - -cf -) | tar -xf - -C "$work/src"
else
  tar -C "$source_root" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -xf - -C "$work/src"
fi

step() { printf '\n=== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "dpkg-buildpackage -us -uc -b"
start=$SECONDS
(cd "$work/src" && DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-nocheck parallel=$(nproc)}" \
  dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
  tail -n 60 "$work/build.log"
  echo "FAIL: dpkg-buildpackage (log: $work/build.log)"
  exit 1
}
echo "built in $((SECONDS - start)) s:"
ls "$work"/*.deb

step "lintian"
# --fail-on error,warning: an error or a warning fails the test; overrides are in debian/*.
lintian --fail-on error,warning --info "$work"/*.changes || {
  echo "FAIL: lintian"
  exit 1
}

step "unpack"
root="$work/root"
for deb in "$work"/*.deb; do
  dpkg-deb -x "$deb" "$root"
  package=$(dpkg-deb -f "$deb" Package)
  mkdir -p "$work/control/$package"
  dpkg-deb -e "$deb" "$work/control/$package"
done
server="$root/usr/bin/seatbook-server"
for f in usr/bin/seatbook usr/bin/seatbook-server etc/seatbook/seatbook-server.conf \
  lib/systemd/system/seatbook-server.service usr/lib/sysusers.d/seatbook-server.conf \
  usr/share/man/man1/seatbook-server.1.gz usr/share/man/man1/seatbook.1.gz \
  usr/share/bash-completion/completions/seatbook-server usr/share/seatbook/venues/theatre.json \
  usr/share/doc/seatbook-doc/operations.md; do
  [ -e "$root/$f" ] || { echo "FAIL: the packages do not ship /$f"; exit 1; }
done

step "the unpacked server's --help against its man pages, configuration file and completion"
"$server" --help | grep -q -- '--config=FILE'
"$source_root/tests/packaging/check-generated.sh" "$server" \
  "$root/usr/share/man/man1/seatbook-server.1.gz" "$root/etc/seatbook/seatbook-server.conf" \
  "$root/usr/share/bash-completion/completions/seatbook-server"
grep -q '^/etc/seatbook/seatbook-server.conf$' "$work/control/seatbook-server/conffiles" \
  || { echo "FAIL: the configuration file is not a conffile"; exit 1; }
# The app's --help (it needs its compiled GSettings schema) against seatbook(1).
glib-compile-schemas --targetdir="$work" "$root/usr/share/glib-2.0/schemas"
app_help=$(GSETTINGS_SCHEMA_DIR=$work GSETTINGS_BACKEND=memory "$root/usr/bin/seatbook" --help)
app_man=$(zcat "$root/usr/share/man/man1/seatbook.1.gz" | sed 's/\\-/-/g')
grep -q 'ERROR\|CRITICAL' <<<"$app_man" && { echo "FAIL: seatbook(1) holds an error"; exit 1; }
for option in $(sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}--\([a-z0-9-]*\).*/\2/p' <<<"$app_help"); do
  grep -qF -- "--$option" <<<"$app_man" || { echo "FAIL: seatbook(1) lacks --$option"; exit 1; }
done

step "systemd-analyze verify"
if command -v systemd-analyze >/dev/null; then
  # verify resolves ExecStart= on this system: point it at the unpacked binary.
  unit_dir="$work/units"
  mkdir "$unit_dir"
  sed "s|^ExecStart=/usr/bin/seatbook-server|ExecStart=$server|" \
    "$root/lib/systemd/system/seatbook-server.service" >"$unit_dir/seatbook-server.service"
  SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$unit_dir/seatbook-server.service" \
    2>&1 | tee "$work/verify.log"
  if grep -v 'Failed to connect to bus\|Failed to .*[Bb]us' "$work/verify.log" | grep -q .; then
    echo "FAIL: systemd-analyze verify"
    exit 1
  fi
  echo "ok"
else
  echo "systemd-analyze is missing: not verified"
fi

step "the seatbook system user (systemd-sysusers into a scratch root)"
mkdir -p "$work/sysroot/etc"
systemd-sysusers --root="$work/sysroot" "$root/usr/lib/sysusers.d/seatbook-server.conf"
grep -q '^seatbook:x:[0-9]*:[0-9]*:.*:/var/lib/seatbook:/usr/sbin/nologin$' "$work/sysroot/etc/passwd" \
  || { echo "FAIL: no seatbook user"; exit 1; }
grep -q '^User=seatbook$' "$root/lib/systemd/system/seatbook-server.service" \
  && grep -q '^StateDirectory=seatbook$' "$root/lib/systemd/system/seatbook-server.service" \
  || { echo "FAIL: the unit does not run as seatbook with StateDirectory=seatbook"; exit 1; }
echo "ok"

step "create-event and a short booking against the unpacked server"
SEATBOOK_SERVER=$server SEATBOOK_VENUE=$root/usr/share/seatbook/venues/theatre.json \
  /usr/bin/python3 "$source_root/tests/packaging/book-once.py"

echo
echo "PASS: packages built, lintian clean, unpacked server serves a booking ($((SECONDS)) s)"
