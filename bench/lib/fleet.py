"""bench/fleet.sh's helper (Python 3 stdlib only).

gen-config --zone Z --zonefile F [--pools P --per-pool M]
                                 gslb.yaml: one zone (+ a small GSLB set-up, or
                                 P pools x M members 10.P.M.1 on one monitor)
wait-etcd URL...                 until every member's /health says true
wait-node --api URL --token T --dns PORT --zone Z [--timeout S]
                                 until the node is synced (fleet.connected,
                                 config_revision > 0) and answers Z/SOA
propagate --api URL,... --dns PORT,... --token T --zone Z --writes N --csv F
                                 N record adds round-robin over the nodes'
                                 APIs; per write the API call's duration and
                                 the time until every node answers the record;
                                 JSON summary on stdout
node-metrics --api URL --token T  the node's gslb_fleet_* samples as JSON
etcd-status URL...               leader, db size, revision of each member (JSON)
fanin --etcd URL,... --db F,... --cpu NAME=PID,... --pools P --per-pool M ...
                                 health fan-in: runs `publish` as a child,
                                 drives its phases, follows every node's health
                                 table (by seq), samples CPU; JSON on stdout
publish --etcd URL --pools P --per-pool M --vantages a,b,c ...
                                 the simulated vantages (stdin: commands)
report --prop F --fanin F --settings F
                                 the result tables (Markdown)
"""
import argparse
import base64
import http.client
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from udp_dns import UdpDns

CLK_TCK = os.sysconf("SC_CLK_TCK")


def now_ms():
    return time.time() * 1000.0


def run_each(items, run):
    """run(item) for every item at once, a thread each; (start_ms, end_ms) of the whole."""
    start = now_ms()
    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return start, now_ms()


# ------------------------------------------------------------------ HTTP

def http_json(method, url, body=None, token=None, timeout=10):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


class Etcd:
    """etcd v3 JSON gateway over one persistent HTTP/1.1 connection (one thread each)."""

    def __init__(self, url, timeout=10):
        u = urllib.parse.urlparse(url)
        self.host, self.port, self.timeout = u.hostname, u.port, timeout
        self.conn = None

    def call(self, path, body):
        data = json.dumps(body).encode()
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.conn.request("POST", path, data, {"Content-Type": "application/json"})
                r = self.conn.getresponse()
                text = r.read()
                if r.status != 200:
                    raise RuntimeError(f"etcd {path}: HTTP {r.status}: {text[:300]!r}")
                return json.loads(text)
            except (http.client.HTTPException, OSError):
                self.conn = None
                if attempt:
                    raise

    @staticmethod
    def b64(s):
        return base64.b64encode(s.encode()).decode()

    def grant(self, ttl):
        return self.call("/v3/lease/grant", {"TTL": ttl})["ID"]

    def keepalive(self, lease):
        r = self.call("/v3/lease/keepalive", {"ID": lease})
        return int(r.get("result", {}).get("TTL", 0))

    def revoke(self, lease):
        self.call("/v3/lease/revoke", {"ID": lease})

    def txn_put(self, items, lease):
        ops = [{"requestPut": {"key": self.b64(k), "value": self.b64(v), "lease": lease}} for k, v in items]
        r = self.call("/v3/kv/txn", {"success": ops})
        return int(r["header"]["revision"])


# ------------------------------------------------------------- gen-config

def gen_config(a):
    out = [f"# bench/fleet.sh: zone {a.zone}" + (f", {a.pools} pools x {a.per_pool} members" if a.pools else ", a small GSLB set-up")]
    out.append(f"zones:\n  - {{name: {a.zone}, file: {a.zonefile}}}")
    if a.pools:
        # Never probed (no gslb-healthd runs): the simulated vantages report on these members.
        out.append("monitors:\n  - {name: lb, type: http, port: 8080, path: /healthz, interval: 1s, timeout: 500ms, rise: 2, fall: 2}")
        out.append("regions:\n  - {name: r1, lat: 50.1, lon: 8.7}")
        out.append("pools:")
        for p in range(1, a.pools + 1):
            out.append(f"  - name: p{p}\n    region: r1\n    monitor: lb\n    members:")
            for m in range(1, a.per_pool + 1):
                out.append(f"      - {{address: 10.{p}.{m}.1}}")
    else:
        out.append("monitors:\n  - {name: lb, type: http, port: 8080, path: /healthz, interval: 1s, timeout: 500ms, rise: 2, fall: 2}")
        out.append("regions:\n  - {name: east, lat: 40.7, lon: -74.0}\n  - {name: west, lat: 37.8, lon: -122.4}")
        out.append("pools:\n  - {name: east, region: east, monitor: lb, members: [{address: 192.0.2.10}]}\n"
                   "  - {name: west, region: west, monitor: lb, members: [{address: 192.0.2.20}]}")
        out.append(f"services:\n  - name: www.{a.zone}\n    policy: failover\n    ttl: 30\n"
                   "    pools: [{pool: east, priority: 1}, {pool: west, priority: 2}]")
    print("\n".join(out))


# --------------------------------------------------------------- waiting

