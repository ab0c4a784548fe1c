#!/usr/bin/env python3
"""Verify a suiji draw bundle (suiji-draw-bundle/1) with the Python standard library only.

Usage: python3 scripts/verify_draw.py BUNDLE.json

Recomputes from the bundle alone, independently of suiji's Swift code:
  1. the commitment hash: SHA-256 of
     json.dumps(commitment, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8");
  2. the seed string: publicSeed + "|" + group + "|" + str(round);
  3. the sample, with Rivest's consistent sampler (ron-rivest/consistent_sampler):
     ticket(id) = sha256_uniform(sha256_hex(seed string) + id), sorted by (ticket string, id);
     per class (an entity with class null counts as B) the `quota` lowest tickets among entities
     not excluded, then, if too few remain, the lowest tickets among the excluded ones;
  4. the inspector teams, if the commitment has inspector pools (rules in
     Sources/Pipeline/InspectorMatcher.swift).
Prints OK and exits 0, or prints every difference and exits 1 (2 if the file cannot be read).
"""

import hashlib
import json
import sys

BUNDLE_FORMAT = "suiji-draw-bundle/1"
COMMITMENT_FORMAT = "suiji-draw-commitment/1"
ALGORITHM = "rivest-consistent-sampler/1 (sha256, without replacement)"
CLASSES = ["A", "B", "C", "D"]


# --- Rivest's consistent sampler (consistent_sampler.py, version 1.0.10) ---------------------------

def sha256_hex(x):
    return hashlib.sha256(str(x).encode("utf-8")).hexdigest()


def sha256_uniform(x):
    """The decimal fraction "0.ddd..." whose digits are those of int(sha256_hex(x), 16), reversed."""
    n = int(sha256_hex(x), 16)
    return "0." + "{:064d}".format(n)[::-1]


def first_fraction(id_, seed):
    return sha256_uniform(sha256_hex(seed) + str(id_))


def order(ids, seed):
    """Ids in sampling order: ascending (ticket number as a string, id), as the sampler's heap pops them."""
    return [i for _, i in sorted((first_fraction(i, seed), i) for i in ids)]


# --- the draw -------------------------------------------------------------------------------------

def canonical(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def select(population, exclusions, quotas, seed):
    class_of = {}
    for member in population:
        class_of.setdefault(member["uscc"], member["class"] or "B")
    ordered = order(list(class_of), seed)
    excluded = set(exclusions)
    chosen = set()
    for c in CLASSES:
        quota = max(0, int(quotas.get(c, 0)))
        members = [u for u in ordered if class_of[u] == c]
        fresh = [u for u in members if u not in excluded][:quota]
        again = [u for u in members if u in excluded][:quota - len(fresh)]
        chosen.update(fresh)
        chosen.update(again)
    drawn = [u for u in ordered if u in chosen]
    return {c: [u for u in drawn if class_of[u] == c] for c in CLASSES}, drawn


def team_sizes(commitment):
    sizes = commitment["matching"]["teamSizes"]
    return [int(sizes.get(d, 0)) for d in commitment["departments"]]


def match(commitment, objects, seed):
    """Returns (assignments, short teams) or raises ValueError naming the first shortfall."""
    matching = commitment["matching"]
    pools = commitment["inspectorPools"]
    avoid = {(p["inspector"], p["uscc"]) for p in commitment["avoidance"]}
    departments = commitment["departments"]
    sizes = team_sizes(commitment)
    caps = {}
    for d, size in zip(departments, sizes):
        pool = len(pools.get(d, []))
        if matching["loadCap"] is not None:
            caps[d] = matching["loadCap"]
        else:
            caps[d] = 0 if pool == 0 else (len(objects) * size + pool - 1) // pool + 1
    loads = {}
    assignments, short = [], []
    for uscc in objects:
        team = set()
        for d, size in zip(departments, sizes):
            if size <= 0:
                continue
            inspector_of = {i + "|" + uscc: i for i in pools.get(d, [])}
            picked = []
            for ticket_id in order(list(inspector_of), seed):
                if len(picked) >= size:
                    break
                i = inspector_of[ticket_id]
                if (i, uscc) in avoid or i in team or loads.get(i, 0) >= caps[d]:
                    continue
                picked.append(i)
                team.add(i)
                loads[i] = loads.get(i, 0) + 1
            if len(picked) < size:
                if not matching["allowPartialTeams"]:
                    raise ValueError("%s is %d inspector(s) short for %s" % (d, size - len(picked), uscc))
                short.append({"uscc": uscc, "department": d, "needed": size, "matched": len(picked)})
            assignments.append({"uscc": uscc, "department": d, "inspectors": picked})
    return assignments, short


def verify(bundle):
    diffs = []
    if bundle.get("format") != BUNDLE_FORMAT:
        diffs.append("format is %r, expected %r" % (bundle.get("format"), BUNDLE_FORMAT))
    commitment = bundle["commitment"]
    if commitment.get("format") != COMMITMENT_FORMAT:
        diffs.append("commitment format is %r, expected %r" % (commitment.get("format"), COMMITMENT_FORMAT))
    if commitment.get("algorithm") != ALGORITHM:
        diffs.append("algorithm is %r, this verifier implements %r" % (commitment.get("algorithm"), ALGORITHM))
    digest = hashlib.sha256(canonical(commitment)).hexdigest()
    if digest != bundle["commitmentHash"]:
        diffs.append("commitment hash is %s, the bundle says %s" % (digest, bundle["commitmentHash"]))
    seed = "%s|%s|%d" % (bundle["publicSeed"], commitment["group"], commitment["round"])
    if seed != bundle["seedString"]:
        diffs.append("seed string is %r, the bundle says %r" % (seed, bundle["seedString"]))

    ids = [m["uscc"] for m in commitment["population"]]
    if len(set(ids)) != len(ids):
        diffs.append("the population lists a USCC twice")
    for x in commitment["exclusions"]:
        if x not in set(ids):
            diffs.append("exclusion %s is not in the population" % x)
    sample, drawn = select(commitment["population"], commitment["exclusions"], commitment["quotas"], seed)
    for c in CLASSES:
        recorded = bundle["sample"].get(c, [])
        if sample[c] != recorded:
            diffs.append("class %s: recomputed sample %s, the bundle says %s" % (c, sample[c], recorded))

    if "inspectorPools" in commitment:
        try:
            assignments, short = match(commitment, drawn, seed)
        except ValueError as error:
            diffs.append("inspector matching fails: %s" % error)
        else:
            recorded = bundle.get("assignments", [])
            if len(assignments) != len(recorded):
                diffs.append("assignments: recomputed %d, the bundle has %d" % (len(assignments), len(recorded)))
            for e, r in zip(assignments, recorded):
                if e != r:
                    diffs.append("assignment %s/%s: recomputed %s, the bundle says %s" % (e["uscc"], e["department"], e["inspectors"], r))
            if short != bundle.get("shortTeams", []):
                diffs.append("short teams: recomputed %s, the bundle says %s" % (short, bundle.get("shortTeams", [])))
    elif "assignments" in bundle or "shortTeams" in bundle:
        diffs.append("the bundle has inspector assignments but the commitment has no inspectors")
    return diffs


def main(argv):
    if len(argv) != 2:
        print("usage: verify_draw.py BUNDLE.json", file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f:
            bundle = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError) as error:
        print("cannot read %s: %s" % (argv[1], error), file=sys.stderr)
        return 2
    try:
        diffs = verify(bundle)
    except (KeyError, TypeError, AttributeError) as error:
        print("malformed bundle: %r" % (error,))
        return 1
    if diffs:
        for line in diffs:
            print(line)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
