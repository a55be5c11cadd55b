# report.awk — turn runs.csv (bench/run.sh, bench/dynamic.sh) into the
# Markdown tables of RESULTS.md. Variables: T (clock ticks per second), ORDER
# (servers, space separated, gslbd first when present), TARGETS (ratio
# targets "PEER:MAX ...", default "gdnsd:0.80"). Input: runs.csv with a
# header line. Kinds of run: "rateN" (N qps offered), "rateN:LABEL" (N qps of
# a subset of the queries, e.g. one service name) and "sat" (no limit).
#
# Columns: 1 round, 2 server, 3 kind, 4 offered_qps, 5 duration_s, 6 sent,
# 7 completed, 8 lost, 9 qps, 10 srv_cpu_ticks, 11 srv_cpu_ns, 12 cli_user_s,
# 13 cli_sys_s, 14 wall_s, 15 core_cli_busy, 16 core_cli_irq,
# 17 core_cli_steal, 18 core_srv_busy, 19 core_srv_irq, 20 core_srv_steal,
# 21 p50_us, 22 p99_us, 23 p999_us, 24 avg_resp_bytes, 25 rcodes, 26 attempts
# (core_* are /proc/stat ticks: busy = user+nice+system, irq = irq+softirq)

function median(list,    a, n, i, j, t) {
  n = split(list, a, " ")
  if (n == 0) return ""
  for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return (n % 2) ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
}
function minof(list,    a, n, i, m) { n = split(list, a, " "); m = a[1] + 0; for (i = 2; i <= n; i++) if (a[i] + 0 < m) m = a[i] + 0; return m }
function maxof(list,    a, n, i, m) { n = split(list, a, " "); m = a[1] + 0; for (i = 2; i <= n; i++) if (a[i] + 0 > m) m = a[i] + 0; return m }
function add(key, v) { V[key] = (key in V) ? V[key] " " v : v }
function pct(x) { return sprintf("%.0f%%", x * 100) }
# "rate20000" → "20000 qps"; "rate20000:geo" → "20000 qps, geo only".
function klabel(k,    r, l) {
  r = substr(k, 5); l = ""
  if (index(r, ":")) { l = ", " substr(r, index(r, ":") + 1) " only"; r = substr(r, 1, index(r, ":") - 1) }
  return r " qps" l
}
# The labels that occur for a (server, kind), most frequent first, with counts.
function limits(key,    out, l, best, bl, done, k, p) {
  out = ""
  for (k = 0; k < 10; k++) {
    best = 0; bl = ""
    for (l in LIM) {
      split(l, p, SUBSEP)
      if (p[1] SUBSEP p[2] == key && !((key, p[3]) in done) && LIM[l] > best) { best = LIM[l]; bl = p[3] }
    }
    if (bl == "") break
    done[key, bl] = 1
    out = out (out == "" ? "" : "; ") bl (NR_R[key] > 1 ? " (" best "/" NR_R[key] ")" : "")
  }
  return out
}

