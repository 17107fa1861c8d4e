#!/usr/bin/env python3
"""Where a benchmark's server CPU went, from a Java Flight Recording (bench/run.sh ... -Dbench.jfr=DIR).

    python3 bench/jfr-breakdown.py DIR/ldap-ours-first.jfr [DIR/ldap-keycloak-first.jfr ...]

For each recording: the execution samples by thread, then by kind (H2 parsing a statement again, H2 executing,
Hibernate, Keycloak's LDAP reads, the extension's own code and the Keycloak model calls it makes, other), and the
callers that made H2 parse (H2 keeps 8 parsed statements per connection: a per-user cycle of more statements parses
every one again). Reads the samples with the JDK's `jfr print --json` (JDK 14+; JFR keeps the top 64 frames of a stack,
so a deep stack may have lost its bottom frames, and a sample is classified by the frames it kept).
"""
import collections
import json
import subprocess
import sys


def samples(path):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", path],
                         check=True, capture_output=True, text=True).stdout
    for event in json.loads(out)["recording"]["events"]:
        thread = (event["values"].get("sampledThread") or {}).get("javaName") or "?"
        frames = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
                  for f in event["values"]["stackTrace"]["frames"]]
        yield thread, frames


def kind(frames):
    stack = " ".join(frames)
    if "org.h2" in stack:
        return "H2 parse" if "org.h2.command.Parser" in stack or "org.h2.command.Tokenizer" in stack else "H2 execute"
    if "org.hibernate" in stack:
        return "Hibernate"
    if "org.keycloak.storage.ldap" in stack or "com.sun.jndi" in stack:
        return "LDAP read"
    if "io.dirsync" in stack:
        return "extension (and the model calls it makes)"
    return "Keycloak, other" if "org.keycloak" in stack else "other"


def parse_caller(frames):
    """The innermost Keycloak or extension frame (not a lambda or proxy) above an H2 parse."""
    for f in frames:
        if (f.startswith("org.keycloak") or f.startswith("io.dirsync")) and "Lambda" not in f and "Proxy" not in f:
            return f
    return "(not in the frames kept)"


def main(paths):
    for path in paths:
        threads, kinds, parses = collections.Counter(), collections.Counter(), collections.Counter()
        for thread, frames in samples(path):
            threads[thread.split("-")[0]] += 1
            k = kind(frames)
            kinds[k] += 1
            if k == "H2 parse":
                parses[parse_caller(frames)] += 1
        total = sum(kinds.values())
        print(f"== {path}: {total} samples; threads {dict(threads.most_common(5))}")
        for k, n in kinds.most_common():
            print(f"  {n:6d} {100.0 * n / max(1, total):5.1f} %  {k}")
        if parses:
            print("  H2 parses by caller:")
            for caller, n in parses.most_common(10):
                print(f"  {n:6d}  {caller}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
