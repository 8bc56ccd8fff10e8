"""Each figure is printed as one JSON line when measured, and all of them as a table at the end."""
import json
import math
import sys


def percentile(values, p):
    """The p-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


class Report:
    def __init__(self, json_path=None):
        self.figures = []
        self.json_file = open(json_path, "w") if json_path else None

    def figure(self, name, value, unit, target=None, better="lower", note="", **extra):
        """Records one figure. `target` is the bound to meet (≤ when `better` is lower, ≥ when
        higher); None for figures with no target (peers, context)."""
        met = None
        if target is not None:
            met = value <= target if better == "lower" else value >= target
        record = {"name": name, "value": round(value, 3), "unit": unit, "target": target,
                  "better": better, "met": met, "note": note, **extra}
        self.figures.append(record)
        line = json.dumps(record, ensure_ascii=False)
        print(line, flush=True)
        if self.json_file:
            self.json_file.write(line + "\n")
            self.json_file.flush()
        return record

    def note(self, record):
        """A line of context (the machine, the commit), printed and kept in the JSON file."""
        print(json.dumps(record, ensure_ascii=False), flush=True)
        if self.json_file:
            self.json_file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def failure(self, name, error):
        """A benchmark that could not run: recorded, and the run goes on."""
        record = {"name": name, "error": str(error)}
        self.figures.append(record)
        print(json.dumps(record, ensure_ascii=False), flush=True)
        if self.json_file:
            self.json_file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def table(self, out=sys.stdout):
        rows = [("figure", "value", "target", "")]
        for f in self.figures:
            if "error" in f:
                rows.append((f["name"], "failed", "", f["error"][:60]))
                continue
            sign = "≤" if f["better"] == "lower" else "≥"
            target = f"{sign} {f['target']:g} {f['unit']}" if f["target"] is not None else ""
            verdict = {True: "ok", False: "MISSED", None: ""}[f["met"]]
            rows.append((f["name"], f"{f['value']:g} {f['unit']}", target, verdict))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        print(file=out)
        for i, row in enumerate(rows):
            print("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip(), file=out)
            if i == 0:
                print("  ".join("-" * w for w in widths), file=out)
        out.flush()
