#!/usr/bin/env bash
# Conventions held by a check, not by memory: every C++ file is clang-formatted
# with the repo's .clang-format, and every module folder has a README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
while IFS= read -r f; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not clang-formatted: $f (run: clang-format -i $f)"
    status=1
  fi
done < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find . -name '*.cpp' -o -name '*.h')
for module in zones geo server admin tests bench; do
  [[ -f $module/README.md ]] || { echo "missing $module/README.md"; status=1; }
done
[[ $status == 0 ]] && echo "conventions: ok"
exit $status
