// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "mitigate/mitigation_backend.h"
#include "mitigate/xdp/xdp_program.h"

namespace rampart::mitigate::xdp {

// Fingerprint drops and source blocks in the XDP program, on every interface it is attached to.
// Keeps the rule sets per destination that the program reads (at most RAMPART_RULES_PER_DEST for
// one destination), one drop counter per action, and converts wall-clock expiry to the kernel's
// monotonic clock. The whitelist is installed once, at open.
class XdpBackend final : public MitigationBackend {
 public:
  static core::Result<std::unique_ptr<XdpBackend>, std::string> open(const std::vector<std::string>& interfaces,
                                                                     AttachMode mode,
                                                                     const std::vector<core::Prefix>& whitelist);

  [[nodiscard]] std::string_view name() const noexcept override { return "xdp"; }
  [[nodiscard]] bool handles(ActionKind kind) const noexcept override {
    return kind == ActionKind::kDropFingerprint || kind == ActionKind::kDropSource;
  }
  [[nodiscard]] core::Status install(const Action& action, uint64_t expires_ns) override;
  [[nodiscard]] core::Status withdraw(const Action& action) override;
  [[nodiscard]] std::optional<DropCount> dropped(const Action& action) const override;

  [[nodiscard]] XdpProgram& program() noexcept { return program_; }
  [[nodiscard]] const std::vector<std::string>& attachedModes() const noexcept { return modes_; }

 private:
  explicit XdpBackend(XdpProgram program) : program_(std::move(program)) {}
  [[nodiscard]] core::Status writeRules(const core::Prefix& destination);
  [[nodiscard]] uint32_t counterFor(uint64_t action_id);

  XdpProgram program_;
  std::vector<std::string> modes_;  // "veth-v: native", one per interface
  // Destination (as text, a stable map key) -> its prefix and rules by action id.
  struct Destination {
    core::Prefix prefix;
    std::map<uint64_t, rampart_rule> rules;
  };
  std::map<std::string, Destination> destinations_;
  std::map<uint64_t, uint32_t> counters_;  // action id -> counter index
  std::vector<uint32_t> free_counters_;
  uint32_t next_counter_ = 0;
};

}  // namespace rampart::mitigate::xdp
