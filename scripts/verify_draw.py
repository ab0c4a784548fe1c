#!/usr/bin/env python3
"""Verify a suiji draw bundle with the Python standard library only (hashlib and json).

Usage: python3 scripts/verify_draw.py BUNDLE.json

Independently of suiji's Swift code, it reads the bundle's format and checks:

AUDITOR bundle (suiji-draw-bundle/2, for the supervising authority: it holds every member's class,
the salting secret, the inspector pools, the avoidance pairs and the teams):
  1. each member's salted commitment, sha256_hex(salt + "|" + canonical({"uscc", "class", "watch"}))
     with salt = sha256_hex(secret + "|" + uscc), and the inspectors' salted hash, rebuild the
     PUBLIC form of the commitment, whose SHA-256 must be the published commitment hash
     (canonical JSON: json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")));
  2. the class counts and the number of watchlisted members are the members';
  3. the seed string: publicSeed + "|" + group + "|" + str(round);
  4. the quotas, recomputed from the recorded rule (suiji-apportionment/1: exact shares, largest
     remainder with ties to the higher risk class, top-up D, C, B, A) and each task's integer inputs;
  5. the sample, with Rivest's consistent sampler (ron-rivest/consistent_sampler):
     ticket(id) = sha256_uniform(sha256_hex(seed string) + id), sorted by (ticket string, id); per
     class (null counts as B; a watchlisted member as D under the class-d rule) the always-included
     members, then the lowest tickets among members not excluded up to the quota, then the lowest
     excluded ones; the visits (the class's objects dealt to its visits in ticket order);
  6. the inspector teams (rules in Sources/Pipeline/Draw/InspectorMatcher.swift).

PUBLIC bundle (suiji-draw-public-bundle/1: no class, no watchlist reason, no avoidance pair, no
inspector), what anyone can check:
  1. the commitment hashes to the published commitment hash;
  2. the seed string;
  3. the quotas follow from the recorded rule, the task inputs and the class counts, and the class
     counts add up to the population;
  4. every drawn object is in the committed population, once, in ticket order;
  5. the sample's size is sum(min(quota, class count)) (up to the watchlisted count more under
     the always-include rule).
  Which entities each class's lowest tickets are needs the classes: only the auditor can check it.

A bundle of the first format (suiji-draw-bundle/1) is checked as before (classes in clear).
Prints OK and exits 0, or prints every difference and exits 1 (2 if the file cannot be read).
"""

import hashlib
import json
import sys

AUDITOR_FORMAT = "suiji-draw-bundle/2"
LEGACY_FORMAT = "suiji-draw-bundle/1"
PUBLIC_FORMAT = "suiji-draw-public-bundle/1"
COMMITMENT_FORMAT = "suiji-draw-commitment/2"
LEGACY_COMMITMENT_FORMAT = "suiji-draw-commitment/1"
ALGORITHM = "rivest-consistent-sampler/1 (sha256, without replacement)"
RULE = "suiji-apportionment/1 (largest remainder, ties to the higher risk class; top-up D, C, B, A)"
SALTING = "suiji-salt/1"
CLASSES = ["A", "B", "C", "D"]
TOP_UP = ["D", "C", "B", "A"]
PPM = 10 ** 6
PPM2 = 10 ** 12


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


# --- canonical JSON and salting ---------------------------------------------------------------------

