#!/usr/bin/env bash
# The monitoring files shipped in docs/monitoring/ stay true to gslbd: every gslb_* metric
# they use is documented in a table row of docs/metrics.md (histogram series' _bucket, _sum
# and _count suffixes stripped), every JSON file parses, and every YAML file parses (with
# python3-yaml; without it the YAML check is skipped and says so). With promtool installed,
# the rule files are also checked as Prometheus rules.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
problem() {
  echo "monitoring docs: $*"
  status=1
}

dir=docs/monitoring
metrics_doc=docs/metrics.md
[[ -d $dir ]] || { echo "monitoring docs: no $dir"; exit 1; }
[[ -f $metrics_doc ]] || { echo "monitoring docs: no $metrics_doc"; exit 1; }
mapfile -t files < <(find "$dir" -type f \( -name '*.json' -o -name '*.yml' -o -name '*.yaml' \) | sort)
((${#files[@]} > 0)) || problem "no .json, .yml or .yaml file in $dir"

# Documented: the first cell of a table row, "| `gslb_name` | ...".
mapfile -t documented < <(grep -oE '^\| `gslb_[a-z0-9_]+`' "$metrics_doc" | sed -E 's/^\| `//; s/`$//' | sort -u)
is_documented() {
  local name="$1" d
  for d in "${documented[@]}"; do [[ $d == "$name" ]] && return 0; done
  return 1
}

for f in "${files[@]}"; do
  while IFS= read -r used; do
    [[ -n $used ]] || continue
    base="$(sed -E 's/_(bucket|sum|count)$//' <<<"$used")"
    is_documented "$base" || problem "$f uses $used, which $metrics_doc does not document"
  done < <(grep -ohE '\bgslb_[a-z0-9_]+' "$f" | sort -u || true)

  case "$f" in
    *.json)
      if ! err="$(python3 -m json.tool "$f" 2>&1 >/dev/null)"; then
        problem "$f is not valid JSON: $(tr '\n' ' ' <<<"$err")"
      fi
      ;;
    *.yml | *.yaml)
      if python3 -c 'import yaml' 2>/dev/null; then
        if ! err="$(python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$f" 2>&1)"; then
          problem "$f is not valid YAML: $(tail -n 3 <<<"$err" | tr '\n' ' ')"
        fi
      else
        echo "monitoring docs: python3-yaml is not installed: $f not parsed (apt-get install python3-yaml)"
      fi
      if command -v promtool >/dev/null 2>&1 && grep -q '^groups:' "$f"; then
        promtool check rules "$f" >/dev/null 2>&1 ||
          problem "$f fails promtool check rules: $(promtool check rules "$f" 2>&1 | tail -n 3 | tr '\n' ' ')"
      fi
      ;;
  esac
done

[[ $status == 0 ]] && echo "monitoring docs: ok (${#files[@]} files, ${#documented[@]} documented metrics)"
exit $status