def wait_etcd(a):
    deadline = time.monotonic() + a.timeout
    for url in a.urls:
        while True:
            try:
                st, body = http_json("GET", url + "/health", timeout=1)
                if st == 200 and '"true"' in body:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"etcd member {url} not healthy within {a.timeout}s")
            time.sleep(0.1)


def wait_node(a):
    """Prints the ms until the node had applied the configuration and answered SOA."""
    start = time.monotonic()
    dns = UdpDns(a.dns)
    last = ""
    while time.monotonic() - start < a.timeout:
        try:
            st, body = http_json("GET", a.api + "/v1/status", token=a.token, timeout=2)
            if st == 200:
                f = json.loads(body).get("fleet") or {}
                last = json.dumps(f)
                if f.get("connected") and f.get("config_revision", 0) > 0:
                    r = dns.ask(a.zone, 6)
                    if r and r[0] == 0:
                        print(round((time.monotonic() - start) * 1000))
                        return 0
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"node {a.api} not synced within {a.timeout}s; last fleet status: {last}")


def log_ts_ms(line):
    import datetime
    ts = line.split(" ", 1)[0][3:]
    d = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return d.timestamp() * 1000


def log_sync_ms(a):
    """ms from gslbd's event=ready to its first snapshot with a zone (etcd's configuration)."""
    ready = None
    for line in open(a.log, errors="replace"):
        if "event=ready" in line and ready is None:
            ready = log_ts_ms(line)
        elif ready is not None and "event=snapshot_loaded" in line and " zones=0 " not in line:
            print(round(log_ts_ms(line) - ready))
            return 0
    print("–")
    return 0


def node_metrics(a):
    st, body = http_json("GET", a.api + "/metrics", token=a.token, timeout=5)
    out = {}
    for line in body.splitlines():
        if line.startswith("gslb_fleet_"):
            k, _, v = line.partition(" ")
            out[k] = float(v)
    print(json.dumps(out))


def etcd_status(urls):
    out = []
    for url in urls:
        try:
            st, body = http_json("POST", url + "/v3/maintenance/status", body={}, timeout=3)
            j = json.loads(body)
            out.append({"url": url, "member_id": j["header"]["member_id"], "leader": j.get("leader"),
                        "db_size": int(j.get("dbSize", 0)), "revision": int(j["header"]["revision"])})
        except (OSError, ValueError, KeyError) as e:
            out.append({"url": url, "error": str(e)})
    return out


# ------------------------------------------------------------- propagate

