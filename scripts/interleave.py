#!/usr/bin/env python3
"""Interleaved start-up benchmark: runs each command in turn (A, B, B, A, ...) so that load drifting
on a shared machine hits every variant alike; prints wall time and user+sys CPU per command.

usage: scripts/interleave.py ROUNDS LABEL "COMMAND ARGS" [LABEL "COMMAND ARGS" ...]
Each command is split on spaces and run without a shell, output discarded; it must exit with 0.
"""
import resource
import statistics
import subprocess
import sys
import time


def run(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd.split(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return (t1 - t0) * 1000, cpu * 1000


def main():
    rounds = int(sys.argv[1])
    pairs = list(zip(sys.argv[2::2], sys.argv[3::2]))
    if not pairs:
        sys.exit(__doc__)
    results = {label: ([], []) for label, _ in pairs}
    for _, cmd in pairs:  # warm-up: page cache, class-data archive
        run(cmd)
        run(cmd)
    for i in range(rounds):
        for label, cmd in pairs if i % 2 == 0 else pairs[::-1]:
            wall, cpu = run(cmd)
            results[label][0].append(wall)
            results[label][1].append(cpu)
    for label, _ in pairs:
        wall, cpu = results[label]
        print(f"{label:12s} wall mean {statistics.mean(wall):6.1f} median {statistics.median(wall):6.1f}"
              f" min {min(wall):6.1f} ms | cpu mean {statistics.mean(cpu):6.1f}"
              f" median {statistics.median(cpu):6.1f} ms")


if __name__ == "__main__":
    main()
