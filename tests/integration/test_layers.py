#!/usr/bin/env python3
"""The layout's promise, checked on the build (docs/HACKING.md "Layout"):

- the core layers use each other only downward: no symbol a lower layer's
  library needs is defined by a higher layer's library (CMake links each
  layer only to the one below, and exports only its own headers, so this
  also holds by construction; the test says so if that ever changes);
- inside every library (a layer, a daemon, a tool), the files use each other
  in one direction: no two files call each other, directly or round a
  circle. A circle usually hides a missing interface (a callback table, an
  outcome returned instead of a call back, one more module).

Reads the static libraries' object files with `nm` (binutils).
"""
import argparse
import collections
import glob
import os
import shutil
import subprocess
import sys
import unittest

CORE_LAYERS = ["vsbase", "vsmodel", "vsvpc", "vspeering", "vsnetwork", "vsreach", "vsservice"]

# Circles not broken yet, named so that a new one fails the test. Each entry
# is (library, frozenset of object files).
KNOWN_CIRCLES = set()

# Libraries compiled from sources outside this tree (Debian's llhttp).
FOREIGN = ("gwllhttp", "vsconsolellhttp")

BUILD = None


def s_archives():
    found = {}
    for path in glob.glob(os.path.join(BUILD, "**", "lib*.a"), recursive=True):
        if "fuzz-clang" in path:
            continue
        name = os.path.basename(path)[3:-2]
        found[name] = path
    return found


def s_symbols(archive):
    """member -> (defined set, undefined set)"""
    out = subprocess.run(["nm", "-A", archive], capture_output=True, text=True, check=True).stdout
    members = collections.defaultdict(lambda: (set(), set()))
    for line in out.splitlines():
        # "libx.a:file.c.o:0000000000000000 T name" or "libx.a:file.c.o:      U name"
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        member, fields = parts[1], parts[2].split()
        if len(fields) == 3 and fields[1] in "TDBRGS":
            members[member][0].add(fields[2])
        elif len(fields) == 2 and fields[0] == "U":
            members[member][1].add(fields[1])
    return members


def s_sccs(graph):
    index, low, stack, on, result, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                result.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return result


@unittest.skipUnless(shutil.which("nm"), "nm (binutils) is not installed")
class Layers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.archives = s_archives()
        cls.symbols = {name: s_symbols(path) for name, path in cls.archives.items()}

    def test_core_layers_are_all_built(self):
        missing = [n for n in CORE_LAYERS if n not in self.archives]
        self.assertEqual(missing, [], f"core layer libraries not found under {BUILD}")
        # The reading works: every library defines functions.
        empty = [n for n, m in self.symbols.items() if not any(d for d, _ in m.values())]
        self.assertEqual(empty, [], "libraries where nm found no defined symbol")

    def test_core_layers_use_only_lower_layers(self):
        defined_in = {}
        for layer in CORE_LAYERS:
            for member, (defs, _) in self.symbols[layer].items():
                for sym in defs:
                    defined_in[sym] = layer
        wrong = []
        for i, layer in enumerate(CORE_LAYERS):
            for member, (_, undefs) in self.symbols[layer].items():
                for sym in undefs:
                    owner = defined_in.get(sym)
                    if owner and CORE_LAYERS.index(owner) > i:
                        wrong.append(f"{layer}:{member} uses {sym} of the higher layer {owner}")
        self.assertEqual(wrong, [])

    def test_no_file_calls_back_up(self):
        circles = []
        for name, members in sorted(self.symbols.items()):
            if name in FOREIGN:
                continue
            owner = {}
            for member, (defs, _) in members.items():
                for sym in defs:
                    owner[sym] = member
            graph = collections.defaultdict(set)
            for member, (_, undefs) in members.items():
                graph[member]
                for sym in undefs:
                    o = owner.get(sym)
                    if o and o != member:
                        graph[member].add(o)
            for comp in s_sccs(graph):
                if (name, frozenset(comp)) not in KNOWN_CIRCLES:
                    circles.append(f"{name}: {' <-> '.join(comp)}")
        self.assertEqual(circles, [], "files that use each other in a circle")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    args, rest = ap.parse_known_args()
    BUILD = os.path.dirname(os.path.abspath(args.bin))
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
