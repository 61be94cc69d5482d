#!/usr/bin/env bash
# Fails when seatbook-server's --help and what is written from it disagree: every option of every
# subcommand must be in the manual page and the bash completion, every setting of the [server]
# group in the shipped configuration file, and that file's defaults, uncommented, must be accepted.
# Usage: check-generated.sh SERVER MANPAGE(.1 or .1.gz) CONF COMPLETION
set -euo pipefail
server=$1 man_page=$2 conf=$3 completion=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/seatbook-generated.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*"; exit 1; }
# help2man escapes "-" as "\-".
man_text=$(zcat -f "$man_page" | sed 's/\\-/-/g')
options_of() { "$server" $1 --help | sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}--\([a-z0-9-]*\).*/\2/p'; }

for command in "" create-event list-events user audit report; do
  [ -z "$command" ] || grep -q "^\.SS \"$command\"" <<<"$man_text" \
    || fail "$man_page lacks the command $command"
  [ -z "$command" ] || grep -q "$command" "$completion" || fail "the completion lacks $command"
  for option in $(options_of "$command"); do
    grep -qF -- "--$option" <<<"$man_text" || fail "$man_page lacks $command --$option"
    grep -qF -- "--$option" "$completion" || fail "the completion lacks $command --$option"
  done
done
for option in $(options_of ""); do
  case $option in help | help-all | config | port-file) continue ;; esac
  grep -q "^#$option=" "$conf" || fail "$conf lacks $option"
done
sed 's/^#\([a-z-]*=..*\)$/\1/' "$conf" >"$work/uncommented.conf"
"$server" list-events --config="$work/uncommented.conf" --store="sqlite:$work/check.db" >/dev/null \
  || fail "the server rejects $conf with its defaults uncommented"
echo "ok: the manual page, the configuration file and the completion agree with --help"
