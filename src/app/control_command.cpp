// SPDX-License-Identifier: Apache-2.0
#include "app/control_command.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "api/unix/control_socket.h"
#include "app/analyze_command.h"
#include "app/config.h"
#include "report/analysis_report.h"

namespace rampart::app {
namespace {

constexpr const char* kDefaultSocket = "/run/rampart/control.sock";

struct ControlArgs {
  std::string socket;
  std::string config;
  bool json = false;
  bool journal = false;
  // block
  std::string kind;
  std::string source;
  std::string destination;
  std::string protocol;
  int src_port = -1;
  int dst_port = -1;
  std::string length;
  int tcp_flags = -1;
  std::string ttl;
  bool fragments = false;
  double duration = 0;
  std::string reason;
  uint64_t id = 0;
};

void addTarget(CLI::App* cmd, ControlArgs& a) {
  cmd->add_option("--socket", a.socket, fmt::format("The daemon's control socket (default {})", kDefaultSocket));
  cmd->add_option("-c,--config", a.config, "Take the socket from this configuration's [control] socket");
}

// The socket to talk to: --socket, else the configuration's, else the default.
core::Result<std::string, std::string> socketOf(const ControlArgs& a) {
  if (!a.socket.empty()) return a.socket;
  if (a.config.empty()) return std::string(kDefaultSocket);
  try {
    const Config cfg = loadConfig(a.config);
    if (cfg.run.control_socket.empty()) {
      return core::Result<std::string, std::string>::failure(a.config + ": no [control] socket is configured");
    }
    return cfg.run.control_socket;
  } catch (const ConfigError& e) {
    return core::Result<std::string, std::string>::failure(e.what());
  }
}

int ask(const ControlArgs& a, const nlohmann::json& request, nlohmann::json& answer) {
  const auto path = socketOf(a);
  if (!path) {
    std::fprintf(stderr, "rampart: %s\n", path.error().c_str());
    return kExitError;
  }
  auto got = api::controlRequest(path.value(), request);
  if (!got) {
    std::fprintf(stderr, "rampart: %s\n", got.error().c_str());
    return kExitError;
  }
  answer = std::move(got).value();
  if (!answer.value("ok", false)) {
    std::fprintf(stderr, "rampart: %s\n", answer.value("error", std::string("refused")).c_str());
    return kExitError;
  }
  return 0;
}

std::string until(const nlohmann::json& action) {
  const uint64_t u = action.value("until_ns", uint64_t{0});
  if (u != 0) return report::isoTime(u);
  return action.value("attack", uint64_t{0}) != 0 ? "while the attack lasts" : "until removed";
}

int listBlocks(const ControlArgs& a) {
  nlohmann::json answer;
  if (const int rc = ask(a, {{"command", a.journal ? "journal" : "list"}}, answer); rc != 0) return rc;
  const nlohmann::json& items = answer[a.journal ? "journal" : "actions"];
  if (a.json) {
    std::puts(items.dump(2).c_str());
    return 0;
  }
  if (items.empty()) {
    std::puts(a.journal ? "no mitigation changes yet" : "no mitigation in force");
    return 0;
  }
  for (const auto& item : items) {
    const nlohmann::json& act = a.journal ? item["action"] : item;
    std::string line =
        fmt::format("#{:<5} {:<17} {}", act.value("id", 0), act.value("kind", ""), act["rule"].value("summary", ""));
    if (a.journal) {
      line = fmt::format("{} {:<8} {}  ({})", item.value("time", ""), item.value("event", ""), line,
                         item.value("outcome", ""));
    } else {
      line += fmt::format("  [{}{}]", until(act), act.value("dry_run", false) ? ", dry run" : "");
    }
    if (item.contains("dropped")) {
      line += fmt::format("  dropped {} packets", item["dropped"].value("packets", uint64_t{0}));
    }
    std::puts(line.c_str());
    std::printf("       %s\n", act.value("reason", "").c_str());
  }
  return 0;
}

int protocolNumber(const std::string& p) {
  if (p == "tcp") return 6;
  if (p == "udp") return 17;
  if (p == "icmp") return 1;
  if (p == "icmp6" || p == "icmpv6") return 58;
  try {
    const int n = std::stoi(p);
    return n >= 0 && n <= 255 ? n : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

bool parseRange(const std::string& text, int high, nlohmann::json& out) {
  const auto dash = text.find('-');
  try {
    const int lo = std::stoi(text.substr(0, dash));
    const int hi = dash == std::string::npos ? lo : std::stoi(text.substr(dash + 1));
    if (lo < 0 || hi < lo || hi > high) return false;
    out = {lo, hi};
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

int block(const ControlArgs& a) {
  nlohmann::json rule = nlohmann::json::object();
  if (!a.source.empty()) {
    rule["source"] = a.source;
    rule["destination"] = a.source.find(':') == std::string::npos ? "0.0.0.0/0" : "::/0";
  }
  if (!a.destination.empty()) rule["destination"] = a.destination;
  if (!rule.contains("destination")) {
    std::fputs("rampart: say what to block: --source PREFIX, or --destination PREFIX with fields\n", stderr);
    return kExitError;
  }
  if (!a.protocol.empty()) {
    const int p = protocolNumber(a.protocol);
    if (p < 0) {
      std::fprintf(stderr, "rampart: --protocol '%s' is not tcp, udp, icmp, icmp6 or 0..255\n", a.protocol.c_str());
      return kExitError;
    }
    rule["protocol"] = p;
  }
  if (a.src_port >= 0) rule["src_port"] = a.src_port;
  if (a.dst_port >= 0) rule["dst_port"] = a.dst_port;
  if (a.tcp_flags >= 0) rule["tcp_flags"] = a.tcp_flags;
  if (a.fragments) rule["fragments_only"] = true;
  for (const auto& [text, key, high] : {std::tuple{a.length, "length", 65535}, std::tuple{a.ttl, "ttl", 255}}) {
    if (text.empty()) continue;
    nlohmann::json r;
    if (!parseRange(text, high, r)) {
      std::fprintf(stderr, "rampart: --%s '%s' is not N or LOW-HIGH (up to %d)\n", key, text.c_str(), high);
      return kExitError;
    }
    rule[key] = r;
  }
  const std::string kind = !a.kind.empty() ? a.kind : (a.source.empty() ? "drop-fingerprint" : "drop-source");
  nlohmann::json answer;
  const int rc =
      ask(a, {{"command", "block"}, {"kind", kind}, {"rule", rule}, {"duration_s", a.duration}, {"reason", a.reason}},
          answer);
  if (rc != 0) return rc;
  const auto& act = answer["action"];
  std::printf("#%llu %s %s [%s]\n", static_cast<unsigned long long>(act.value("id", uint64_t{0})),
              act.value("kind", "").c_str(), act["rule"].value("summary", "").c_str(), until(act).c_str());
  return 0;
}

int unblock(const ControlArgs& a) {
  nlohmann::json answer;
  const int rc = ask(a, {{"command", "unblock"}, {"id", a.id}}, answer);
  if (rc == 0) std::printf("#%llu withdrawn\n", static_cast<unsigned long long>(a.id));
  return rc;
}

}  // namespace

void addControlCommands(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ControlArgs>();
  CLI::App* list = app.add_subcommand("blocks", "List the mitigations a running daemon has in force");
  addTarget(list, *args);
  list->add_flag("--json", args->json, "Print JSON");
  list->add_flag("--journal", args->journal, "The recent changes instead: what was done, why, what it dropped");
  list->callback([args, &exit_code] { exit_code = listBlocks(*args); });

  CLI::App* add = app.add_subcommand("block", "Block by hand, on a running daemon");
  addTarget(add, *args);
  add->add_option("--source", args->source, "Drop everything from this address or network");
  add->add_option("--destination", args->destination, "Drop what matches the fields below, towards this network");
  add->add_option("--protocol", args->protocol, "tcp, udp, icmp, icmp6 or a number");
  add->add_option("--src-port", args->src_port, "Source port")->check(CLI::Range(0, 65535));
  add->add_option("--dst-port", args->dst_port, "Destination port (ICMP: type * 256 + code)")
      ->check(CLI::Range(0, 65535));
  add->add_option("--length", args->length, "IP length, N or LOW-HIGH");
  add->add_option("--tcp-flags", args->tcp_flags, "TCP flags, all eight bits (2 = SYN)")->check(CLI::Range(0, 255));
  add->add_option("--ttl", args->ttl, "TTL or hop limit, N or LOW-HIGH");
  add->add_flag("--fragments", args->fragments, "Fragments only");
  add->add_option("--kind", args->kind,
                  "drop-source, drop-fingerprint, flowspec or blackhole (default: by the fields)");
  add->add_option("--duration", args->duration, "Seconds until it is withdrawn (0: until unblocked)")
      ->check(CLI::NonNegativeNumber);
  add->add_option("--reason", args->reason, "Why, for the record");
  add->callback([args, &exit_code] { exit_code = block(*args); });

  CLI::App* rm = app.add_subcommand("unblock", "Withdraw a mitigation by its number (see rampart blocks)");
  addTarget(rm, *args);
  rm->add_option("id", args->id, "The mitigation's number")->required();
  rm->callback([args, &exit_code] { exit_code = unblock(*args); });
}

}  // namespace rampart::app