def pct(vals, p):
    """Nearest-rank percentile of a sorted list."""
    if not vals:
        return None
    k = max(1, -(-p * len(vals) // 100))
    return vals[min(int(k), len(vals)) - 1]


def summary(vals):
    v = sorted(vals)
    if not v:
        return {"n": 0}
    return {"n": len(v), "min": v[0], "p50": pct(v, 50), "p90": pct(v, 90), "p99": pct(v, 99), "max": v[-1],
            "mean": statistics.fmean(v)}


def propagate(a):
    apis = a.api.split(",")
    dns = [UdpDns(int(p)) for p in a.dns.split(",")]
    # The nodes' stores (read-only): when did the syncer apply the write there.
    dbs = [sqlite3.connect(f"file:{p}?mode=ro", uri=True, timeout=5) for p in a.db.split(",")] if a.db else []
    rows = []
    failures = 0
    pids = {k: int(v) for k, v in (x.split("=", 1) for x in a.cpu.split(","))} if a.cpu else {}
    pids["bench client"] = os.getpid()
    window = CpuWindow(pids)
    with open(a.csv, "w") as csvf:
        csvf.write("i,writer,owner,address,api_status,api_ms,prop_ms," + ",".join(f"node{n}_ms" for n in range(len(dns))) + ",queries,"
                   + ",".join(f"node{n}_store_ms" for n in range(len(dbs))) + "\n")
        for i in range(a.writes):
            writer = i % len(apis)
            owner = f"w{i}-{random.randint(0, 1 << 30):x}"
            address = f"198.18.{i // 250}.{i % 250 + 1}"
            name = f"{owner}.{a.zone}"
            res = {}

            def do_post():
                t = time.monotonic()
                try:
                    st, body = http_json("POST", f"{apis[writer]}/v1/zones/{a.zone}/records",
                                         body={"owner": owner, "type": "A", "rdata": address}, token=a.token, timeout=30)
                except OSError as e:
                    st, body = 0, str(e)
                res["ms"] = (time.monotonic() - t) * 1000
                res["status"], res["body"] = st, body

            t0 = time.monotonic()
            th = threading.Thread(target=do_post)
            th.start()
            seen = [None] * len(dns)
            stored = [None] * len(dbs)
            queries = 0
            k = 0
            while (None in seen or None in stored) and time.monotonic() - t0 < a.timeout:
                for n, d in enumerate(dns):
                    if n < len(dbs) and stored[n] is None:
                        if dbs[n].execute("SELECT 1 FROM record WHERE owner LIKE ?", (owner + ".%",)).fetchone():
                            stored[n] = (time.monotonic() - t0) * 1000
                    if seen[n] is None:
                        r = d.ask(name, 1, 0.1)
                        queries += 1
                        if r and r[0] == 0 and address in r[1]:
                            seen[n] = (time.monotonic() - t0) * 1000
                            if n < len(dbs) and stored[n] is None:
                                stored[n] = seen[n]  # answered before the store read saw it: same poll round
                k += 1
                d = t0 + k * a.poll_ms / 1000.0 - time.monotonic()
                if d > 0:
                    time.sleep(d)
                if "status" in res and res["status"] != 201:
                    break
            th.join()
            if res["status"] != 201:
                failures += 1
                print(f"write {i} via node {writer}: HTTP {res['status']}: {res['body'][:300]}", file=sys.stderr)
            prop = max(seen) if None not in seen else None
            rows.append({"writer": writer, "api_ms": res["ms"], "prop_ms": prop, "nodes": seen, "stored": stored,
                         "status": res["status"]})
            csvf.write(f"{i},{writer},{owner},{address},{res['status']},{res['ms']:.2f},"
                       + (f"{prop:.2f}" if prop is not None else "timeout") + ","
                       + ",".join(f"{s:.2f}" if s is not None else "timeout" for s in seen) + f",{queries},"
                       + ",".join(f"{s:.2f}" if s is not None else "timeout" for s in stored) + "\n")
            # A random pause, so that writes do not fall into step with the nodes' store poll
            # (gslbd's --poll-interval) and hit the same phase of it every time.
            time.sleep(random.uniform(a.pause_ms, 2 * a.pause_ms) / 1000.0)
    cpu = window.close()
    ok = [r for r in rows if r["prop_ms"] is not None]
    out = {
        "cpu": cpu,
        "writes": len(rows), "failed_writes": failures, "timeouts": sum(1 for r in rows if r["prop_ms"] is None and r["status"] == 201),
        "prop": summary([r["prop_ms"] for r in ok]),
        "api": summary([r["api_ms"] for r in rows if r["status"] == 201]),
        # Time the other nodes answered after the write returned (<= 0: before the API answered).
        "after_api": summary([r["prop_ms"] - r["api_ms"] for r in ok]),
        "per_node": [summary([r["nodes"][n] for r in ok]) for n in range(len(dns))],
        # Every node's store has it (its syncer applied it): max over nodes.
        "stored": summary([max(r["stored"]) for r in ok if dbs and None not in r["stored"]]),
        # Per node: store -> DNS answer (gslbd's store poll and snapshot build).
        "store_to_dns": summary([r["nodes"][n] - r["stored"][n] for r in ok for n in range(len(dbs))
                                 if r["stored"][n] is not None]),
        "pause_ms": [a.pause_ms, 2 * a.pause_ms],
        "per_writer": [summary([r["prop_ms"] for r in ok if r["writer"] == w]) for w in range(len(apis))],
        "poll_ms": a.poll_ms,
    }
    print(json.dumps(out))


# ------------------------------------------------------------- cpu

def cpu_ticks(pid):
    """utime + stime (ticks) of the process, all its threads (/proc/PID/stat 14 + 15)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    f = s[s.rindex(")") + 2:].split()
    return int(f[11]) + int(f[12])


def cores():
    """{cpuN: (busy, irq, total)} ticks from /proc/stat."""
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            p = line.split()
            if p[0].startswith("cpu") and p[0] != "cpu":
                v = [int(x) for x in p[1:9]]
                out[p[0]] = (v[0] + v[1] + v[2], v[5] + v[6], sum(v))
    return out


class CpuWindow:
    def __init__(self, pids):
        self.pids = pids
        self.t = time.monotonic()
        self.c = {n: cpu_ticks(p) for n, p in pids.items()}
        self.k = cores()

    def close(self):
        wall = time.monotonic() - self.t
        k1 = cores()
        out = {"wall_s": wall, "procs": {}, "cores": {}}
        for n, p in self.pids.items():
            b = cpu_ticks(p)
            if b is None or self.c[n] is None:
                out["procs"][n] = None
                continue
            sec = (b - self.c[n]) / CLK_TCK
            out["procs"][n] = {"cpu_s": sec, "pct": sec / wall * 100 if wall else 0}
        for c, (b1, i1, t1) in k1.items():
            b0, i0, t0 = self.k.get(c, (b1, i1, t1))
            tot = (t1 - t0) or 1
            out["cores"][c] = {"busy_pct": (b1 - b0) / tot * 100, "irq_pct": (i1 - i0) / tot * 100}
        return out


# ------------------------------------------------------------- publisher

STATES = ("up", "down")


class Vantage:
    """A simulated gslb-healthd publisher: its lease, its reports."""

    def __init__(self, name, url, prefix, members, ttl, ops):
        self.name, self.prefix, self.members, self.ttl, self.ops = name, prefix, members, ttl, ops
        self.etcd = Etcd(url)
        self.lease = None
        self.state = {}   # member -> (state, checked, changed)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.keepalives = 0
        self.lost = 0

    def key(self, m):
        pool, addr = m
        return f"{self.prefix}health/{pool}/{addr}/{self.name}"

    @staticmethod
    def value(state, checked, changed, rng):
        rtt = rng.randint(200, 5000)
        j = {"state": state, "checked_at_ms": checked, "changed_at_ms": changed,
             "reason": "" if state == "up" else "simulated: connection refused",
             "rtt_us": rtt, "rtt_ewma_us": rtt, "load": round(rng.random(), 2)}
        return json.dumps(j, separators=(",", ":"))

    def start_lease(self, url):
        self.lease = self.etcd.grant(self.ttl)
        ka = Etcd(url)

        def loop():
            while not self.stop.wait(self.ttl / 3.0):
                try:
                    if ka.keepalive(self.lease) > 0:
                        self.keepalives += 1
                    else:
                        self.lost += 1
                except Exception:  # noqa: BLE001 - counted, retried
                    self.lost += 1
        threading.Thread(target=loop, daemon=True).start()
        presence = json.dumps({"started_at_ms": int(now_ms()), "version": "bench-fleet-sim", "lease_ttl_s": self.ttl})
        self.etcd.txn_put([(f"{self.prefix}vantage/{self.name}", presence)], self.lease)

    def put(self, batch, rng):
        """batch: [(member, state)]; checked_at = now just before the txn."""
        t = int(now_ms())
        items = []
        for m, st in batch:
            old = self.state.get(m)
            changed = t if old is None or old[0] != st else old[2]
            self.state[m] = (st, t, changed)
            items.append((self.key(m), self.value(st, t, changed, rng)))
        txns = 0
        for i in range(0, len(items), self.ops):
            self.etcd.txn_put(items[i:i + self.ops], self.lease)
            txns += 1
        return txns

    def checked_sum(self):
        return sum(v[1] for v in self.state.values())


def publish(a):
    members = [(f"p{p}", f"10.{p}.{m}.1") for p in range(1, a.pools + 1) for m in range(1, a.per_pool + 1)]
    vs = [Vantage(n, a.etcd, a.prefix, members, a.ttl, a.ops) for n in a.vantages.split(",")]
    out = sys.stdout

    def say(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    for v in vs:
        v.start_lease(a.etcd)
    say({"ready": True, "leases": [v.lease for v in vs]})
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "initial":
            # Every member's report, as fast as the vantage can: one thread per vantage,
            # txns of --ops puts each on its lease (as gslb-healthd's first publish).
            res = {}

            def run(v):
                rng = random.Random(v.name)
                t = time.monotonic()
                txns = v.put([(m, "up") for m in members], rng)
                res[v.name] = {"txns": txns, "s": time.monotonic() - t}
            t0, t1 = run_each(vs, run)
            say({"phase": "initial", "start_ms": t0, "end_ms": t1, "reports": len(members) * len(vs),
                 "txns": sum(r["txns"] for r in res.values()), "per_vantage": res,
                 "checked_sum": sum(v.checked_sum() for v in vs), "count": sum(len(v.state) for v in vs)})
        elif cmd[0] == "churn":
            # pct % of the members change state per second per vantage, published every
            # tick_ms (each tick's changes in txns of --ops puts).
            pctv, secs, tick = float(cmd[1]), float(cmd[2]), float(cmd[3])
            res = {}

            def run(v):
                rng = random.Random(v.name + "churn")
                per_tick = len(members) * pctv / 100.0 * tick / 1000.0
                carry = 0.0
                n = txns = late = 0
                t0 = time.monotonic()
                k = 0
                while True:
                    k += 1
                    due = t0 + k * tick / 1000.0
                    if due > t0 + secs + 1e-9:
                        break
                    d = due - time.monotonic()
                    if d > 0:
                        time.sleep(d)
                    else:
                        late += 1
                    carry += per_tick
                    cnt = int(carry)
                    carry -= cnt
                    if not cnt:
                        continue
                    batch = []
                    for m in rng.sample(members, cnt):
                        st = v.state[m][0] if m in v.state else "up"
                        batch.append((m, STATES[1 - STATES.index(st)]))
                    txns += v.put(batch, rng)
                    n += cnt
                res[v.name] = {"reports": n, "txns": txns, "late_ticks": late, "s": time.monotonic() - t0}
            t0, t1 = run_each(vs, run)
            say({"phase": "churn", "start_ms": t0, "end_ms": t1, "reports": sum(r["reports"] for r in res.values()),
                 "txns": sum(r["txns"] for r in res.values()), "per_vantage": res,
                 "late_ticks": sum(r["late_ticks"] for r in res.values()),
                 "checked_sum": sum(v.checked_sum() for v in vs), "count": sum(len(v.state) for v in vs)})
        elif cmd[0] == "quit":
            break
    for v in vs:
        v.stop.set()
    say({"phase": "quit", "keepalives": sum(v.keepalives for v in vs), "keepalive_failures": sum(v.lost for v in vs)})
    for v in vs:
        try:
            v.etcd.revoke(v.lease)
        except Exception:  # noqa: BLE001 - best effort
            pass


# ------------------------------------------------------------- fan-in

class NodeFollower:
    """Follows one node's health table by seq (the index gslbd itself reads it by)."""

    def __init__(self, path, vantages):
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        self.vset = set(vantages)
        self.seq = 0
        self.rows = {}  # (pool, address, vantage) -> checked
        self.checked_sum = 0
        self.lags = []   # ms from a report's checked_at to this follower seeing it (churn)
        self.lag_from = None
        self.read_ms = 0.0

    def poll(self):
        t = time.monotonic()
        cur = self.db.execute(
            "SELECT h.seq, p.name, m.address, h.vantage, h.checked_at FROM health h "
            "JOIN member m ON m.id = h.member_id JOIN pool p ON p.id = m.pool_id WHERE h.seq > ? ORDER BY h.seq", (self.seq,))
        seen = now_ms()
        for seq, pool, addr, vant, checked in cur:
            self.seq = max(self.seq, seq)
            if vant not in self.vset:
                continue
            k = (pool, addr, vant)
            old = self.rows.get(k)
            if old == checked:
                continue
            self.checked_sum += checked - (old or 0)
            self.rows[k] = checked
            if self.lag_from is not None and checked >= self.lag_from:
                self.lags.append(seen - checked)
        self.read_ms += (time.monotonic() - t) * 1000


def fanin(a):
    vantages = a.vantages.split(",")
    pids = dict(x.split("=", 1) for x in a.cpu.split(",")) if a.cpu else {}
    pids = {k: int(v) for k, v in pids.items()}
    nodes = [NodeFollower(p, vantages) for p in a.db.split(",")]
    log = open(a.log, "w") if a.log else sys.stderr
    etcd_urls = a.etcd.split(",")

    def note(msg):
        log.write(f"[fanin {time.strftime('%H:%M:%S')}] {msg}\n")
        log.flush()

    def poll_all():
        for n in nodes:
            n.poll()

    result = {"settings": {"pools": a.pools, "per_pool": a.per_pool, "members": a.pools * a.per_pool,
                           "vantages": vantages, "ops_per_txn": a.ops, "lease_ttl_s": a.ttl,
                           "churn_pct": a.churn_pct, "churn_s": a.churn_s, "tick_ms": a.tick_ms,
                           "follow_ms": a.follow_ms}}
    pub_cmd = [sys.executable, os.path.abspath(__file__), "publish", "--etcd", etcd_urls[a.publish_to % len(etcd_urls)],
               "--prefix", a.prefix, "--pools", str(a.pools), "--per-pool", str(a.per_pool),
               "--vantages", a.vantages, "--ttl", str(a.ttl), "--ops", str(a.ops)]
    pub = subprocess.Popen(pub_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                           stderr=open(a.publisher_log, "w") if a.publisher_log else None)
    pids["publisher"] = pub.pid
    # This process: the bench's store follower (and nothing else while a phase runs).
    pids["bench follower"] = os.getpid()
    result["publisher_pid"] = pub.pid
    if a.pidfile:
        with open(a.pidfile, "w") as f:
            f.write(str(pub.pid))

    def read_pub():
        line = pub.stdout.readline()
        if not line:
            sys.exit(f"the publisher exited (status {pub.wait()})")
        return json.loads(line)

    try:
        # Idle: leases kept alive, nodes' syncers in contact, nothing published yet.
        ready = read_pub()
        note(f"publisher ready, leases {ready['leases']}")
        poll_all()
        w = CpuWindow(pids)
        time.sleep(a.idle_s)
        result["idle"] = {"cpu": w.close()}
        poll_all()

        # Phase A: the initial publish.
        total = a.pools * a.per_pool * len(vantages)
        w = CpuWindow(pids)
        t0 = now_ms()
        pub.stdin.write("initial\n")
        pub.stdin.flush()
        done = {}
        pub_res = None
        reader = {}

        def wait_pub():
            reader["r"] = read_pub()
        th = threading.Thread(target=wait_pub)
        th.start()
        deadline = time.monotonic() + a.timeout
        while time.monotonic() < deadline:
            time.sleep(a.follow_ms / 1000.0)
            poll_all()
            for i, n in enumerate(nodes):
                if i not in done and len(n.rows) >= total:
                    done[i] = now_ms() - t0
                    note(f"node {i} holds all {total} rows after {done[i]:.0f} ms")
            if len(done) == len(nodes) and not th.is_alive():
                break
        th.join()
        pub_res = reader["r"]
        cpu = w.close()
        want_sum = pub_res["checked_sum"]
        result["initial"] = {
            "reports": pub_res["reports"], "txns": pub_res["txns"],
            "publish_s": (pub_res["end_ms"] - pub_res["start_ms"]) / 1000,
            "keys_per_s": pub_res["reports"] / max(1e-9, (pub_res["end_ms"] - pub_res["start_ms"]) / 1000),
            "per_vantage": pub_res["per_vantage"],
            "node_full_ms": [done.get(i) for i in range(len(nodes))],
            "node_rows": [len(n.rows) for n in nodes],
            "node_sum_ok": [n.checked_sum == want_sum for n in nodes],
            "cpu": cpu,
        }
        note(f"initial: {pub_res['reports']} reports in {result['initial']['publish_s']:.2f} s; nodes full after {result['initial']['node_full_ms']} ms")

        # Phase B: churn.
        for n in nodes:
            n.lag_from = now_ms()
        w = CpuWindow(pids)
        t0 = now_ms()
        pub.stdin.write(f"churn {a.churn_pct} {a.churn_s} {a.tick_ms}\n")
        pub.stdin.flush()
        reader.clear()
        th = threading.Thread(target=wait_pub)
        th.start()
        while th.is_alive():
            time.sleep(a.follow_ms / 1000.0)
            poll_all()
        pub_res = reader["r"]
        want_sum = pub_res["checked_sum"]
        caught = {}
        deadline = time.monotonic() + a.timeout
        while time.monotonic() < deadline:
            poll_all()
            for i, n in enumerate(nodes):
                if i not in caught and n.checked_sum == want_sum:
                    caught[i] = now_ms() - pub_res["end_ms"]
            if len(caught) == len(nodes):
                break
            time.sleep(a.follow_ms / 1000.0)
        cpu = w.close()
        secs = (pub_res["end_ms"] - pub_res["start_ms"]) / 1000
        result["churn"] = {
            "reports": pub_res["reports"], "txns": pub_res["txns"], "publish_s": secs,
            "reports_per_s": pub_res["reports"] / max(1e-9, secs),
            "txns_per_s": pub_res["txns"] / max(1e-9, secs),
            "target_per_s": a.pools * a.per_pool * a.churn_pct / 100 * len(vantages),
            "late_ticks": pub_res["late_ticks"], "per_vantage": pub_res["per_vantage"],
            "caught_up_ms": [caught.get(i) for i in range(len(nodes))],
            "lag": [summary(n.lags) for n in nodes],
            "lag_all": summary([x for n in nodes for x in n.lags]),
            "cpu": cpu,
        }
        note(f"churn: {pub_res['reports']} reports in {secs:.1f} s; caught up {result['churn']['caught_up_ms']}")
        pub.stdin.write("quit\n")
        pub.stdin.flush()
        result["publisher_end"] = read_pub()
        pub.wait(timeout=10)
    finally:
        if pub.poll() is None:
            pub.kill()
            pub.wait()
    result["follower_read_ms"] = [n.read_ms for n in nodes]
    result["etcd_status"] = etcd_status(etcd_urls)
    print(json.dumps(result))


# ------------------------------------------------------------- report

def f(v, nd=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def report(a):
    s = json.load(open(a.settings))
    out = []
    if a.prop and os.path.exists(a.prop):
        p = json.load(open(a.prop))
        out.append("## Configuration propagation")
        out.append("")
        pz = p.get("pause_ms", [0, 0])
        out.append(f"{p['writes']} sequential writes (`POST /v1/zones/{s['zone']}/records`, an A record with a new owner each), "
                   f"round-robin over the {s['prop_nodes']} nodes' admin APIs; each starts when the previous one is answered everywhere "
                   f"(+ U({pz[0]:.0f}, {pz[1]:.0f}) ms). Failed writes: {p['failed_writes']}; writes never answered by every node within "
                   f"{s['prop_timeout']} s: {p['timeouts']}.")
        out.append("")
        out.append("| ms from just before the POST | n | min | p50 | p90 | p99 | max | mean |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|")

        def row(label, x):
            if not x or not x.get("n"):
                return f"| {label} | 0 | – | – | – | – | – | – |"
            return f"| {label} | {x['n']} | {f(x['min'])} | {f(x['p50'])} | {f(x['p90'])} | {f(x['p99'])} | {f(x['max'])} | {f(x['mean'])} |"
        out.append(row("**propagation: every node answers the record** (max over nodes)", p["prop"]))
        if p.get("stored", {}).get("n"):
            out.append(row("every node's store has it (its syncer applied the etcd event; max over nodes)", p["stored"]))
            out.append(row("store → DNS answer, per node and write (gslbd's store poll, `--poll-interval` 50 ms)", p["store_to_dns"]))
        out.append(row("the API call (answered once the writing node's own syncer applied it)", p["api"]))
        out.append(row("propagation − API call (< 0: all nodes answered before the API did)", p["after_api"]))
        for n, x in enumerate(p["per_node"]):
            out.append(row(f"node {n} answers", x))
        for n, x in enumerate(p["per_writer"]):
            out.append(row(f"propagation, writes through node {n}", x))
        out.append("")
        out.append(f"DNS: every node asked over UDP every {p['poll_ms']} ms (one query at a time, a hand-built query from Python), "
                   f"so the figures include up to ~{p['poll_ms']} ms of polling granularity plus one query's round trip. "
                   "Percentiles are nearest-rank: with 100 writes p99 is the second-largest.")
        out.append("")
        c = p.get("cpu")
        if c:
            busy = sum(v["busy_pct"] + v["irq_pct"] for v in c["cores"].values())
            mine = sum(v["pct"] for v in c["procs"].values() if v)
            other = max(0.0, sum(v["busy_pct"] for v in c["cores"].values()) - mine)
            out.append(f"CPU over the {f(c['wall_s'], 1)} s of writes, % of one core: "
                       + ", ".join(f"{n} {f(v['pct'], 0)}" for n, v in c["procs"].items() if v)
                       + f"; the machine's {len(c['cores'])} cores {busy:.0f} % busy of {100 * len(c['cores'])} %, other programs {other:.0f} %"
                       + (" (a shared machine: these latencies include waiting for a core)." if other >= 10 or busy >= 90 * len(c["cores"]) else "."))
            out.append("")
    if a.fanin and os.path.exists(a.fanin):
        r = json.load(open(a.fanin))
        st = r["settings"]
        ini, ch = r["initial"], r["churn"]
        nn = len(ini["node_rows"])
        out.append("## Health fan-in")
        out.append("")
        out.append(f"{st['members']} members ({st['pools']} pools × {st['per_pool']}) × {len(st['vantages'])} **simulated** vantages "
                   f"({', '.join(st['vantages'])}) = {ini['reports']} reports, published by one Python process (a thread per vantage) "
                   f"the way gslb-healthd's publisher does: a lease per vantage (TTL {st['lease_ttl_s']} s, kept alive every TTL/3), "
                   f"`vantage/<name>` on it, reports in txns of {st['ops_per_txn']} puts on the lease. {nn} gslbd node(s) import them.")
        out.append("")
        out.append("| figure | value |")
        out.append("|---|---:|")
        out.append(f"| phase A: initial publish of {ini['reports']} reports ({ini['txns']} txns) | **{f(ini['publish_s'], 2)} s = {f(ini['keys_per_s'], 0)} keys/s** |")
        out.append(f"| phase A: time until each node's store holds all {ini['reports']} rows (from the first put) | "
                   + " / ".join(f"{f(x / 1000 if x is not None else None, 2)} s" for x in ini["node_full_ms"]) + " |")
        out.append("| phase A: nodes' rows at the end (checked_at sums match the publisher's) | "
                   + " / ".join(f"{c} ({'yes' if ok else 'no'})" for c, ok in zip(ini["node_rows"], ini["node_sum_ok"])) + " |")
        out.append(f"| phase B: churn, {st['churn_pct']} % of members per s per vantage for {st['churn_s']} s (target {f(ch['target_per_s'], 0)} reports/s), published every {st['tick_ms']} ms | "
                   f"**{f(ch['reports_per_s'], 0)} reports/s** ({ch['reports']} reports, {f(ch['txns_per_s'], 1)} txns/s; {ch['late_ticks']} late ticks) |")
        la = ch["lag_all"]
        if la.get("n"):
            out.append(f"| phase B: import lag, report's checked_at → row seen in a node's store (all nodes; n = {la['n']}) | "
                       f"**p50 {f(la['p50'], 0)} / p90 {f(la['p90'], 0)} / p99 {f(la['p99'], 0)} / max {f(la['max'], 0)} ms** |")
            for i, x in enumerate(ch["lag"]):
                if x.get("n"):
                    out.append(f"| phase B: import lag, node {i} (n = {x['n']}) | p50 {f(x['p50'], 0)} / p99 {f(x['p99'], 0)} / max {f(x['max'], 0)} ms |")
        out.append("| phase B: caught up after the last put (every node's rows = the publisher's last reports) | "
                   + " / ".join(f"{f(x, 0)} ms" if x is not None else "**not within the timeout**" for x in ch["caught_up_ms"]) + " |")
        out.append("")
        out.append("CPU (utime + stime from `/proc/PID/stat`, all threads), seconds and % of one core over each phase's wall time; "
                   "\"per 1000\" = CPU ms per 1000 reports published (every node imports every report), and the same after "
                   "subtracting the process's idle-window rate × the phase's wall time (its syncer's contact reads, gslbd's store poll); "
                   "\"per txn\" = a node's net CPU per etcd transaction of the publisher (100 reports in phase A, a tick's few in phase B):")
        out.append("")
        names = list(ini["cpu"]["procs"].keys())
        phases = [("idle", r["idle"]["cpu"], None, None), ("A: initial", ini["cpu"], ini["reports"], ini["txns"]),
                  ("B: churn", ch["cpu"], ch["reports"], ch["txns"])]
        out.append("| process | " + " | ".join(f"{ph} ({f(c['wall_s'], 1)} s)" for ph, c, _, _ in phases) + " |")
        out.append("|---|" + "---:|" * len(phases))
        for name in names:
            cells = []
            for _, c, n, nt in phases:
                x = c["procs"].get(name)
                if not x:
                    cells.append("–")
                    continue
                cell = f"{f(x['cpu_s'], 2)} s, {f(x['pct'], 0)} %"
                if n and (name.startswith("node") or name == "publisher"):
                    idle = r["idle"]["cpu"]["procs"].get(name) or {"pct": 0}
                    net = x["cpu_s"] - idle["pct"] / 100 * c["wall_s"]
                    cell += f"; per 1000: {f(x['cpu_s'] * 1000 / (n / 1000), 0)} ms ({f(net * 1000 / (n / 1000), 0)} net of idle)"
                    if name.startswith("node"):
                        cell += f"; per txn: {f(net * 1000 / max(1, nt), 2)} ms"
                cells.append(cell)
            out.append(f"| {name} | " + " | ".join(cells) + " |")
        # Busy time of the cores not taken by any process above (the lead's compiler, ...).
        cells = []
        for _, c, _, _ in phases:
            busy = sum(v["busy_pct"] for v in c["cores"].values())
            mine = sum(v["pct"] for v in c["procs"].values() if v)
            cells.append(f"{f(max(0.0, busy - mine), 0)} %")
        out.append("| other programs (all cores' busy − the processes above) | " + " | ".join(cells) + " |")
        limits = []
        for ph, c, _, _ in phases:
            ncores = len(c["cores"]) or 1
            busy = sum(v["busy_pct"] + v["irq_pct"] for v in c["cores"].values())
            mine = sum(v["pct"] for v in c["procs"].values() if v)
            other = max(0.0, sum(v["busy_pct"] for v in c["cores"].values()) - mine)
            if busy >= 90 * ncores:
                limits.append(f"{ph}: the machine's {ncores} cores were {busy:.0f} % busy of {100 * ncores} %"
                              + (f", {other:.0f} % of it other programs (a shared machine: these figures are pessimistic)" if other >= 10 else ""))
            elif other >= 10:
                limits.append(f"{ph}: other programs used {other:.0f} % of a core")
        result_limits = limits or ["no phase had the machine's cores full"]
        for core in sorted(ini["cpu"]["cores"]):
            out.append(f"| machine {core}: busy (+ irq) | " + " | ".join(
                f"{f(c['cores'][core]['busy_pct'], 0)} % (+{f(c['cores'][core]['irq_pct'], 0)} %)" for _, c, _, _ in phases) + " |")
        out.append("")
        out.append("**CPU headroom per phase:** " + "; ".join(result_limits) + ".")
        out.append("")
        es = r.get("etcd_status", [])
        if es:
            leader = next((x for x in es if x.get("leader") == x.get("member_id")), None)
            lid = es.index(leader) if leader else None
            out.append(f"etcd at the end: leader etcd{lid if lid is not None else '?'}; db size "
                       + " / ".join(f"{x.get('db_size', 0) / 1048576:.1f} MiB" for x in es) + f"; revision {es[0].get('revision', '?')}. "
                       f"Publisher: {r['publisher_end'].get('keepalives')} lease keep-alives, {r['publisher_end'].get('keepalive_failures')} failed. "
                       f"The bench's own follower (\"bench follower\" above) read each node's health table by `seq` every {st['follow_ms']} ms "
                       f"({' / '.join(f'{x / 1000:.1f}' for x in r['follower_read_ms'])} s of reading per node in all).")
            out.append("")
    print("\n".join(out))


# ------------------------------------------------------------------ main

def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    x = sub.add_parser("gen-config")
    x.add_argument("--zone", required=True)
    x.add_argument("--zonefile", required=True)
    x.add_argument("--pools", type=int, default=0)
    x.add_argument("--per-pool", type=int, default=0)
    x = sub.add_parser("wait-etcd")
    x.add_argument("urls", nargs="+")
    x.add_argument("--timeout", type=float, default=30)
    x = sub.add_parser("wait-node")
    x.add_argument("--api", required=True)
    x.add_argument("--token", required=True)
    x.add_argument("--dns", type=int, required=True)
    x.add_argument("--zone", required=True)
    x.add_argument("--timeout", type=float, default=60)
    x = sub.add_parser("log-sync-ms")
    x.add_argument("log")
    x = sub.add_parser("node-metrics")
    x.add_argument("--api", required=True)
    x.add_argument("--token", required=True)
    x = sub.add_parser("etcd-status")
    x.add_argument("urls", nargs="+")
    x = sub.add_parser("propagate")
    x.add_argument("--api", required=True)
    x.add_argument("--dns", required=True)
    x.add_argument("--token", required=True)
    x.add_argument("--zone", required=True)
    x.add_argument("--writes", type=int, default=100)
    x.add_argument("--csv", required=True)
    x.add_argument("--poll-ms", type=float, default=1.0)
    x.add_argument("--pause-ms", type=float, default=50)
    x.add_argument("--db", default="")
    x.add_argument("--cpu", default="")
    x.add_argument("--timeout", type=float, default=10)
    for name in ("publish", "fanin"):
        x = sub.add_parser(name)
        x.add_argument("--etcd", required=True)
        x.add_argument("--prefix", default="/gslb/")
        x.add_argument("--pools", type=int, required=True)
        x.add_argument("--per-pool", type=int, required=True)
        x.add_argument("--vantages", default="va,vb,vc")
        x.add_argument("--ttl", type=int, default=3)
        x.add_argument("--ops", type=int, default=100)
    x.add_argument("--db", required=True)
    x.add_argument("--cpu", default="")
    x.add_argument("--idle-s", type=float, default=5)
    x.add_argument("--churn-pct", type=float, default=1.0)
    x.add_argument("--churn-s", type=float, default=30)
    x.add_argument("--tick-ms", type=float, default=100)
    x.add_argument("--follow-ms", type=float, default=20)
    x.add_argument("--timeout", type=float, default=120)
    x.add_argument("--publish-to", type=int, default=0)
    x.add_argument("--log")
    x.add_argument("--publisher-log")
    x.add_argument("--pidfile")
    x = sub.add_parser("report")
    x.add_argument("--prop")
    x.add_argument("--fanin")
    x.add_argument("--settings", required=True)
    a = p.parse_args()
    if a.cmd == "etcd-status":
        print(json.dumps(etcd_status(a.urls)))
        return
    fn = {"gen-config": gen_config, "wait-etcd": wait_etcd, "wait-node": wait_node, "node-metrics": node_metrics, "log-sync-ms": log_sync_ms,
          "propagate": propagate, "publish": publish, "fanin": fanin, "report": report}[a.cmd]
    sys.exit(fn(a) or 0)


if __name__ == "__main__":
    main()
