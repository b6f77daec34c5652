#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# One golden test of `rampart analyze`: the JSON report of CAPTURE must be EXPECTED_JSON, field for
# field. Both are normalised the same way first (keys sorted, two-space indent) and the one field that
# depends on where the build put the capture, "captures" (its paths), is cut to the file names.
# Nothing else is loosened: the captures are deterministic, so counts, rates, shares and the
# HyperLogLog estimate are exact. GeoIP is looked up in an empty folder, so a var/geoip where ctest
# runs cannot add country/ASN fields. On a mismatch it prints every differing field by its path,
# then a unified diff.
#
# Usage: golden_test.sh RAMPART CAPTURE EXPECTED_JSON
#        UPDATE_GOLDEN=1 golden_test.sh ...   writes EXPECTED_JSON from this run instead (review the
#                                             diff before committing it)
# Exit: 0 pass (or updated), 1 fail. Never skips: it needs only python3 and the build's captures.
set -euo pipefail

RAMPART=${1:?usage: golden_test.sh RAMPART CAPTURE EXPECTED_JSON}
CAPTURE=${2:?usage: golden_test.sh RAMPART CAPTURE EXPECTED_JSON}
EXPECTED=${3:?usage: golden_test.sh RAMPART CAPTURE EXPECTED_JSON}
NAME=$(basename "$EXPECTED" .json)

fail() {
  echo "FAIL: golden $NAME: $*" >&2
  exit 1
}
[[ -x "$RAMPART" ]] || fail "$RAMPART is not an executable"
[[ -f "$CAPTURE" ]] || fail "no capture $CAPTURE (it is build output: build the targets golden_captures and sample_capture)"
command -v python3 >/dev/null 2>&1 || fail "python3 is not installed"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rampart-golden.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/geoip"

# Exit code: 0 no attack, 1 attacks found, 2 bad input (README); it must agree with the report.
rc=0
"$RAMPART" analyze --json --geoip-dir "$TMP/geoip" "$CAPTURE" >"$TMP/report.json" 2>"$TMP/stderr" || rc=$?
((rc == 0 || rc == 1)) || fail "rampart analyze exited $rc: $(tail -5 "$TMP/stderr")"

python3 - "$TMP/report.json" "$EXPECTED" "$NAME" "${UPDATE_GOLDEN:-}" "$rc" <<'PY'
import difflib, json, os, sys

actual_path, expected_path, name, update, exit_code = sys.argv[1:6]


def normalised(report):
    # Paths depend on the build folder; the file name is what the report is about.
    report["captures"] = [os.path.basename(p) for p in report.get("captures", [])]
    return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def summary(report):
    attacks = report.get("attacks", [])
    parts = [f"{a['target']} {'+'.join(v['name'] for v in a['vectors'])} [{(a.get('fingerprint') or {}).get('summary')}]"
             for a in attacks]
    return f"{len(attacks)} attack(s)" + (": " + "; ".join(parts) if parts else "")


def differences(expected, actual, path=""):
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            sub = f"{path}.{key}" if path else key
            if key not in actual:
                yield f"{sub}: missing (expected {json.dumps(expected[key])})"
            elif key not in expected:
                yield f"{sub}: unexpected {json.dumps(actual[key])}"
            else:
                yield from differences(expected[key], actual[key], sub)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            yield f"{path}: {len(expected)} entries expected, {len(actual)} found"
        for i, (e, a) in enumerate(zip(expected, actual)):
            yield from differences(e, a, f"{path}[{i}]")
    elif expected != actual or type(expected) is not type(actual):
        yield f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}"


with open(actual_path) as f:
    actual = json.loads(normalised(json.load(f)))
actual_text = normalised(actual)
if int(exit_code) != (1 if actual["attacks"] else 0):
    print(f"FAIL: golden {name}: rampart analyze exited {exit_code} with {len(actual['attacks'])} attack(s) "
          "in its report (0: none, 1: attacks found)", file=sys.stderr)
    sys.exit(1)

if update == "1":
    with open(expected_path, "w") as f:
        f.write(actual_text)
    print(f"updated {expected_path}: {summary(actual)}")
    sys.exit(0)

if not os.path.exists(expected_path):
    print(f"FAIL: golden {name}: no expected report {expected_path} "
          "(create it with UPDATE_GOLDEN=1 and review it)", file=sys.stderr)
    sys.exit(1)
with open(expected_path) as f:
    expected = json.load(f)
expected_text = normalised(expected)

if expected_text == actual_text:
    print(f"ok   golden {name}: {summary(actual)}")
    sys.exit(0)

diffs = list(differences(json.loads(expected_text), actual))
print(f"FAIL: golden {name}: the report differs from {expected_path} in {len(diffs)} field(s):", file=sys.stderr)
for line in diffs:
    print(f"  {line}", file=sys.stderr)
diff = list(difflib.unified_diff(expected_text.splitlines(keepends=True), actual_text.splitlines(keepends=True),
                                 fromfile=f"expected {name}.json", tofile="actual (rampart analyze --json)"))
limit = 300
sys.stderr.writelines(diff[:limit])
if len(diff) > limit:
    print(f"... {len(diff) - limit} more diff lines", file=sys.stderr)
print(f"expected: {summary(expected)}\nactual:   {summary(actual)}\n"
      "If the change is intended: UPDATE_GOLDEN=1 ctest -L golden, then review and commit the result/ diff.",
      file=sys.stderr)
sys.exit(1)
PY
