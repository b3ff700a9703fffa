#!/usr/bin/env python3
"""Load benchmark: the incoming-call step and the counsellor step side by side.

Runs the release binary (`lotse serve`, one or two instances) against a
private `redis-server`, with N counsellors configured, and drives two `wrk`
runs at the same time: signed incoming calls (`POST /twilio/voice`) and
signed menu answers "1" that enter the counsellor step. Prints req/s, p50,
p99 of each, their ratio, the Redis time per call of the routing code
(`INFO commandstats`, `usec_per_call` of FCALL, or EVALSHA on a Redis
without functions: the whole call, its inner commands included) and the
CPU each side spent per counsellor step.

    scripts/bench-steps.py                        # 200 counsellors, none and all available
    scripts/bench-steps.py --counsellors 10000 --available none
    scripts/bench-steps.py --instances 2          # two lotse instances on one Redis

Needs: redis-server, wrk (apt-get install redis-server wrk), python3, and
`cargo build --release` (done here if target/release/lotse is missing).
Only loopback addresses are used. Modes:
  none  nobody available (nobody on duty): every counsellor step ends in
        "nobody available" after one claim-or-wait;
  all   everyone available at the start; 2,000 distinct callers cycle, so the
        first ones ring counsellors (whose rings are never answered and end
        at their deadline) and the rest wait in line, each request a hold turn.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "bench-auth-token"
OPERATOR = "bench-operator-token"
PUBLIC = "https://hotline.example.org"
CALLER = "+493023125777"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} on port {port} did not come up")


def resp(port, *args):
    """One Redis command over RESP; returns the bulk reply as text."""
    with socket.create_connection(("127.0.0.1", port), 5) as s:
        out = f"*{len(args)}\r\n" + "".join(f"${len(a)}\r\n{a}\r\n" for a in args)
        s.sendall(out.encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            data += chunk
            if data.startswith(b"$"):
                n = int(data[1:data.index(b"\r\n")])
                if n < 0 or len(data) >= data.index(b"\r\n") + 2 + n + 2:
                    break
            elif data.endswith(b"\r\n"):
                break
        if data.startswith(b"$"):
            start = data.index(b"\r\n") + 2
            return data[start:start + int(data[1:start - 2])].decode()
        return data.decode().strip()


def script_stats(port):
    """Calls and usec of the routing code (FCALL, or EVALSHA where Redis
    has no functions), and all commands Redis ran, inner ones included."""
    info = resp(port, "INFO", "commandstats")
    calls = usec = 0
    for m in re.finditer(r"cmdstat_(?:fcall|evalsha):calls=(\d+),usec=(\d+)", info):
        calls, usec = calls + int(m.group(1)), usec + int(m.group(2))
    every = sum(int(c) for c in re.findall(r"cmdstat_\S+?:calls=(\d+)", info))
    return (calls, usec), every


def commandstats(port):
    info = resp(port, "INFO", "commandstats")
    return {m.group(1): (int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"cmdstat_(\S+?):calls=(\d+),usec=(\d+)", info)}


def isolated(port, n=20000):
    """usec_per_call of one hold turn (a caller already waiting, or told
    nobody is on duty) run by redis-benchmark alone against the same data:
    the routing code's own cost without lotse and wrk competing for CPU."""
    if not shutil.which("redis-benchmark"):
        return None
    libs = resp(port, "FUNCTION", "LIST")
    m = re.search(r"lotse_[0-9a-f]{16}", libs)
    if not m:
        return None
    prefix = "lotse:{498003009944}:"
    now = str(int(time.time() * 1000))
    args = ["FCALL", m.group(0), "1", prefix, "claim", now, "60000", "14520000",
            "CAalone", "de", "longest-idle", "50000", "1"]
    before = commandstats(port).get("fcall", (0, 0))
    subprocess.run(["redis-benchmark", "-p", str(port), "-n", str(n), "-c", "4", "-q", *args],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = commandstats(port).get("fcall", (0, 0))
    return (after[1] - before[1]) / max(after[0] - before[0], 1)


def redis_cpu(port):
    info = resp(port, "INFO", "cpu")
    get = lambda k: float(re.search(rf"{k}:([\d.]+)", info).group(1))
    return get("used_cpu_user") + get("used_cpu_sys")


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def signature(url, params):
    data = url + "".join(k + v for k, v in sorted(params))
    digest = hmac.new(TOKEN.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def write_config(tmp, redis_port, counsellors):
    days = ", ".join(f'{d} = "00:00-24:00"' for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    op = hashlib.sha256(OPERATOR.encode()).hexdigest()
    team = "".join(
        f'\n[[counsellors]]\nid = "b{i:05}"\nname = "Bench {i}"\n'
        f'phone = "+4930231{i:05}"\nlanguages = ["de"]\n'
        for i in range(counsellors)
    )
    path = os.path.join(tmp, "lotse.toml")
    with open(path, "w") as f:
        f.write(f"""
[hotline]
name = "bench"
number = "+498003009944"
email = "info@example.org"

[schedule]
timezone = "Europe/Berlin"
hours = {{ {days} }}
holidays = "none"
closed = []

[twilio]
public_url = "{PUBLIC}"
verify_signatures = true

[redis]
url = "redis://127.0.0.1:{redis_port}/0"

[routing]
presence_ttl_s = 3600
max_wait_s = 3600

[api]
operator_token_sha256 = "{op}"

[flow]
path = "{ROOT}/call-flows/starke-stelle.toml"

[email]
template = "{ROOT}/config/email/voicemail.txt"
spool_dir = "{tmp}/outbox"
{team}""")
    return path


def wrk_script(tmp, name, path, bodies):
    """A wrk script cycling through pre-signed requests; prints one line."""
    reqs = []
    for params in bodies:
        sig = signature(PUBLIC + path, params)
        body = urllib.parse.urlencode(params)
        reqs.append((sig, body))
    lua = os.path.join(tmp, f"{name}.lua")
    with open(lua, "w") as f:
        f.write("local reqs = {\n")
        for sig, body in reqs:
            f.write(f"  {{{json.dumps(sig)}, {json.dumps(body)}}},\n")
        f.write(f"""}}
local path = {json.dumps(path)}
local i = 0
local bad = 0
function init(args)
  i = math.random(#reqs)
end
function request()
  i = i % #reqs + 1
  local r = reqs[i]
  return wrk.format("POST", path, {{
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = r[1],
  }}, r[2])
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status))
end
""")
    return lua


def incoming_bodies(n=2000):
    return [[("AccountSid", "AC" + "0" * 32), ("CallSid", f"CAin{i:030d}"),
             ("CallStatus", "ringing"), ("From", CALLER), ("To", "+498003009944")]
            for i in range(n)]


def counsellor_bodies(n=2000):
    return [[("CallSid", f"CAco{i:030d}"), ("CallStatus", "in-progress"),
             ("Digits", "1"), ("From", CALLER)] for i in range(n)]


def set_available(port, counsellors):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for i in range(counsellors):
        conn.request("PUT", f"/api/v1/counsellors/b{i:05}/status", body='{"status":"available"}',
                     headers={"Authorization": f"Bearer {OPERATOR}",
                              "Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            sys.exit(f"setting b{i:05} available: HTTP {r.status}")


def run_wrk(lua, port, connections, duration):
    return subprocess.Popen(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", lua,
         f"http://127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def result(proc):
    out = proc.communicate()[0]
    m = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    if not m:
        sys.exit(f"wrk failed:\n{out}")
    reqs, dur_us, p50, p99, errors = map(int, m.groups())
    return {"rps": reqs / (dur_us / 1e6), "requests": reqs, "p50_ms": p50 / 1000,
            "p99_ms": p99 / 1000, "non_2xx": errors}


def one_run(args, binary, available):
    tmp = tempfile.mkdtemp(prefix="lotse-bench-")
    procs = []
    try:
        redis_port = free_port()
        procs.append(subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", tmp], stdout=subprocess.DEVNULL))
        wait_for(redis_port, "redis-server")
        config = write_config(tmp, redis_port, args.counsellors)
        ports, lotses = [], []
        for n in range(args.instances):
            port = free_port()
            env = dict(os.environ, LOTSE_TWILIO__AUTH_TOKEN=TOKEN,
                       LOTSE_SERVER__LISTEN=f"127.0.0.1:{port}", RUST_LOG="warn")
            log = open(os.path.join(tmp, f"lotse{n}.log"), "w")
            p = subprocess.Popen([binary, "serve", "--config", config], env=env,
                                 stdout=log, stderr=log)
            procs.append(p)
            lotses.append(p)
            ports.append(port)
            wait_for(port, "lotse")
        time.sleep(1)  # the roster task registers the team
        if available == "all":
            set_available(ports[0], args.counsellors)
        incoming = wrk_script(tmp, "incoming", "/twilio/voice", incoming_bodies())
        step = wrk_script(tmp, "counsellor", "/twilio/voice?step=menu&lang=de", counsellor_bodies())
        (calls0, usec0), cmds0 = script_stats(redis_port)
        each0 = commandstats(redis_port)
        rcpu0, lcpu0 = redis_cpu(redis_port), sum(proc_cpu(p.pid) for p in lotses)
        runs = []
        for port in ports:
            runs.append(("incoming", run_wrk(incoming, port, args.connections, args.duration)))
            runs.append(("counsellor", run_wrk(step, port, args.connections, args.duration)))
        results = [(kind, result(p)) for kind, p in runs]
        (calls1, usec1), cmds1 = script_stats(redis_port)
        each1 = commandstats(redis_port)
        rcpu1, lcpu1 = redis_cpu(redis_port), sum(proc_cpu(p.pid) for p in lotses)
        alone = isolated(redis_port)
        inc = [r for k, r in results if k == "incoming"]
        cou = [r for k, r in results if k == "counsellor"]
        total = lambda rs, key: sum(r[key] for r in rs)
        worst = lambda rs, key: max(r[key] for r in rs)
        steps = total(cou, "requests")
        scripts = calls1 - calls0
        return {
            "counsellors": args.counsellors, "available": available, "instances": args.instances,
            "incoming_rps": total(inc, "rps"), "incoming_p50_ms": worst(inc, "p50_ms"),
            "incoming_p99_ms": worst(inc, "p99_ms"),
            "counsellor_rps": total(cou, "rps"), "counsellor_p50_ms": worst(cou, "p50_ms"),
            "counsellor_p99_ms": worst(cou, "p99_ms"),
            "ratio": total(cou, "rps") / max(total(inc, "rps"), 1e-9),
            "non_2xx": total(inc, "non_2xx") + total(cou, "non_2xx"),
            "script_calls": scripts,
            "script_usec_per_call": (usec1 - usec0) / max(scripts, 1),
            "redis_commands_per_step": (cmds1 - cmds0) / max(steps, 1),
            "redis_cpu_us_per_step": (rcpu1 - rcpu0) * 1e6 / max(steps, 1),
            "lotse_cpu_us_per_request": (lcpu1 - lcpu0) * 1e6
            / max(steps + total(inc, "requests"), 1),
            "alone_usec_per_call": alone,
            "commands": {k: [c - each0.get(k, (0, 0))[0], u - each0.get(k, (0, 0))[1]]
                         for k, (c, u) in each1.items() if c > each0.get(k, (0, 0))[0]},
        }
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counsellors", type=int, default=200)
    ap.add_argument("--available", choices=["none", "all", "both"], default="both")
    ap.add_argument("--instances", type=int, choices=[1, 2], default=1)
    ap.add_argument("--duration", type=int, default=10, help="seconds per run")
    ap.add_argument("--connections", type=int, default=4, help="per wrk run")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/lotse"))
    ap.add_argument("--json", action="store_true", help="one JSON object per run")
    ap.add_argument("--commandstats", action="store_true",
                    help="also print calls and usec per Redis command during the run")
    args = ap.parse_args()
    for tool in ["wrk", "redis-server"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install {tool}")
    if not os.path.exists(args.binary):
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    modes = ["none", "all"] if args.available == "both" else [args.available]
    for mode in modes:
        r = one_run(args, args.binary, mode)
        if args.json:
            print(json.dumps(r))
            continue
        print(f"{r['counsellors']} counsellors, {mode} available, {r['instances']} instance(s), "
              f"{args.connections} connections per wrk, {args.duration} s")
        print(f"  incoming step    {r['incoming_rps']:9.0f} req/s  p50 {r['incoming_p50_ms']:6.2f} ms"
              f"  p99 {r['incoming_p99_ms']:6.2f} ms")
        print(f"  counsellor step  {r['counsellor_rps']:9.0f} req/s  p50 {r['counsellor_p50_ms']:6.2f} ms"
              f"  p99 {r['counsellor_p99_ms']:6.2f} ms")
        print(f"  ratio counsellor/incoming {r['ratio']:.2f}; non-2xx {r['non_2xx']}")
        print(f"  Redis: {r['script_usec_per_call']:.1f} us per call of the routing code (usec_per_call), "
              f"{r['redis_commands_per_step']:.1f} commands and {r['redis_cpu_us_per_step']:.1f} us CPU "
              f"per counsellor step; lotse: {r['lotse_cpu_us_per_request']:.1f} us CPU per request")
        if r["alone_usec_per_call"] is not None:
            print(f"  the same hold turn alone (redis-benchmark, nothing else running against Redis): "
                  f"{r['alone_usec_per_call']:.1f} us per call")
        if args.commandstats:
            for name, (calls, usec) in sorted(r["commands"].items(), key=lambda kv: -kv[1][1]):
                print(f"    {name:24} {calls:9} calls {usec / max(calls, 1):8.2f} us/call")


if __name__ == "__main__":
    main()
