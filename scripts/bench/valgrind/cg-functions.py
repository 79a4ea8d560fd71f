#!/usr/bin/env python3
"""Own instructions per function of a cachegrind output file, with Swift names demangled.

Usage: cg-functions.py CACHEGRIND.OUT [TOP] [REGEX]
cg_annotate lists a function once per source file its inlined code came from (one parser function can show up
under five files); this adds those up by function, so each function appears once with its whole own cost.
Functions of libraries without symbols (zlib, ISA-L) show as "???".
"""
import collections
import re
import subprocess
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
pattern = re.compile(sys.argv[3]) if len(sys.argv) > 3 else None

own = collections.Counter()
function = None
total = 0
with open(path) as lines:
    for line in lines:
        if line.startswith("fn="):
            function = line[3:].strip()
        elif line[:1].isdigit() and function is not None:
            fields = line.split()
            if len(fields) >= 2:
                count = int(fields[1])
                own[function] += count
                total += count

ranked = [(name, count) for name, count in own.most_common() if not pattern or pattern.search(name)][:top]
try:
    demangled = subprocess.run(["swift", "demangle", "--simplified", "--compact"], capture_output=True, text=True,
                               input="\n".join(name for name, _ in ranked), check=True).stdout.split("\n")
except (OSError, subprocess.CalledProcessError):
    demangled = [name for name, _ in ranked]
print(f"{total:,} instructions in all")
for (name, count), readable in zip(ranked, demangled):
    print(f"{100 * count / total:6.2f}%  {count:>15,}  {readable[:150]}")
