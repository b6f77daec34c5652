// SPDX-License-Identifier: Apache-2.0
#include "runtime/mitigation_planes.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "mitigate/bgp/exabgp_backend.h"
#include "mitigate/nft/nft_backend.h"

namespace rampart::runtime {
namespace {

mitigate::xdp::AttachMode attachMode(const std::string& mode) {
  if (mode == "native") return mitigate::xdp::AttachMode::kNative;
  if (mode == "generic") return mitigate::xdp::AttachMode::kGeneric;
  return mitigate::xdp::AttachMode::kAuto;
}

}  // namespace

core::Result<MitigationPlanes, std::string> openMitigation(const Settings& config, EventSink& out) {
  using R = core::Result<MitigationPlanes, std::string>;
  const MitigationSettings& m = config.mitigation;
  MitigationPlanes planes;

  std::vector<std::string> xdp_interfaces;
  if (m.data_plane == "xdp") xdp_interfaces = m.xdp_interfaces;
  for (const SensorSettings& s : config.run.sensors) {
    if (s.type == SensorSettings::Type::kXdp &&
        std::find(xdp_interfaces.begin(), xdp_interfaces.end(), s.interface) == xdp_interfaces.end()) {
      xdp_interfaces.push_back(s.interface);
    }
  }
  std::unique_ptr<mitigate::xdp::XdpBackend> xdp;
  if (!xdp_interfaces.empty()) {
    auto opened = mitigate::xdp::XdpBackend::open(xdp_interfaces, attachMode(m.xdp_mode), m.policy.whitelist);
    if (!opened) return R::failure(opened.error());
    xdp = std::move(opened).value();
    planes.xdp = xdp.get();
    for (const std::string& mode : xdp->attachedModes()) spdlog::info("XDP program attached ({})", mode);
  }

  std::vector<std::unique_ptr<mitigate::MitigationBackend>> backends;
  if (m.data_plane == "xdp") {
    backends.push_back(std::move(xdp));
  } else {
    planes.xdp_for_sensing = std::move(xdp);
  }
  if (m.data_plane == "nftables") {
    auto nft = mitigate::nft::NftBackend::open(m.policy.whitelist);
    if (!nft) return R::failure(nft.error());
    spdlog::info("nftables table inet {} in place", mitigate::nft::NftBackend::kTable);
    backends.push_back(std::move(nft).value());
  }
  if (m.bgp.local_as != 0) {
    const mitigate::bgp::ExabgpConfig& c = m.bgp;
    auto bgp = mitigate::bgp::ExabgpBackend::open(c);
    if (!bgp) return R::failure(bgp.error());
    spdlog::info("BGP: ExaBGP peering with {} (AS {}) from {} (AS {})", c.peer_address, c.peer_as, c.local_address,
                 c.local_as);
    backends.push_back(std::move(bgp).value());
  }
  if (m.policy.enabled) {
    planes.mitigator = std::make_unique<Mitigator>(m.policy, std::move(backends), m.state_file, out);
    spdlog::info("mitigation on{}: data plane {}, hold {} s", m.policy.dry_run ? " (dry run: nothing is done)" : "",
                 m.data_plane.empty() ? "none" : m.data_plane, m.policy.hold_ns / 1'000'000'000ULL);
  }
  return planes;
}

}  // namespace rampart::runtime
