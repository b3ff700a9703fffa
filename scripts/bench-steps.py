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
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from bench_support import (
    ROOT, TOKEN, commandstats, counsellor_bodies, free_port, incoming_bodies, isolated,
    proc_cpu, redis_cpu, result, run_wrk, script_stats, set_available, wait_for,
    write_config, wrk_script,
)


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
