#!/usr/bin/env python3
"""Top frames of a `perf script` dump of `warden serve`, native and JIT-compiled code together.

Usage: perf script --no-inline -F comm,tid,period,ip,sym,dso -i perf.data | perf-frames.py [N] [FILTER...]

Shares are of all the process's samples (every thread). Prints the share per thread name and per library, then the
top N exclusive frames (the leaf) and the top N inclusive frames (a frame counted once per sample however often it
recurs). FILTER words keep only the samples with a frame containing one of them (e.g. `InferAsync`), to look inside
one part of the request; shares stay of all samples. JIT-compiled frames need `DOTNET_PerfMapEnabled=1` on the server.
"""
import collections
import re
import sys

top = int(sys.argv[1]) if len(sys.argv) > 1 else 40
filters = sys.argv[2:]
total = 0
threads, libraries = collections.Counter(), collections.Counter()
exclusive, inclusive = collections.Counter(), collections.Counter()
kept = 0


def name(line):
    # "    7f12 Some::Frame(args)+0x1f (/path/lib.so)" -> ("Some::Frame(args)", "lib.so")
    m = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\(([^)]*)\)\s*$", line)
    if not m:
        return None, None
    symbol, dso = m.group(1), m.group(2).rsplit("/", 1)[-1]
    symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
    if symbol == "[unknown]":
        symbol = f"[unknown in {dso}]"
    symbol = re.sub(r"\[(OptimizedTier1|Optimized|Tier0|Tier1|QuickJitted|Instrumented|PreJIT)[^\]]*\]$", "", symbol).strip()
    return symbol, dso


def flush(header, stack):
    global total, kept
    if header is None or not stack:
        return
    m = re.match(r"\s*(.+?)\s+\d+(?:/\d+)?\s+(\d+)\s*$", header) or re.match(r"\s*(.+?)\s+\d+\s", header)
    thread = m.group(1) if m else header.split()[0]
    period = int(m.group(2)) if m and m.lastindex and m.lastindex >= 2 else 1
    frames = [f for f in (name(line) for line in stack) if f[0]]
    if not frames:
        return
    total += period
    if filters and not any(any(w in f[0] for w in filters) for f in frames):
        return
    kept += period
    threads[re.sub(r"\d+$", "#", thread)] += period
    libraries[frames[0][1]] += period
    exclusive[frames[0][0]] += period
    for symbol in set(f[0] for f in frames):
        inclusive[symbol] += period


header, stack = None, []
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip():
        flush(header, stack)
        header, stack = None, []
    elif header is None:
        header = line
    else:
        stack.append(line)
flush(header, stack)


def show(title, counter, n):
    print(f"--- {title}")
    for symbol, weight in counter.most_common(n):
        print(f"{100 * weight / total:6.2f} %  {symbol[:170]}")


print(f"samples (by period): {total}; kept by filter: {100 * kept / max(total, 1):.1f} %")
show("thread", threads, 15)
show("library of the leaf", libraries, 15)
show("exclusive", exclusive, top)
show("inclusive", inclusive, top)
