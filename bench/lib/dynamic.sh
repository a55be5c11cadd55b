# shellcheck shell=bash disable=SC2034
# The dynamic-answer benchmark's data and servers (bench/dynamic.sh, and
# bench/profile.sh --dynamic): the generated MaxMind DB, the queries with
# per-query EDNS Client Subnet, the zone, and gslbd / gdnsd / PowerDNS set up
# from bench/dynamic/ to answer the same four GSLB names. Sourced after
# common.sh; sets BENCH_KIND=dynamic so that prepare_server lands here.

BENCH_KIND=dynamic
DYN_DIR=$BENCH_DIR/dynamic
ZONE=dyn.bench.test
DYN_SERVERS=(gslbd gdnsd pdns)
DYN_NAMES=(prox lat geo wrr)
QUERY_COUNT=${QUERY_COUNT:-50000}
# PowerDNS's enable-lua-records: shared (one Lua state per thread) or yes (a
# new Lua state per query, its default mode).
PDNS_LUA_RECORDS=${PDNS_LUA_RECORDS:-shared}

# gen_dyn_data DIR: DIR/geo.mmdb + DIR/networks.tsv (make_geo_mmdb.pl), the
# apex zone DIR/$ZONE.zone, and the queries: DIR/queries.bin (the mix, dnsperf
# -B format) + DIR/queries.txt (its listing), and DIR/queries-NAME.bin with
# the same client mix for one service name each.
gen_dyn_data() {
  local dir=$1 n
  perl "$DYN_DIR/make_geo_mmdb.pl" "$dir/geo.mmdb" "$dir/networks.tsv" 2>"$dir/make_geo_mmdb.log" ||
    { cat "$dir/make_geo_mmdb.log" >&2; die "make_geo_mmdb.pl failed (needs libmaxmind-db-writer-perl)"; }
  perl "$DYN_DIR/gen_queries.pl" "$dir/networks.tsv" "$ZONE" "$QUERY_COUNT" "$dir/queries.bin" "$dir/queries.txt" 2>"$dir/gen_queries.log" ||
    { cat "$dir/gen_queries.log" >&2; die "gen_queries.pl failed"; }
  for n in "${DYN_NAMES[@]}"; do
    ONLY_NAME=$n perl "$DYN_DIR/gen_queries.pl" "$dir/networks.tsv" "$ZONE" "$QUERY_COUNT" \
      "$dir/queries-$n.bin" "$dir/queries-$n.txt" 2>>"$dir/gen_queries.log" || die "gen_queries.pl failed"
  done
  # The apex: SOA, NS + glue, as in the static zone (fully qualified, TTLs).
  cat >"$dir/$ZONE.zone" <<EOF
\$TTL 300
$ZONE. 300 IN SOA ns1.$ZONE. hostmaster.$ZONE. 2024010101 3600 900 604800 300
$ZONE. 300 IN NS ns1.$ZONE.
$ZONE. 300 IN NS ns2.$ZONE.
ns1.$ZONE. 300 IN A 192.0.2.1
ns2.$ZONE. 300 IN A 192.0.2.2
EOF
}

# fill_template FILE DIR PORT: FILE with @DIR@ and @PORT@ replaced.
fill_template() { sed -e "s|@DIR@|$2|g" -e "s|@PORT@|$3|g" "$1"; }

# gslbd_dynamic_support: the gslbd flags and the gslbadm subcommand the
# dynamic benchmark needs. Prints what is missing (nothing = all there).
gslbd_dynamic_support() {
  local help adm missing=()
  help=$("$GSLBD" --help 2>&1 || true)
  adm=$("$GSLBADM" --help 2>&1 || true)
  grep -q -- '--geoip' <<<"$help" || missing+=("gslbd --geoip")
  grep -qE '^ +apply( |$)' <<<"$adm" || missing+=("gslbadm apply")
  echo "${missing[*]}"
}

# gslbd_geo_args MMDB: gslbd's flags for the dynamic benchmark: the database,
# and the ECS source prefixes it may use (/24, /56) when gslbd has those flags.
gslbd_geo_args() {
  local help args="--geoip $1"
  help=$("$GSLBD" --help 2>&1 || true)
  grep -q -- '--ecs-max-prefix-v4' <<<"$help" && args+=" --ecs-max-prefix-v4 24"
  grep -q -- '--ecs-max-prefix-v6' <<<"$help" && args+=" --ecs-max-prefix-v6 56"
  echo "$args"
}

