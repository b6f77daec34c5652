// SPDX-License-Identifier: Apache-2.0
#include "mitigate/nft/nft_backend.h"

#include <nftables/libnftables.h>

#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "mitigate/nft/nft_rule.h"

namespace rampart::mitigate::nft {
namespace {

uint64_t wallNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// Seconds left until a wall-clock expiry, at least one (nft timeouts are whole seconds here).
uint64_t secondsUntil(uint64_t expires_ns) {
  const uint64_t now = wallNs();
  return expires_ns > now ? std::max<uint64_t>(1, (expires_ns - now + 999'999'999ULL) / 1'000'000'000ULL) : 1;
}

std::string counterName(uint64_t id) { return fmt::format("r{}", id); }

// The table, its sets and chains. Priority -450: before defragmentation (-400) and conntrack, so
// that fragments are judged as they arrive and dropped packets cost no connection tracking.
std::string tableDefinition(const std::vector<core::Prefix>& whitelist) {
  std::string allow4;
  std::string allow6;
  for (const core::Prefix& p : whitelist) {
    std::string& list = p.isV4() ? allow4 : allow6;
    list += (list.empty() ? "" : ", ") + p.toString();
  }
  const auto elements = [](const std::string& list) {
    return list.empty() ? std::string() : " elements = { " + list + " };";
  };
  return fmt::format(
      "table inet {0} {{\n"
      "  set allow4 {{ type ipv4_addr; flags interval;{1} }}\n"
      "  set allow6 {{ type ipv6_addr; flags interval;{2} }}\n"
      "  set block4 {{ type ipv4_addr; flags interval, timeout; counter; }}\n"
      "  set block6 {{ type ipv6_addr; flags interval, timeout; counter; }}\n"
      "  chain prerouting {{\n"
      "    type filter hook prerouting priority -450; policy accept;\n"
      "    ip saddr @allow4 accept\n"
      "    ip6 saddr @allow6 accept\n"
      "    ip saddr @block4 drop\n"
      "    ip6 saddr @block6 drop\n"
      "    jump rules\n"
      "  }}\n"
      "  chain rules {{ }}\n"
      "}}\n",
      NftBackend::kTable, elements(allow4), elements(allow6));
}

}  // namespace

core::Result<std::unique_ptr<NftBackend>, std::string> NftBackend::open(const std::vector<core::Prefix>& whitelist) {
  using R = core::Result<std::unique_ptr<NftBackend>, std::string>;
  nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (ctx == nullptr) return R::failure("nftables: cannot create a context");
  (void)nft_ctx_buffer_output(ctx);
  (void)nft_ctx_buffer_error(ctx);
  std::unique_ptr<NftBackend> b(new NftBackend(ctx));
  // "add" then "delete" removes a table left by an earlier run without failing when there is none.
  const std::string fresh =
      fmt::format("add table inet {0}\ndelete table inet {0}\n", kTable) + tableDefinition(whitelist);
  if (auto s = b->run(fresh); !s) return R::failure(s.error());
  return b;
}

NftBackend::~NftBackend() {
  (void)run(fmt::format("delete table inet {}\n", kTable));
  nft_ctx_free(ctx_);
}

core::Status NftBackend::run(const std::string& commands) const {
  if (nft_run_cmd_from_buffer(ctx_, commands.c_str()) != 0) {
    std::string error = nft_ctx_get_error_buffer(ctx_);
    while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
    return core::failed("nftables: " + (error.empty() ? std::string("command failed") : error));
  }
  return core::okStatus();
}

std::string NftBackend::query(const std::string& command) const {
  nft_ctx_output_set_flags(ctx_, NFT_CTX_OUTPUT_JSON);
  const bool ok = nft_run_cmd_from_buffer(ctx_, command.c_str()) == 0;
  std::string out = ok ? nft_ctx_get_output_buffer(ctx_) : "";
  nft_ctx_output_set_flags(ctx_, 0);
  return out;
}

core::Status NftBackend::rewriteRules(const std::string& also) {
  std::string cmds = also + fmt::format("flush chain inet {} rules\n", kTable);
  for (const auto& [id, match] : rules_) {
    cmds += fmt::format("add rule inet {} rules {} counter name \"{}\" drop\n", kTable, match, counterName(id));
  }
  return run(cmds);
}

core::Status NftBackend::install(const Action& action, uint64_t expires_ns) {
  if (action.kind == ActionKind::kDropSource) {
    if (!action.rule.source) return core::failed("nftables: a source block without a source");
    const std::string element =
        fmt::format("{} {{ {} }}", action.rule.source->isV4() ? "block4" : "block6", nftElement(*action.rule.source));
    // A renewal replaces the element, with its new timeout, in one transaction.
    std::string cmds;
    if (sources_.contains(action.id)) cmds += fmt::format("delete element inet {} {}\n", kTable, element);
    cmds += fmt::format("add element inet {} {} {{ {} timeout {}s }}\n", kTable,
                        action.rule.source->isV4() ? "block4" : "block6", nftElement(*action.rule.source),
                        secondsUntil(expires_ns));
    if (auto s = run(cmds); !s) return s;
    sources_[action.id] = element;
    return core::okStatus();
  }
  const bool fresh = !rules_.contains(action.id);
  rules_[action.id] = nftMatch(action.rule);
  auto s = rewriteRules(fresh ? fmt::format("add counter inet {} {}\n", kTable, counterName(action.id)) : "");
  if (!s && fresh) rules_.erase(action.id);
  return s;
}

core::Status NftBackend::withdraw(const Action& action) {
  if (action.kind == ActionKind::kDropSource) {
    const auto it = sources_.find(action.id);
    if (it == sources_.end()) return core::okStatus();
    // An element whose timeout ran out is gone already: not an error.
    (void)run(fmt::format("delete element inet {} {}\n", kTable, it->second));
    sources_.erase(it);
    return core::okStatus();
  }
  if (rules_.erase(action.id) == 0) return core::okStatus();
  if (auto s = rewriteRules(""); !s) return s;
  return run(fmt::format("delete counter inet {} {}\n", kTable, counterName(action.id)));
}

std::optional<DropCount> NftBackend::dropped(const Action& action) const {
  if (action.kind != ActionKind::kDropSource) {
    if (!rules_.contains(action.id)) return std::nullopt;
    const auto j = nlohmann::json::parse(query(fmt::format("list counter inet {} {}", kTable, counterName(action.id))),
                                         nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    for (const auto& item : j.value("nftables", nlohmann::json::array())) {
      if (item.contains("counter"))
        return DropCount{item["counter"].value("packets", 0ULL), item["counter"].value("bytes", 0ULL)};
    }
    return std::nullopt;
  }
  if (!sources_.contains(action.id) || !action.rule.source) return std::nullopt;
  const char* set = action.rule.source->isV4() ? "block4" : "block6";
  const auto j = nlohmann::json::parse(query(fmt::format("list set inet {} {}", kTable, set)), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  const core::Prefix& p = *action.rule.source;
  for (const auto& item : j.value("nftables", nlohmann::json::array())) {
    if (!item.contains("set")) continue;
    for (const auto& e : item["set"].value("elem", nlohmann::json::array())) {
      if (!e.contains("elem")) continue;
      const auto& val = e["elem"]["val"];
      const bool same = val.is_string()
                            ? val.get<std::string>() == p.address().toString() && p.mappedLength() == 128
                            : val.contains("prefix") && val["prefix"].value("addr", "") == p.address().toString() &&
                                  val["prefix"].value("len", 0U) == p.length();
      if (same && e["elem"].contains("counter")) {
        return DropCount{e["elem"]["counter"].value("packets", 0ULL), e["elem"]["counter"].value("bytes", 0ULL)};
      }
    }
  }
  return std::nullopt;
}

}  // namespace rampart::mitigate::nft