def canonical(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def canonical_text(value):
    return canonical(value).decode("utf-8")


def member_commitment(member, secret):
    salt = sha256_hex(secret + "|" + member["uscc"])
    record = {"uscc": member["uscc"], "class": member["class"], "watch": member.get("watch", [])}
    return sha256_hex(salt + "|" + canonical_text(record))


def inspectors_commitment(commitment, secret):
    part = {k: commitment[k] for k in ("inspectorPools", "avoidance", "matching")}
    return sha256_hex(sha256_hex(secret + "|inspectors") + "|" + canonical_text(part))


def quota_class(member, rule):
    if rule == "class-d" and member.get("watch"):
        return "D"
    return member["class"] or "B"


def class_counts(population, rule):
    counts = {c: 0 for c in CLASSES}
    for m in population:
        counts[quota_class(m, rule)] += 1
    return counts


def public_form(commitment):
    """The public form of a private (auditor) commitment of format 2."""
    secret = commitment["secret"]
    private_only = ("population", "secret", "inspectorPools", "avoidance", "matching")
    public = {k: v for k, v in commitment.items() if k not in private_only}
    public["classCounts"] = class_counts(commitment["population"], commitment["watchlist"])
    public["watchlisted"] = sum(1 for m in commitment["population"] if m.get("watch"))
    public["population"] = [{"uscc": m["uscc"], "commitment": member_commitment(m, secret)} for m in commitment["population"]]
    public["inspectors"] = inspectors_commitment(commitment, secret) if "inspectorPools" in commitment else None
    return public


# --- the quota rule (Sources/Pipeline/Draw/RiskQuotaPolicy.swift) ------------------------------------

def class_ratios(record):
    """Class ratios in millionths squared, or None when there is nothing to apply them to."""
    if record["mode"] == "multipliers":
        if record["ratioPPM"] is None:
            return None
        return {c: max(0, record["ratioPPM"]) * max(0, record["tablePPM"][c]) for c in CLASSES}
    if record["ratioPPM"] is None and record["count"] is not None:
        return None
    return {c: max(0, record["tablePPM"][c]) * PPM for c in CLASSES}


def task_quotas(record, counts):
    ratios = class_ratios(record)
    shares = {}
    for c in CLASSES:
        n = max(0, counts[c])
        if ratios is None:
            shares[c] = 0
        else:
            shares[c] = min(ratios[c] * n * max(1, record["visits"][c]), n * PPM2)
    total = sum(max(0, counts[c]) for c in CLASSES)
    exact = sum(shares.values())
    ceil_exact = -(-exact // PPM2)
    plan_minimum = -(-(max(0, record["ratioPPM"]) * PPM * total) // PPM2) if record["ratioPPM"] is not None else 0
    target = min(max(plan_minimum, record["count"] or 0, ceil_exact), total)
    quota = {c: shares[c] // PPM2 for c in CLASSES}
    left = min(target, ceil_exact) - sum(quota.values())
    with_remainder = [c for c in TOP_UP if shares[c] % PPM2 > 0]
    by_remainder = sorted(with_remainder, key=lambda c: -(shares[c] % PPM2))  # stable: ties keep D, C, B, A
    for c in by_remainder:
        if left <= 0:
            break
        quota[c] += 1
        left -= 1
    rest = target - sum(quota.values())
    for c in TOP_UP:
        if rest <= 0:
            break
        add = min(max(0, counts[c]) - quota[c], rest)
        if add > 0:
            quota[c] += add
            rest -= add
    return quota


def rule_quotas(rule, counts):
    out = {c: 0 for c in CLASSES}
    for record in rule["tasks"]:
        q = task_quotas(record, counts)
        for c in CLASSES:
            out[c] = max(out[c], q[c])
    return out


def rule_differences(commitment, counts):
    diffs = []
    rule = commitment["quotaRule"]
    if rule.get("rule") != RULE:
        diffs.append("quota rule is %r, this verifier implements %r" % (rule.get("rule"), RULE))
    expected = rule_quotas(rule, counts)
    if expected != {c: commitment["quotas"].get(c, 0) for c in CLASSES}:
        diffs.append("quotas: the rule gives %s for the class counts %s, the commitment says %s"
                     % (expected, counts, commitment["quotas"]))
    if sum(counts.values()) != len(commitment["population"]):
        diffs.append("class counts add up to %d, the population has %d" % (sum(counts.values()), len(commitment["population"])))
    visits = {c: 1 for c in CLASSES}
    for record in rule["tasks"]:
        for c in CLASSES:
            visits[c] = max(visits[c], record["visits"][c])
    if rule["tasks"] and visits != commitment["visits"]:
        diffs.append("visits per class: the rule gives %s, the commitment says %s" % (visits, commitment["visits"]))
    return diffs


# --- the draw ---------------------------------------------------------------------------------------

def select(population, exclusions, quotas, seed, rule="off", visits=None):
    class_of = {}
    include = set()
    for member in population:
        if member["uscc"] not in class_of:
            class_of[member["uscc"]] = quota_class(member, rule)
            if rule == "always-include" and member.get("watch"):
                include.add(member["uscc"])
    ordered = order(list(class_of), seed)
    excluded = set(exclusions)
    chosen = set()
    for c in CLASSES:
        quota = max(0, int(quotas.get(c, 0)))
        members = [u for u in ordered if class_of[u] == c]
        always = [u for u in members if u in include]
        fresh = [u for u in members if u not in include and u not in excluded][:max(0, quota - len(always))]
        again = [u for u in members if u not in include and u in excluded][:max(0, quota - len(always) - len(fresh))]
        chosen.update(always)
        chosen.update(fresh)
        chosen.update(again)
    drawn = [u for u in ordered if u in chosen]
    sample = {c: [u for u in drawn if class_of[u] == c] for c in CLASSES}
    visit = {}
    for c in CLASSES:
        v = max(1, (visits or {}).get(c, 1))
        if v > 1:
            for j, u in enumerate(sample[c]):
                visit[u] = j % v + 1
    return sample, drawn, visit


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


def check_teams(bundle, commitment, drawn, seed):
    diffs = []
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


def check_population(commitment):
    diffs = []
    ids = [m["uscc"] for m in commitment["population"]]
    if len(set(ids)) != len(ids):
        diffs.append("the population lists a USCC twice")
    for x in commitment["exclusions"]:
        if x not in set(ids):
            diffs.append("exclusion %s is not in the population" % x)
    return diffs


def verify_auditor(bundle):
    diffs = []
    commitment = bundle["commitment"]
    legacy = bundle.get("format") == LEGACY_FORMAT
    expected_commitment = LEGACY_COMMITMENT_FORMAT if legacy else COMMITMENT_FORMAT
    if commitment.get("format") != expected_commitment:
        diffs.append("commitment format is %r, expected %r" % (commitment.get("format"), expected_commitment))
    if commitment.get("algorithm") != ALGORITHM:
        diffs.append("algorithm is %r, this verifier implements %r" % (commitment.get("algorithm"), ALGORITHM))
    rule = "off"
    visits = None
    if legacy:
        digest = hashlib.sha256(canonical(commitment)).hexdigest()
    else:
        rule = commitment["watchlist"]
        visits = commitment["visits"]
        if commitment.get("salting") != SALTING:
            diffs.append("salting is %r, this verifier implements %r" % (commitment.get("salting"), SALTING))
        counts = class_counts(commitment["population"], rule)
        if counts != commitment.get("classCounts"):
            diffs.append("class counts: the members give %s, the commitment says %s" % (counts, commitment.get("classCounts")))
        watchlisted = sum(1 for m in commitment["population"] if m.get("watch"))
        if watchlisted != commitment.get("watchlisted"):
            diffs.append("watchlisted: the members give %d, the commitment says %s" % (watchlisted, commitment.get("watchlisted")))
        diffs += rule_differences(commitment, counts)
        digest = hashlib.sha256(canonical(public_form(commitment))).hexdigest()
    if digest != bundle["commitmentHash"]:
        diffs.append("commitment hash is %s, the bundle says %s" % (digest, bundle["commitmentHash"]))
    seed = "%s|%s|%d" % (bundle["publicSeed"], commitment["group"], commitment["round"])
    if seed != bundle["seedString"]:
        diffs.append("seed string is %r, the bundle says %r" % (seed, bundle["seedString"]))
    diffs += check_population(commitment)
    sample, drawn, visit = select(commitment["population"], commitment["exclusions"], commitment["quotas"], seed, rule, visits)
    for c in CLASSES:
        recorded = bundle["sample"].get(c, [])
        if sample[c] != recorded:
            diffs.append("class %s: recomputed sample %s, the bundle says %s" % (c, sample[c], recorded))
    if not legacy and visit != bundle.get("visits", {}):
        diffs.append("visits: recomputed %s, the bundle says %s" % (visit, bundle.get("visits", {})))
    diffs += check_teams(bundle, commitment, drawn, seed)
    return diffs


def verify_public(bundle):
    diffs = []
    commitment = bundle["commitment"]
    digest = hashlib.sha256(canonical(commitment)).hexdigest()
    if digest != bundle["commitmentHash"]:
        diffs.append("commitment hash is %s, the bundle says %s" % (digest, bundle["commitmentHash"]))
    if commitment.get("format") != COMMITMENT_FORMAT:
        diffs.append("commitment format is %r, expected %r" % (commitment.get("format"), COMMITMENT_FORMAT))
    if commitment.get("algorithm") != ALGORITHM:
        diffs.append("algorithm is %r, this verifier implements %r" % (commitment.get("algorithm"), ALGORITHM))
    for secret in ("secret", "inspectorPools", "avoidance", "matching"):
        if secret in commitment:
            diffs.append("the public commitment holds %r, which must not be published" % secret)
    for m in commitment["population"]:
        if "class" in m or "watch" in m:
            diffs.append("the public commitment shows the class or watchlist of %s" % m.get("uscc"))
    seed = "%s|%s|%d" % (bundle["publicSeed"], commitment["group"], commitment["round"])
    if seed != bundle["seedString"]:
        diffs.append("seed string is %r, the bundle says %r" % (seed, bundle["seedString"]))
    counts = commitment["classCounts"]
    diffs += rule_differences(commitment, counts)
    members = {m["uscc"] for m in commitment["population"]}
    seen = set()
    for u in bundle["sample"]:
        if u not in members:
            diffs.append("%s is drawn but not in the committed population" % u)
        if u in seen:
            diffs.append("%s is drawn twice" % u)
        seen.add(u)
    if order(bundle["sample"], seed) != bundle["sample"]:
        diffs.append("the sample is not in ticket order under %r" % seed)
    expected = sum(min(commitment["quotas"][c], counts[c]) for c in CLASSES)
    slack = commitment["watchlisted"] if commitment["watchlist"] == "always-include" else 0
    size = len(bundle["sample"])
    if size < expected or size > expected + slack:
        diffs.append("the sample has %d objects; the quotas and class counts give %s"
                     % (size, expected if slack == 0 else "%d…%d" % (expected, expected + slack)))
    return diffs


def verify(bundle):
    fmt = bundle.get("format")
    if fmt == PUBLIC_FORMAT:
        return verify_public(bundle)
    if fmt in (AUDITOR_FORMAT, LEGACY_FORMAT):
        return verify_auditor(bundle)
    return ["format is %r, expected %r, %r or %r" % (fmt, AUDITOR_FORMAT, PUBLIC_FORMAT, LEGACY_FORMAT)]


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
