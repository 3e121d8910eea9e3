#!/usr/bin/env bash
# clang-tidy on one source file, for mk/lint.mk: prints the findings that are in the project's
# own files (user/, tools/, python/src/) and fails if there are any, or if clang-tidy could not run.
# Findings in generated or foreign headers (libbpf skeletons under build/, bpf/ shared headers,
# checked by the verifier instead) are not ours to fix here and are dropped.
#   tests/lint/tidy.sh SOURCE [COMPILER FLAGS...]
set -uo pipefail
src=$1
shift
tidy=${CLANG_TIDY:-clang-tidy}
root=$(pwd)
out=$("$tidy" --quiet "$src" -- "$@" 2>&1)
rc=$?
# user/../bpf/cookie.h is bpf/'s, not user/'s
ours=$(printf '%s\n' "$out" | grep -E "^($root/)?(user|tools|python)/[^:]*:[0-9]+:[0-9]+: (warning|error):" |
	grep -v '/\.\./' || true)
if [ -n "$ours" ]; then
	# the whole report: the notes under each finding explain the path the analyzer took
	printf '%s\n' "$out" | awk -v root="$root/" '
		/^[^ ].*:[0-9]+:[0-9]+: (warning|error):/ { keep = (index($0, root "user/") == 1 ||
			index($0, root "tools/") == 1 || index($0, root "python/") == 1 ||
			$0 ~ /^(user|tools|python)\//) && $0 !~ /\/\.\.\// }
		keep' >&2
	exit 1
fi
# A run that failed without any finding at all is a tool failure (a missing clang-tidy, a
# file that does not compile), not a clean file. (A here-string, not printf | grep -q: with
# pipefail, grep -q leaving at the first match made printf die of SIGPIPE on a long report,
# and a finding in a skeleton header read as a tool failure, at random.)
if [ $rc -ne 0 ] && ! grep -qE ':[0-9]+:[0-9]+: (warning|error):' <<<"$out"; then
	printf '%s\n' "$out" >&2
	echo "tidy.sh: $tidy failed on $src (exit $rc)" >&2
	exit 1
fi
exit 0
