#!/usr/bin/env python3
"""Tables for BENCHMARKS.md from bench/results.jsonl (lines written by
`lobby-load run --json`).
Usage: python3 bench/report.py [results.jsonl] [LABEL_PREFIX ...]
(with prefixes: only the runs whose label starts with one of them)."""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "bench/results.jsonl"
rows = [json.loads(l) for l in open(path) if l.strip()]
prefixes = sys.argv[2:]
if prefixes:
    rows = [r for r in rows if any(str(r.get("label", "")).startswith(p) for p in prefixes)]
billing = [r for r in rows if r.get("scenario") == "billing"]
bare = [r for r in rows if str(r.get("scenario", "")).startswith("bare_commit")]
rows = [r for r in rows if r.get("scenario") != "billing" and r not in bare]
labels = []
for r in rows:
    if r["label"] not in labels:
        labels.append(r["label"])
OPS = ["create", "action", "list", "list_page", "ticket", "ticket_page", "summary", "login", "arrears", "arrears_page", "healthz"]

print("### Throughput, 8 clients, closed loop (requests/s · p50 / p99 ms)\n")
print("| operation | " + " | ".join(labels) + " |")
print("|---|" + "---|" * len(labels))
for op in OPS:
    cells = []
    for lab in labels:
        got = [o for r in rows if r["label"] == lab and r["scenario"] == op.replace("_", "_") and r["rate"] is None
               for o in r["ops"] if o["op"] == op]
        # An 'action' run also creates the work orders it acts on: take the op itself.
        if not got:
            got = [o for r in rows if r["label"] == lab and r["rate"] is None and r["scenario"] == op
                   for o in r["ops"] if o["op"] == op]
        cells.append("{:,.0f} · {:.1f} / {:.1f}".format(got[0]["per_s"], got[0]["p50_ms"], got[0]["p99_ms"]) if got else "–")
    print(f"| {op} | " + " | ".join(cells) + " |")

print("\n### Department mix, open loop at 200 requests/s for 30 s (p50 / p95 / p99 ms)\n")
print("| operation | " + " | ".join(labels) + " |")
print("|---|" + "---|" * len(labels))
for op in OPS:
    cells = []
    for lab in labels:
        got = [o for r in rows if r["label"] == lab and r["rate"] is not None for o in r["ops"] if o["op"] == op]
        cells.append("{:.1f} / {:.1f} / {:.1f}".format(got[0]["p50_ms"], got[0]["p95_ms"], got[0]["p99_ms"]) if got else "–")
    print(f"| {op} | " + " | ".join(cells) + " |")
cells = []
for lab in labels:
    got = [r for r in rows if r["label"] == lab and r["rate"] is not None]
    errs = sum(o["errors"] for o in got[0]["ops"]) if got else 0
    n = sum(o["count"] for o in got[0]["ops"]) if got else 0
    cells.append(f"{n:,} requests, {errs} errors")
print("| all | " + " | ".join(cells) + " |")

print("\n### Server memory (RSS, MiB)\n")
print("| | " + " | ".join(labels) + " |")
print("|---|" + "---|" * len(labels))
def mib(k):
    return "{:.0f}".format(k / 1024) if k else "–"
first = [next((r for r in rows if r["label"] == lab), None) for lab in labels]
print("| before the first run (after sign-ins) | " + " | ".join(mib(f and f["rss_before_kib"]) for f in first) + " |")
mix = [next((r for r in rows if r["label"] == lab and r["rate"] is not None), None) for lab in labels]
print("| peak during the 200/s mix | " + " | ".join(mib(m and m["rss_peak_kib"]) for m in mix) + " |")
print("| high-water mark of the whole suite (incl. 8 parallel sign-ins) | " + " | ".join(mib(m and m["rss_hwm_kib"]) for m in mix) + " |")

if billing:
    print("\n### Month-end run (`lobby-load billing`: one site's month generated, once per site)\n")
    print("| label | month | sites | statements | median ms | max ms |")
    print("|---|---|---|---|---|---|")
    for b in billing:
        print(f"| {b['label']} | {b['month']} | {b['sites']} | {b['statements']:,} | {b['median_ms']:.0f} | {b['max_ms']:.0f} |")

def closed(lab, op):
    got = [o for r in rows if r["label"] == lab and r["rate"] is None and r["scenario"] == op
           for o in r["ops"] if o["op"] == op]
    return got[0]["per_s"] if got else None

if bare:
    print("\n### Against the machine's limits (issue 20), each ratio from one run\n")
    print("| label | bare durable commits/s | creates ÷ bare commits (goal ≥ 0.30) | lists ÷ empty handler (goal ≥ 0.10) | queue page ÷ API list (goal ≥ 0.50) |")
    print("|---|---|---|---|---|")
    def ratio(a, b):
        return "{:.3f}".format(a / b) if a and b else "–"
    for lab in labels:
        b = next((x["rps"] for x in bare if x["label"] == lab), None)
        c, l, lp, h = closed(lab, "create"), closed(lab, "list"), closed(lab, "list_page"), closed(lab, "healthz")
        print(f"| {lab} | {b:,.0f} | {ratio(c, b)} | {ratio(l, h)} | {ratio(lp, l)} |" if b else f"| {lab} | – | – | {ratio(l, h)} | {ratio(lp, l)} |")
