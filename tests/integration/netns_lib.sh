# SPDX-License-Identifier: Apache-2.0
# Shared by the network-namespace tests: two namespaces joined by a veth pair (veth-a in the
# attacker's, veth-v in the victim's), addresses that exist only inside them, skip-or-fail rules and
# a cleanup that always runs. Set NS_PREFIX, ATTACKER and VICTIM, then source this file; it sets
# NS_A, NS_V, TMP, BG_PIDS and installs the traps.
# shellcheck shell=bash

readonly NS_A=$NS_PREFIX-a-$$ # attacker
readonly NS_V=$NS_PREFIX-v-$$ # victim

unavailable() {
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAIL: $1 (CI=true, so this test may not be skipped)" >&2
    exit 1
  fi
  echo "SKIP: $1"
  exit 77
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# require_root_and_tools TOOL...: skip (fail under CI=true) unless root with every tool present.
require_root_and_tools() {
  [[ $(id -u) -eq 0 ]] || unavailable "needs root to create network namespaces (run as root, e.g. sudo ctest -L integration)"
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || unavailable "$tool is not installed (Debian: apt-get install hping3 tcpdump iproute2 coreutils python3)"
  done
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/$NS_PREFIX.XXXXXX")
BG_PIDS=()
CREATED_NS=()

cleanup() {
  local pid ns
  for pid in "${BG_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for ns in "${CREATED_NS[@]}"; do
    # Anything still running inside our namespaces was started by this script.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Namespaces left by an earlier run of this test that was killed (e.g. by the ctest timeout): the
# name ends with the pid of the script that made it, and that script is gone.
remove_stale_namespaces() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    [[ "$ns" =~ ^$NS_PREFIX-[av]-([0-9]+)$ ]] || continue
    kill -0 "${BASH_REMATCH[1]}" 2>/dev/null && continue
    echo "removing stale namespace $ns"
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}

setup_namespaces() {
  remove_stale_namespaces
  if ! ip netns add "$NS_A" 2>"$TMP/netns.err"; then
    unavailable "'ip netns add' is not permitted here: $(cat "$TMP/netns.err")"
  fi
  CREATED_NS+=("$NS_A")
  ip netns add "$NS_V"
  CREATED_NS+=("$NS_V")
  # Both ends are created directly inside the namespaces: nothing appears in the root namespace.
  ip link add veth-a netns "$NS_A" type veth peer name veth-v netns "$NS_V"
  ip -n "$NS_A" addr add "$ATTACKER/24" dev veth-a
  ip -n "$NS_V" addr add "$VICTIM/24" dev veth-v
  local ns
  for ns in "$NS_A" "$NS_V"; do ip -n "$ns" link set lo up; done
  ip -n "$NS_A" link set veth-a up
  ip -n "$NS_V" link set veth-v up

  # Wait until the link carries traffic: both ends up and an echo request answered (this also
  # resolves the victim's MAC address before any capture starts).
  local i
  for ((i = 0; i < 50; i++)); do
    if ip -n "$NS_A" link show veth-a | grep -q 'state UP' && ip -n "$NS_V" link show veth-v | grep -q 'state UP' &&
      ip netns exec "$NS_A" timeout 2 hping3 -1 -c 1 "$VICTIM" 2>/dev/null | grep -q "ip=$VICTIM .*icmp_seq="; then
      return 0
    fi
    sleep 0.2
  done
  fail "the veth link between $NS_A and $NS_V did not come up"
}