# prepare_dynamic_server NAME APEXFILE: the server's config and data under
# $WORK/NAME, each with its own copy of geo.mmdb (from APEXFILE's directory).
prepare_dynamic_server() {
  local s=$1 apex=$2 d=$WORK/$1 port src
  src=$(dirname "$apex")
  port=$(server_port "$s")
  rm -rf "$d" && mkdir -p "$d"
  cp "$src/geo.mmdb" "$d/geo.mmdb"
  case $s in
    gslbd)
      if ! { "$GSLBADM" --db "$d/gslb.db" init &&
        "$GSLBADM" --db "$d/gslb.db" zone import "$apex" &&
        "$GSLBADM" --db "$d/gslb.db" apply -f "$DYN_DIR/gslb.yaml"; } >"$d/prepare.log" 2>&1; then
        cat "$d/prepare.log" >&2
        return 1
      fi
      GSLBD_BENCH_ARGS=$(gslbd_geo_args "$d/geo.mmdb")
      ;;
    gdnsd)
      mkdir -p "$d/etc/zones" "$d/run" "$d/state"
      fill_template "$DYN_DIR/gdnsd.config" "$d" "$port" >"$d/etc/config"
      cat "$apex" "$DYN_DIR/gdnsd.records" >"$d/etc/zones/$ZONE"
      /usr/sbin/gdnsd -c "$d/etc" checkconf >"$d/prepare.log" 2>&1 || { cat "$d/prepare.log" >&2; return 1; }
      ;;
    pdns)
      fill_template "$DYN_DIR/pdns.conf" "$d" "$port" | sed "s|@LUA@|$PDNS_LUA_RECORDS|" >"$d/pdns.conf"
      cat "$apex" "$DYN_DIR/pdns.records" >"$d/$ZONE.zone"
      echo "zone \"$ZONE\" { type master; file \"$d/$ZONE.zone\"; };" >"$d/named.conf"
      echo "domains: []" >"$d/geo-zones.yaml"
      # The geoip backend wants its module; pdnsutil checks the zone's syntax.
      [[ -e /usr/lib/x86_64-linux-gnu/pdns/libgeoipbackend.so || -n $(find /usr/lib -name libgeoipbackend.so -print -quit 2>/dev/null) ]] ||
        { echo "pdns-backend-geoip is not installed" >&2; return 1; }
      pdnsutil --config-dir="$d" check-zone "$ZONE" >"$d/prepare.log" 2>&1 || { cat "$d/prepare.log" >&2; return 1; }
      ;;
    *) die "$s is not part of the dynamic benchmark (servers: ${DYN_SERVERS[*]})" ;;
  esac
}

# verify_dynamic DATADIR SERVER...: ask every server the sample queries (the
# first SAMPLE_CLIENTS distinct client subnets of the query mix, each with
# every service name, plus WRR_SAMPLES wrr queries for the shares) with dig,
# check them with dynamic/verify.pl; writes $WORK/verify.md. Returns
# verify.pl's status.
verify_dynamic() {
  local data=$1 s samples=$WORK/samples.txt
  shift
  awk -v N="${SAMPLE_CLIENTS:-150}" -v W="${WRR_SAMPLES:-400}" -v Z="$ZONE" '
    { e = $3; if (!(e in seen) && n < N) { seen[e] = 1; c[++n] = e } }
    END {
      for (i = 1; i <= n; i++) { split("prox lat geo wrr", L, " "); for (j = 1; j <= 4; j++) print L[j] "." Z " A " c[i] }
      for (i = 1; i <= W; i++) print "wrr." Z " A " c[(i % n) + 1]
    }' "$data/queries.txt" >"$samples"
  # dig batch file: "NAME A +subnet=X" (or no option for ecs=none).
  sed -e 's/ ecs=none$//' -e 's/ ecs=/ +subnet=/' "$samples" >"$WORK/samples.dig"
  local -a outs=()
  for s in "$@"; do
    dig +norec +nocookie +tries=1 +time=2 +noall +comments +answer -p "$(server_port "$s")" @127.0.0.1 \
      -f "$WORK/samples.dig" >"$WORK/$s/samples.out" 2>&1 || true
    outs+=("$s=$WORK/$s/samples.out")
  done
  STRICT=${VERIFY_STRICT:-1} perl "$DYN_DIR/verify.pl" "$DYN_DIR/gslb.yaml" "$data/geo.mmdb" "$samples" "$WORK/verify.md" "${outs[@]}"
}
