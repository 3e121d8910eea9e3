#!/usr/bin/env bash
# Banner grabbing on one private veth pair: wirecraft scan --banners against masscan 1.3
# --banners, same path, same targets, same server, in the same run.
#
# Namespace B holds 198.19.0.0/20 (a local route: every address is B's own) and runs nginx on
# port 80 (a private config in a temp dir; two workers, a small page). A reaches the /20 through
# 198.18.0.2. Both scanners send an HTTP request to each address's port 80 and report what comes
# back; a completed banner is a record with the HTTP status 200.
#   - wirecraft: --banners --rate max, nothing else: the XDP steering program keeps A's kernel
#     out of the connections.
#   - masscan: --banners with the arrangement its documentation asks for, a source address no
#     one else uses (--source-ip 198.18.0.50, which masscan answers ARP for itself), so that A's
#     kernel never sees the SYN-ACKs and does not reset them; --wait 2; at several rates
#     (MS_RATES, default 100000 20000 5000 1000: it completes more banners the slower it goes), the
#     best of them is the peer's number.
# Wall time of each whole command, completed banners, and completed banners per second; configs
# run round-robin RUNS times (default 3), the table has the medians and the ratio.
#
# Network safety: two namespaces made here (scripts/netns.sh) and removed on any exit; targets
# 198.19.0.0/20 only, on the veth; every command has a timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH=$PATH:/usr/sbin:/sbin
B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
RUNS=${RUNS:-3}
OUT=${OUT:-bench/banner/README.md}
NAME=${NAME:-wcbb$$}
NAME=${NAME:0:12}
WC=$B/wirecraft
PY=/usr/bin/python3
IFA=$NAME-a0 IFB=$NAME-b0
NET=198.19.0.0/20

die() { echo "bench/banner: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, BPF, XDP)"
[ -x "$WC" ] || die "$WC missing: make"
missing=()
for t in masscan nginx bc; do command -v $t >/dev/null || missing+=("$t"); done
[ ${#missing[@]} -eq 0 ] || {
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends masscan nginx-light bc >/dev/null ||
		die "could not install ${missing[*]}"
}

tmp=$(mktemp -d)
chmod 755 "$tmp"
NPID=""
cleanup() {
	[ -n "$NPID" ] && kill "$NPID" 2>/dev/null && sleep 0.3
	wait 2>/dev/null || true
	"$ROOT/scripts/netns.sh" -n "$NAME" down || true
	[ -n "${KEEP:-}" ] && echo "kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/scripts/netns.sh" -n "$NAME" up >/dev/null
ip -n "$NAME-a" route add 198.19.0.0/16 via 198.18.0.2 dev "$IFA"
ip -n "$NAME-b" route add local $NET dev lo
A() { timeout "$1" nsenter --net="/run/netns/$NAME-a" -- "${@:2}"; }

mkdir -p "$tmp/www" "$tmp/ngx"
printf '<html><head><title>bench</title></head><body>hello</body></html>\n' >"$tmp/www/index.html"
cat >"$tmp/nginx.conf" <<EOF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 8192; }
http {
	access_log off;
	keepalive_timeout 0;
	client_body_temp_path $tmp/ngx/body;
	proxy_temp_path $tmp/ngx/proxy;
	fastcgi_temp_path $tmp/ngx/fastcgi;
	server { listen 80 backlog=8192; root $tmp/www; }
}
EOF
nsenter --net="/run/netns/$NAME-b" -- nginx -p "$tmp/ngx" -c "$tmp/nginx.conf" -g 'daemon off;' &
NPID=$!
ip netns exec "$NAME-b" sysctl -qw net.core.somaxconn=8192 net.ipv4.tcp_max_syn_backlog=8192
sleep 1

now() { date +%s.%N; }
declare -A T N
run_wc() {
	local s e
	s=$(now)
	A 120 "$WC" scan -i "$IFA" -p 80 $NET --allow-reserved --rate max --banners --banner-timeout 2 \
		-G 0a:00:00:00:00:02 -q -O json -f saddr,status -o "$tmp/wc.json"
	e=$(now)
	T[wc]+="$(echo "$e - $s" | bc) "
	N[wc]+="$(grep -c '"status":200' "$tmp/wc.json" || true) "
}
MS_RATES=${MS_RATES:-100000 20000 5000 1000}
run_masscan() { # RATE
	local s e
	rm -f "$tmp/ms.json"
	s=$(now)
	A 180 masscan $NET -p80 --banners --source-ip 198.18.0.50 --router-mac 0a:00:00:00:00:02 \
		-e "$IFA" --rate "$1" --wait 2 -oJ "$tmp/ms.json" >/dev/null 2>"$tmp/ms.err" || true
	e=$(now)
	T[ms$1]+="$(echo "$e - $s" | bc) "
	# one record per banner service; an HTTP one whose banner starts with the 200 status line
	N[ms$1]+="$(grep -c '"service": *{"name": *"http", *"banner": *"HTTP/1.[01] 200' "$tmp/ms.json" || true) "
}
for r in $(seq "$RUNS"); do
	echo "== run $r/$RUNS" >&2
	run_wc
	for rate in $MS_RATES; do run_masscan "$rate"; done
	echo "   wirecraft: ${T[wc]} / ${N[wc]}" >&2
	for rate in $MS_RATES; do echo "   masscan --rate $rate: ${T[ms$rate]} / ${N[ms$rate]}" >&2; done
done

args=("wirecraft --banners --rate max" "${T[wc]}" "${N[wc]}")
for rate in $MS_RATES; do
	args+=("masscan 1.3 --banners --source-ip --rate $rate" "${T[ms$rate]}" "${N[ms$rate]}")
done
"$PY" - "$RUNS" "${args[@]}" >"$tmp/table" <<'PYEOF'
import statistics, sys
runs, a = sys.argv[1], sys.argv[2:]
rows = []
for i in range(0, len(a), 3):
    t, n = list(map(float, a[i + 1].split())), list(map(float, a[i + 2].split()))
    rows.append((a[i], statistics.median(t), statistics.median(n),
                 statistics.median([x / y for x, y in zip(n, t)])))
print("| tool | wall time (s) | completed banners (of 4096) | banners/s |")
print("|---|---|---|---|")
for name, t, n, r in rows:
    print(f"| {name} | {t:.2f} | {n:.0f} | {r:.0f} |")
best = max(rows[1:], key=lambda x: x[3])
print()
print(f"Ratio (medians of {runs} runs, completed banners per second): wirecraft / the best "
      f"masscan ({best[0].split()[-1]} pps) = " +
      (f"{rows[0][3] / best[3]:.1f}x" if best[3] > 0 else "masscan completed none"))
PYEOF
cat "$tmp/table"
{
	echo "# Banner scan benchmark"
	echo
	echo "\`bench/banner/run.sh\` ($(date -u +%Y-%m-%d), $(nproc) vCPUs, kernel $(uname -r)): a /20 x port 80"
	echo "of nginx (two workers) in a peer namespace, HTTP GET, a banner completed when its status is"
	echo "200. Medians of $RUNS runs, same run."
	echo
	cat "$tmp/table"
} >"$OUT"
