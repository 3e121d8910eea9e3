#!/usr/bin/env bash
# Output files go to a temporary next to them and are renamed into place when complete, but
# only regular files: /dev/null, a FIFO or a symlink is written in place, never replaced by a
# plain file (renaming over /dev/null would break the whole machine).
set -u
cd "$(dirname "$0")/../.."
WC=${WIRECRAFT:-build/wirecraft}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
E='IP(src="198.18.0.1", dst="198.18.0.0/30")/TCP()'

"$WC" build -w /dev/null "$E" && [ -c /dev/null ] && ok || ko "build -w /dev/null: $(ls -l /dev/null)"
"$WC" send --dry-run -q -w /dev/null "$E" 2>/dev/null && [ -c /dev/null ] && ok || ko "send --dry-run -w /dev/null"
mkfifo "$tmp/fifo"
cat "$tmp/fifo" > "$tmp/from-fifo" &
"$WC" build -w "$tmp/fifo" "$E"; wait
[ -p "$tmp/fifo" ] && [ "$(stat -c %s "$tmp/from-fifo")" -eq $((24 + 4 * (16 + 40))) ] && ok || ko "FIFO"
"$WC" build -w "$tmp/real.pcap" "$E" && ln -s real.pcap "$tmp/link.pcap" &&
	"$WC" build -w "$tmp/link.pcap" 'IP(src="198.18.0.1", dst="198.18.0.9")/UDP()' &&
	[ -L "$tmp/link.pcap" ] && [ "$(stat -c %s "$tmp/real.pcap")" -eq $((24 + 16 + 28)) ] && ok || ko "symlink"
[ -z "$(ls "$tmp" | grep '\.tmp\.')" ] && ok || ko "temporary files left: $(ls "$tmp")"

echo "special-files: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
