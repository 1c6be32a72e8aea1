#!/usr/bin/env python3
"""Prints each benchmark's time per element and its ratio to the f64 baseline of the same group,
from criterion's estimates in target/criterion (run `cargo bench` first)."""
import json, pathlib, sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
for group in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "report"):
    rows = []
    for est in sorted(group.glob("*/*/new/estimates.json")):
        bench = json.loads((est.parent / "benchmark.json").read_text())
        elements = (bench.get("throughput") or {}).get("Elements", 1)
        ns = json.loads(est.read_text())["median"]["point_estimate"] / elements
        rows.append((bench["function_id"], bench.get("value_str") or "", ns))
    base = [ns for f, v, ns in rows if f.startswith("f64") or f.startswith("baseline")]
    print(f"{group.name}:")
    for f, v, ns in rows:
        ratio = f"{ns / base[0]:8.1f}x" if base else ""
        print(f"  {f:<10} {v:<24} {ns:12.2f} ns  {ratio}")