NR == 1 { next }
{
  s = $2; k = $3; key = s SUBSEP k
  if (!(k in KSEEN)) { KSEEN[k] = 1; KORD[++NK] = k }
  wall = $14
  cpu_us = $10 / T * 1e6 / $7            # ticks-based (the headline figure)
  cpu_ns_us = $11 / 1000 / $7            # schedstat cross-check
  cli = ($12 + $13) / wall               # dnsperf's share of its core
  srv = $11 / 1e9 / wall                 # server's share of its core
  srv_other = $18 / T / wall - srv       # other tasks on the server core
  cli_other = $15 / T / wall - cli       # other tasks on the client core
  if (srv_other < 0) srv_other = 0
  if (cli_other < 0) cli_other = 0
  srv_core = ($18 + $19) / T / wall      # whole server core busy (incl. softirq)
  cli_core = ($15 + $16) / T / wall      # whole client core busy (incl. softirq)
  irq_us = $19 / T * 1e6 / $7            # softirq on the server core per query
  steal = ($17 + $20) / T / wall / 2
  if ($4 > 0 && $9 >= 0.97 * $4) lim = "offered rate"
  else if (cli_core >= 0.9 && srv_core >= 0.9) lim = "client+server core"
  else if (cli_core >= 0.9) lim = "client core"
  else if (srv_core >= 0.9) lim = "server core"
  else lim = "neither (losses/latency)"
  if (lim != "offered rate" && (srv_other > 0.1 || cli_other > 0.1)) lim = lim " (shared)"
  LIM[key, lim]++; NR_R[key]++
  add(key SUBSEP "cpu", cpu_us); add(key SUBSEP "cpuns", cpu_ns_us)
  add(key SUBSEP "qps", $9); add(key SUBSEP "cli", cli); add(key SUBSEP "srv", srv)
  add(key SUBSEP "srvo", srv_other); add(key SUBSEP "clio", cli_other); add(key SUBSEP "steal", steal)
  add(key SUBSEP "lost", $8 / ($6 ? $6 : 1)); add(key SUBSEP "irq", irq_us); add(key SUBSEP "cpuirq", cpu_us + irq_us)
  add(key SUBSEP "clic", cli_core); add(key SUBSEP "srvc", srv_core)
  if ($21 != "") { add(key SUBSEP "p50", $21); add(key SUBSEP "p99", $22); add(key SUBSEP "p999", $23) }
  RESP[s] = $24; RC[s] = $25
  RAW[++NRAW] = sprintf("| %s | %s | %s | %.0f | %s | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s | %s |", $1, s, k, $9, $8, cpu_us, cpu_ns_us, irq_us,
    pct(cli), pct(srv), pct(cli_other > srv_other ? cli_other : srv_other), ($22 == "" ? "–" : $22), $26, lim)
}
END {
  ns = split(ORDER, S, " ")
  has_g = 0; for (i = 1; i <= ns; i++) if (S[i] == "gslbd") has_g = 1

  print "## Headline: server CPU time per answered query (median µs/query)"
  print ""
  hdr = "| offered rate |"; sep = "|---|"
  for (i = 1; i <= ns; i++) { hdr = hdr " " S[i] " |"; sep = sep "---:|" }
  if (has_g) for (i = 1; i <= ns; i++) if (S[i] != "gslbd") { hdr = hdr " gslbd ÷ " S[i] " |"; sep = sep "---:|" }
  print hdr; print sep
  for (j = 1; j <= NK; j++) {
    k = KORD[j]; if (k == "sat") continue
    line = "| " klabel(k) " |"
    for (i = 1; i <= ns; i++) line = line sprintf(" %.2f |", median(V[S[i], k, "cpu"]))
    if (has_g) for (i = 1; i <= ns; i++) if (S[i] != "gslbd") {
      pc = median(V[S[i], k, "cpu"]); line = line (pc > 0 ? sprintf(" %.2f |", median(V["gslbd", k, "cpu"]) / pc) : " – |")
    }
    print line
  }
  print ""
  if (has_g) {
    nt = split(TARGETS == "" ? "gdnsd:0.80" : TARGETS, TG, " ")
    for (t = 1; t <= nt; t++) {
      peer = substr(TG[t], 1, index(TG[t], ":") - 1); lim = substr(TG[t], index(TG[t], ":") + 1) + 0
      for (i = 1; i <= ns; i++) if (S[i] == peer) {
        for (j = 1; j <= NK; j++) {
          k = KORD[j]; if (k == "sat") continue
          pc = median(V[peer, k, "cpu"]); if (!(pc > 0) || !(("gslbd" SUBSEP k) in NR_R)) continue
          r = median(V["gslbd", k, "cpu"]) / pc
          printf "Target gslbd ÷ %s ≤ %.2f at %s: **%.2f — %s**.  \n", peer, lim, klabel(k), r, (r <= lim ? "met" : "not met")
        }
      }
    }
  } else {
    print "gslbd was not measured (see Skipped servers): no ratios."
  }
  print ""
  print "Ratios are of medians; < 1 means gslbd spends less CPU per query than the peer."
  print ""
  print "### Cross-check: process CPU + irq/softirq time on the server core (median µs/query)"
  print ""
  print "The headline counts only time charged to the server's threads. The kernel also spends time on the server's core that it charges to no process (IRQ time accounting): loopback delivery of the answers (softirq) and timer interrupts (e.g. for a server that sleeps between batches). It is shown here added in; other programs' interrupts on that core are included too, so check the interference table below."
  print ""
  print hdr; print sep
  for (j = 1; j <= NK; j++) {
    k = KORD[j]; if (k == "sat") continue
    line = "| " klabel(k) " |"
    for (i = 1; i <= ns; i++) line = line sprintf(" %.2f |", median(V[S[i], k, "cpuirq"]))
    if (has_g) for (i = 1; i <= ns; i++) if (S[i] != "gslbd") {
      pc = median(V[S[i], k, "cpuirq"]); line = line (pc > 0 ? sprintf(" %.2f |", median(V["gslbd", k, "cpuirq"]) / pc) : " – |")
    }
    print line
  }
  print ""

  for (j = 1; j <= NK; j++) {
    k = KORD[j]; if (k == "sat") continue
    printf "## Fixed rate: %s offered\n\n", klabel(k)
    print "| server | CPU µs/query (median) | min – max | spread | schedstat µs/q | irq+softirq µs/q | achieved qps | p50 µs | p99 µs | p99.9 µs | server process | dnsperf | limited by |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    for (i = 1; i <= ns; i++) {
      key = S[i] SUBSEP k; if (!(key in NR_R)) continue
      m = median(V[key, "cpu"])
      printf "| %s | **%.2f** | %.2f – %.2f | %.0f%% | %.2f | %.2f | %.0f | %s | %s | %s | %s | %s | %s |\n", S[i], m,
        minof(V[key, "cpu"]), maxof(V[key, "cpu"]), (m > 0 ? (maxof(V[key, "cpu"]) - minof(V[key, "cpu"])) / m * 100 : 0),
        median(V[key, "cpuns"]), median(V[key, "irq"]), median(V[key, "qps"]), median(V[key, "p50"]), median(V[key, "p99"]), median(V[key, "p999"]),
        pct(median(V[key, "srv"])), pct(median(V[key, "cli"])), limits(key)
    }
    print ""
  }

  if ("sat" in KSEEN) {
    print "## Saturation (no rate limit)"
    print ""
    print "| server | qps (median) | min – max | CPU µs/query | server process | server core | dnsperf | client core | lost | limited by |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    for (i = 1; i <= ns; i++) {
      key = S[i] SUBSEP "sat"; if (!(key in NR_R)) continue
      printf "| %s | **%.0f** | %.0f – %.0f | %.2f | %s | %s | %s | %s | %.2f%% | %s |\n", S[i], median(V[key, "qps"]), minof(V[key, "qps"]), maxof(V[key, "qps"]),
        median(V[key, "cpu"]), pct(median(V[key, "srv"])), pct(median(V[key, "srvc"])), pct(median(V[key, "cli"])), pct(median(V[key, "clic"])),
        median(V[key, "lost"]) * 100, limits(key)
    }
    print ""
    print "\"server process\" / \"dnsperf\" = CPU time of that process ÷ wall time; \"server core\" / \"client core\" = the whole core's busy share including softirq (loopback packet delivery, charged to no process). When the limit is \"client core\", the dnsperf core was ≥ 90% busy: the figure is a lower bound of the server's capacity, and servers that hit it cannot be ranked by qps (rank them by CPU µs/query above)."
    print ""
  }

  print "## Interference and sanity checks"
  print ""
  print "Other load = busy time on the core not accounted to the process measured there (other programs, interrupts); steal = hypervisor steal, both as a share of the run's wall time (median over runs). Response size and rcode mix come from the last run per server and should be equal across servers."
  print ""
  print "| server | kind | other load, server core | other load, client core | steal | avg response bytes | rcodes (last run) |"
  print "|---|---|---:|---:|---:|---:|---|"
  for (i = 1; i <= ns; i++) for (j = 1; j <= NK; j++) {
    k = KORD[j]; key = S[i] SUBSEP k; if (!(key in NR_R)) continue
    printf "| %s | %s | %s | %s | %s | %s | %s |\n", S[i], k, pct(median(V[key, "srvo"])), pct(median(V[key, "clio"])), pct(median(V[key, "steal"])),
      (j == NK ? RESP[S[i]] : ""), (j == NK ? RC[S[i]] : "")
  }
  print ""
  print "## All runs"
  print ""
  print "| round | server | kind | qps | lost | CPU µs/q | schedstat µs/q | irq+softirq µs/q | dnsperf | server process | other load | p99 µs | attempts | limited by |"
  print "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for (i = 1; i <= NRAW; i++) print RAW[i]
}
