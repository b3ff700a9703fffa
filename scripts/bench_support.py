"""Helpers of scripts/bench-steps.py: ports, a minimal Redis client,
`INFO` readings, process CPU, the benchmark's config, signed request sets
and wrk scripts."""

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
