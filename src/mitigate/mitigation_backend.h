// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "mitigate/action.h"

namespace rampart::mitigate {

struct DropCount {
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

// A data plane that carries out actions: XDP in the host, nftables, a BGP speaker upstream. Owned
// by the module that uses it (the engine decides, a backend only does). install() and withdraw()
// are idempotent: installing what is in force updates it (a renewal), withdrawing what is not is
// no error, so a restart can re-apply everything safely. `expires_ns` is the wall-clock time the
// data plane should drop the action by itself if Rampart is gone by then.
class MitigationBackend {
 public:
  virtual ~MitigationBackend() = default;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  [[nodiscard]] virtual bool handles(ActionKind kind) const noexcept = 0;
  [[nodiscard]] virtual core::Status install(const Action& action, uint64_t expires_ns) = 0;
  [[nodiscard]] virtual core::Status withdraw(const Action& action) = 0;
  // What the action dropped so far, where the data plane counts it.
  [[nodiscard]] virtual std::optional<DropCount> dropped(const Action& action) const {
    (void)action;
    return std::nullopt;
  }
};

}  // namespace rampart::mitigate
