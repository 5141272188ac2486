"""Lists the distinct ACTUS term keys and values used by the 87 reference cases (PAM, LAM, ANN),
and the event types, so that the loan engine's ACTUS mapping can be designed to cover them."""
import json
import sys
from collections import defaultdict, Counter

root = sys.argv[1] if len(sys.argv) > 1 else "/work/main/tests/data/actus"
values = defaultdict(Counter)
events = Counter()
other = Counter()
for t in ["pam", "lam", "ann"]:
    cases = json.load(open(f"{root}/actus-tests-{t}.json"))
    for name, case in cases.items():
        for k, v in case["terms"].items():
            values[k][str(v).strip() if not k.endswith("Date") and "Date" not in k else "<date>"] += 1
        for r in case["results"]:
            events[r["eventType"]] += 1
        other["to:" + ("set" if case.get("to") else "empty")] += 1
        other["eventsObserved:" + str(len(case.get("eventsObserved", [])))] += 1
        other["dataObserved:" + str(len(case.get("dataObserved", {})))] += 1
for k in sorted(values):
    print(f"{k}: {dict(values[k].most_common(25))}")
print("events:", dict(events))
print("other:", dict(other))
