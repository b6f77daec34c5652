// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "mitigate/xdp/xdp_backend.h"
#include "runtime/mitigator.h"
#include "runtime/settings.h"

namespace rampart::runtime {

// What `rampart run` acts through: the mitigator with its data planes, and the XDP program when
// one is loaded (for mitigation, for the xdp sensor, or both: one program per daemon).
struct MitigationPlanes {
  std::unique_ptr<Mitigator> mitigator;                        // null without [mitigation]
  mitigate::xdp::XdpBackend* xdp = nullptr;                    // the loaded program's backend, wherever it is owned
  std::unique_ptr<mitigate::xdp::XdpBackend> xdp_for_sensing;  // owned here when it is not a data plane
};

// Opens the data planes the configuration asks for: XDP on its interfaces (and on those of xdp
// sensors), nftables, BGP. Fails with one clear line when one cannot be opened.
[[nodiscard]] core::Result<MitigationPlanes, std::string> openMitigation(const Settings& config, EventSink& out);

}  // namespace rampart::runtime
