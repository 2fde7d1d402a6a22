#!/usr/bin/env python3
"""Interleaved start-up comparison of CLI builds: on a shared machine the load drifts between two
sequential hyperfine runs; here every round runs each build once, in a rotating order.

  scripts/startup-interleave.py ROUNDS NAME=LAUNCHER... -- 'ps' '--version'

Prints, per command and build, the wall time and the child's user+sys CPU (median and minimum)."""
import resource, statistics, subprocess, sys, time

args = sys.argv[1:]
rounds, sep = int(args[0]), args.index("--")
variants = dict(a.split("=", 1) for a in args[1:sep])
cmds = args[sep + 1:]
names = list(variants)
res = {(v, c): [] for v in names for c in cmds}
for i in range(rounds):
    order = names[i % len(names):] + names[:i % len(names)]
    for c in cmds:
        for v in order:
            r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run([variants[v]] + c.split(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=True)
            t1, r1 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            res[(v, c)].append((t1 - t0, cpu))
for c in cmds:
    for v in names:
        w = [x[0] * 1000 for x in res[(v, c)]]
        u = [x[1] * 1000 for x in res[(v, c)]]
        print(f"{c:10s} {v:13s} wall median {statistics.median(w):7.1f} min {min(w):7.1f}"
              f"  cpu median {statistics.median(u):6.1f} min {min(u):6.1f}  n={len(w)}")
