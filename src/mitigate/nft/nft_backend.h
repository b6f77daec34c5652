// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "mitigate/mitigation_backend.h"

struct nft_ctx;

namespace rampart::mitigate::nft {

// Fingerprint drops and source blocks in nftables, where XDP cannot be attached: a table of
// Rampart's own ("inet rampart") hooked in prerouting before defragmentation and conntrack, with
// whitelist sets, timed source-block sets (the kernel expires their elements by itself) and a chain
// of fingerprint rules with named counters, rewritten in one transaction on every change. Driven
// through libnftables. The table is created afresh at open (a stale one from an earlier run is
// removed) and deleted when the backend is destroyed.
class NftBackend final : public MitigationBackend {
 public:
  static constexpr const char* kTable = "rampart";

  static core::Result<std::unique_ptr<NftBackend>, std::string> open(const std::vector<core::Prefix>& whitelist);
  ~NftBackend() override;
  NftBackend(const NftBackend&) = delete;
  NftBackend& operator=(const NftBackend&) = delete;

  [[nodiscard]] std::string_view name() const noexcept override { return "nftables"; }
  [[nodiscard]] bool handles(ActionKind kind) const noexcept override {
    return kind == ActionKind::kDropFingerprint || kind == ActionKind::kDropSource;
  }
  [[nodiscard]] core::Status install(const Action& action, uint64_t expires_ns) override;
  [[nodiscard]] core::Status withdraw(const Action& action) override;
  [[nodiscard]] std::optional<DropCount> dropped(const Action& action) const override;

 private:
  explicit NftBackend(nft_ctx* ctx) : ctx_(ctx) {}
  [[nodiscard]] core::Status run(const std::string& commands) const;
  [[nodiscard]] std::string query(const std::string& command) const;  // JSON output, "" on error
  [[nodiscard]] core::Status rewriteRules(const std::string& also);

  nft_ctx* ctx_;
  std::map<uint64_t, std::string> rules_;    // action id -> match expression
  std::map<uint64_t, std::string> sources_;  // action id -> "block4 { 198.51.100.7 }" set and element
};

}  // namespace rampart::mitigate::nft
