#!/usr/bin/env bash
# `rampart analyze` as a user meets it: exit codes (0 no attack, 1 attacks, 2 bad input), clear
# errors for missing, foreign and damaged captures and for broken configuration, and a JSON report
# that parses and says what the text report says.
#   cli_test.sh RAMPART_BINARY SAMPLE_CAPTURE
set -uo pipefail
rampart=$1
sample=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passed=0

check() {  # check NAME EXPECTED_EXIT PATTERN -- command...
  local name=$1 want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -ne $want ]]; then
    echo "FAIL $name: exit $rc, expected $want"; echo "$out" | head -20; failures=$((failures + 1)); return
  fi
  if ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: output lacks /$pattern/"; echo "$out" | head -20; failures=$((failures + 1)); return
  fi
  echo "ok   $name"
  passed=$((passed + 1))
}

check no-arguments 2 "analyze" -- "$rampart"
check missing-capture 2 "^rampart: .*nope.pcap" -- "$rampart" analyze "$work/nope.pcap"
echo "this is not a capture" >"$work/text.pcap"
check foreign-file 2 "^rampart: .*text.pcap" -- "$rampart" analyze "$work/text.pcap"
head -c 100000 "$sample" >"$work/cut.pcap"
check damaged-capture 2 "^rampart: .*cut.pcap.*(truncated|damaged|short)" -- "$rampart" analyze "$work/cut.pcap"
printf '[defaults]\npps = "many"\n' >"$work/bad.toml"
check bad-config 2 "bad.toml:2: 'defaults.pps' must be a whole number" -- "$rampart" analyze -c "$work/bad.toml" "$sample"
check check-config-valid 0 "valid \\(2 host groups\\)" -- "$rampart" check-config "$(dirname "$0")/../../config/rampart.toml"
check check-config-invalid 2 "bad.toml:2: 'defaults.pps' must be a whole number" -- "$rampart" check-config "$work/bad.toml"
printf '[shield]\norigins = ["127.0.0.1:8080"]\n' >"$work/shield.toml"
check shield-batch-default 0 "shield 127.0.0.1:8080 -> 127.0.0.1:8080, HTTP/2 on, batch scheduling" -- \
  "$rampart" check-config "$work/shield.toml"
printf 'scheduling = "normal"\n' >>"$work/shield.toml"
check shield-normal 0 "HTTP/2 on, normal scheduling" -- "$rampart" check-config "$work/shield.toml"
printf '[shield]\norigins = ["127.0.0.1:8080"]\nscheduling = "fifo"\n' >"$work/shield-bad.toml"
check shield-bad-scheduling 2 "shield-bad.toml:3: 'shield.scheduling' must be batch or normal" -- \
  "$rampart" check-config "$work/shield-bad.toml"
check bad-threshold 2 "expected VECTOR=PPS" -- "$rampart" analyze --threshold syn=5 "$sample"
check sample-text 1 "3 attacks found" -- "$rampart" analyze --geoip-dir "$work" "$sample"
check high-threshold-quiet 0 "No attack found" -- "$rampart" analyze --geoip-dir "$work" --threshold-pps 10000000 \
  --threshold-bps 100000000000 --prefix-threshold-pps 100000000 --prefix-threshold-bps 100000000000 \
  --threshold syn-flood=0 --threshold ntp-amplification=0 --threshold dns-amplification=0 "$sample"

"$rampart" analyze --json --geoip-dir "$work" "$sample" >"$work/report.json"
rc=$?
if [[ $rc -eq 1 ]] && python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "rampart.analyze/1", r["schema"]
attacks = {a["target"]: a for a in r["attacks"]}
assert set(attacks) == {"192.0.2.80", "192.0.2.25", "198.18.7.0/24"}, attacks.keys()
syn = attacks["192.0.2.80"]
assert syn["vectors"][0]["name"] == "syn-flood" and syn["spoofing_likely"], syn["vectors"]
assert syn["fingerprint"]["dst_port"] == 443 and syn["fingerprint"]["tcp_flags"] == 2, syn["fingerprint"]
ntp = attacks["192.0.2.25"]
assert ntp["vectors"][0]["name"] == "ntp-amplification" and ntp["fingerprint"]["src_port"] == 123
carpet = attacks["198.18.7.0/24"]
assert carpet["target_kind"] == "prefix"
assert {"carpet-bombing", "dns-amplification"} <= {v["name"] for v in carpet["vectors"]}
assert r["summary"]["attacks"] == 3 and r["summary"]["packets"] > 100000
PY
then
  echo "ok   json-report"; passed=$((passed + 1))
else
  echo "FAIL json-report (exit $rc)"; failures=$((failures + 1))
fi

echo "cli: $passed passed, $failures failed"
[[ $failures -eq 0 ]]
