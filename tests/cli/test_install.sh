#!/usr/bin/env bash
# make install into a staging directory, then build and run the README's library example
# against the installed headers, library and pkg-config file: the API is usable without the
# CLI, from outside the tree.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make --no-print-directory install PREFIX=/usr DESTDIR="$tmp/root" >"$tmp/install.log" 2>&1 &&
	ok || { ko "make install: $(tail -3 "$tmp/install.log")"; }
for f in usr/bin/wirecraft usr/lib/libwirecraft.a usr/lib/libwirecraft.so.0 \
	usr/include/wirecraft/wirecraft.h usr/lib/pkgconfig/wirecraft.pc usr/share/man/man1/wirecraft.1; do
	[ -e "$tmp/root/$f" ] && ok || ko "not installed: $f"
done
man -l "$tmp/root/usr/share/man/man1/wirecraft.1" >/dev/null 2>&1 && ok || ko "man page does not render"

# The example, taken from the README as it stands.
/usr/bin/python3 - README.md "$tmp/example.c" <<'PY'
import re, sys
m = re.search(r"```c\n(.*?)```", open(sys.argv[1]).read(), re.S)
open(sys.argv[2], "w").write(m.group(1))
PY
sed "s|^prefix=.*|prefix=$tmp/root/usr|" "$tmp/root/usr/lib/pkgconfig/wirecraft.pc" > "$tmp/wirecraft.pc"
flags=$(PKG_CONFIG_PATH="$tmp" pkg-config --cflags --libs --static wirecraft) || ko "pkg-config"
cc -std=c11 -Wall -Wextra -Werror "$tmp/example.c" -o "$tmp/example" $flags -Wl,-rpath,"$tmp/root/usr/lib" \
	2>"$tmp/cc.log" && ok || ko "README example does not build: $(head -3 "$tmp/cc.log")"
out=$("$tmp/example" 2>&1)
[ "$(printf '%s\n' "$out" | grep -c '^40 bytes$')" -eq 8 ] && ok || ko "README example output: $out"

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
