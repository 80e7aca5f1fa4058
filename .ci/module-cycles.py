#!/usr/bin/env python3
"""Fails if the framework's top-level modules import each other in a circle.

A module is a file or folder right under framework/src (`dispatch/` and everything in it is
`dispatch`). Module A depends on B when A's code, outside comments and `#[cfg(test)]` items,
names `crate::B` (in a `use` or a path), or names an item lib.rs re-exports from B
(`crate::App` is `app`). The crate root (lib.rs) itself is left out. Prints every circle found (one per strongly connected component) and exits 1.

Usage: python3 .ci/module-cycles.py [framework/src]
"""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else "framework/src")
modules = {}
for path in sorted(root.rglob("*.rs")):
    rel = path.relative_to(root)
    if rel.name in ("lib.rs", "tests.rs") or "tests" in rel.parts[:-1]:
        continue
    name = rel.parts[0].removesuffix(".rs")
    if name == "private":
        name = "__private"
    modules.setdefault(name, []).append(path)


def code_of(text):
    """The text without comments and without `#[cfg(test)]` items (their brace block)."""
    text = re.sub(r"//[^\n]*", "", text)
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        j = text.find("{", m.end())
        semi = text.find(";", m.end())
        if semi != -1 and (j == -1 or semi < j):
            i = semi + 1
            continue
        depth = 0
        for k in range(j, len(text)):
            if text[k] == "{":
                depth += 1
            elif text[k] == "}":
                depth -= 1
                if depth == 0:
                    i = k + 1
                    break
        else:
            i = len(text)
    out.append(text[i:])
    return "".join(out)


def named(code):
    """Top-level modules a piece of code names through `crate::`, `use crate::{a, b::c}` included."""
    found = set(re.findall(r"\bcrate::(\w+)", code))
    for group in re.findall(r"\bcrate::\{([^;]*?)\};", code, re.S):
        depth, start = 0, 0
        for k, ch in enumerate(group + ","):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                head = group[start:k].strip().split("::")[0].strip()
                if head:
                    found.add(head)
                start = k + 1
    return found


# `crate::App` names what lib.rs re-exports from `app`: count it as `app`.
reexported = {}
lib = code_of((root / "lib.rs").read_text())
for module, names in re.findall(r"pub use (\w+)::(?:\w+::)*\{?([\w, ]+)\}?;", lib):
    for name in names.split(","):
        name = name.strip().split(" as ")[-1].strip()
        if name and module in modules:
            reexported[name] = module


def resolve(name):
    return reexported.get(name, name)


edges = {name: set() for name in modules}
for name, paths in modules.items():
    for path in paths:
        for other in map(resolve, named(code_of(path.read_text()))):
            if other in modules and other != name:
                edges[name].add(other)

# Tarjan's strongly connected components.
index, low, stack, on_stack, sccs, counter = {}, {}, [], set(), [], [0]


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on_stack.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        scc = []
        while True:
            w = stack.pop()
            on_stack.discard(w)
            scc.append(w)
            if w == v:
                break
        if len(scc) > 1:
            sccs.append(sorted(scc))


sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index:
        visit(v)

if "-v" in sys.argv or "--graph" in sys.argv:
    for v in sorted(edges):
        print(f"{v} -> {', '.join(sorted(edges[v])) or '-'}")
if sccs:
    for scc in sccs:
        inside = [f"{a} -> {b}" for a in scc for b in sorted(edges[a]) if b in scc]
        print(f"import cycle among {', '.join(scc)}:\n  " + "\n  ".join(inside))
    sys.exit(1)
print(f"no import cycle among the {len(modules)} modules of {root}")
