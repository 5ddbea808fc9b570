#!/usr/bin/env python3
"""Top frames of a dotnet-trace speedscope file (dotnet-sampled-thread-time profile).

Usage: top-frames.py FILE.speedscope.json [N]

Only samples whose thread was running managed code (leaf pseudo-frame CPU_TIME) count; waiting threads and native code
(ONNX Runtime, SQLite, the kernel) show as UNMANAGED_CODE_TIME and are left out. Prints the top N exclusive frames (the
managed frame under CPU_TIME) and the top N inclusive frames, as a share of the counted samples.
"""
import collections
import json
import sys

data = json.load(open(sys.argv[1]))
top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
frames = [f["name"] for f in data["shared"]["frames"]]
exclusive, inclusive = collections.Counter(), collections.Counter()
counted = 0.0
for profile in data["profiles"]:
    stack, last = [], None
    for event in profile["events"]:
        if last is not None and len(stack) > 1 and frames[stack[-1]] == "CPU_TIME":
            weight = event["at"] - last
            names = [frames[i] for i in stack[:-1]]
            counted += weight
            exclusive[names[-1]] += weight
            for name in set(names):
                inclusive[name] += weight
        last = event["at"]
        if event["type"] == "O":
            stack.append(event["frame"])
        else:
            stack.pop()

def show(title, counter):
    print(f"--- {title}")
    shown = 0
    for name, weight in counter.most_common():
        if name.startswith(("Process64", "(Non-Activities)", "Threads", "Thread (")):
            continue
        print(f"{100 * weight / counted:6.2f} %  {name[:150]}")
        shown += 1
        if shown == top:
            break

show("exclusive (managed frame running)", exclusive)
show("inclusive", inclusive)
