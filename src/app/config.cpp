// SPDX-License-Identifier: Apache-2.0
#include "app/config.h"

#include "app/config_reader.h"
#include "app/shield_settings.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <fstream>
#include <set>
#include <sstream>

namespace rampart::app {
namespace {

constexpr double kMaxRate = 1e15;

void readThresholds(Reader& r, detect::Thresholds& t) {
  r.number("pps", t.pps, 0, kMaxRate);
  r.number("bps", t.bps, 0, kMaxRate);
  if (const toml::table* vectors = r.subtable("vectors")) {
    Reader vr(*vectors, r.source(), r.qualified("vectors"));
    for (const auto& [key, node] : *vectors) {
      const auto vec = detect::vectorFromString(key.str());
      if (!vec || *vec == detect::AttackVector::kCarpetBombing || *vec == detect::AttackVector::kUnclassified) {
        fail(r.source(), key.source(),
             fmt::format("unknown attack vector '{}' (see docs/configuration.md)", key.str()));
      }
      uint64_t pps = 0;
      vr.number(key.str(), pps, 0, kMaxRate);
      t.setVectorPps(*vec, pps);
    }
  }
}

void readBaseline(Reader& r, detect::BaselineConfig& b) {
  b.enabled = true;  // a [baseline] table switches learning on unless it says otherwise
  r.boolean("enabled", b.enabled);
  r.number("factor", b.factor, 1.1, 1000);
  r.number("percentile", b.percentile, 0.5, 1.0);
  r.number("windows", b.windows, 10, 86400);
  r.number("min_windows", b.min_windows, 1, 86400);
  r.number("floor_pps", b.floor_pps, 1, kMaxRate);
  r.number("floor_bps", b.floor_bps, 1, kMaxRate);
  if (b.min_windows > b.windows) {
    fail(r.source(), r.table().source(),
         fmt::format("'{}' ({}) cannot exceed '{}' ({}): the profile would never be ready", r.qualified("min_windows"),
                     b.min_windows, r.qualified("windows"), b.windows));
  }
  r.checkNoUnknownKeys();
}

std::vector<std::string> strings(Reader& r, std::string_view key) {
  std::vector<std::string> out;
  if (const toml::array* list = r.array(key)) {
    for (const toml::node& n : *list) {
      const auto v = n.value_exact<std::string>();
      if (!v) fail(r.source(), n.source(), fmt::format("'{}' must list strings", r.qualified(key)));
      out.push_back(*v);
    }
  }
  return out;
}

std::vector<core::Prefix> prefixes(Reader& r, std::string_view key) {
  std::vector<core::Prefix> out;
  if (const toml::array* list = r.array(key)) {
    for (const toml::node& n : *list) {
      const auto v = n.value_exact<std::string>();
      const auto p = v ? core::Prefix::parse(*v) : std::nullopt;
      if (!p) {
        fail(r.source(), n.source(),
             fmt::format("'{}': '{}' is not a network such as 192.0.2.0/24 or 2001:db8::/48", r.qualified(key),
                         v ? *v : std::string("(not a string)")));
      }
      out.push_back(*p);
    }
  }
  return out;
}

void readBgp(Reader& r, mitigate::bgp::ExabgpConfig& b) {
  r.string("exabgp", b.program);
  r.string("local_address", b.local_address);
  r.string("router_id", b.router_id);
  r.number("local_as", b.local_as, 1, 4294967295.0);
  r.string("peer_address", b.peer_address);
  r.number("peer_as", b.peer_as, 1, 4294967295.0);
  r.number("peer_port", b.peer_port, 1, 65535);
  r.string("next_hop", b.routes.next_hop);
  r.string("next_hop6", b.routes.next_hop6);
  r.string("work_dir", b.work_dir);
  if (r.table().contains("communities")) b.routes.communities = strings(r, "communities");
  const std::pair<const char*, const std::string*> addresses[] = {{"local_address", &b.local_address},
                                                                  {"peer_address", &b.peer_address},
                                                                  {"next_hop", &b.routes.next_hop},
                                                                  {"next_hop6", &b.routes.next_hop6}};
  for (const auto& [key, value] : addresses) {
    if (!core::IpAddress::parse(*value)) {
      fail(r.source(), r.table().source(), fmt::format("'{}': '{}' is not an address", r.qualified(key), *value));
    }
  }
  if (b.local_as == 0 || b.peer_as == 0) {
    fail(r.source(), r.table().source(), "[mitigation.bgp] needs local_as, peer_address and peer_as");
  }
  for (const std::string& c : b.routes.communities) {
    const auto colon = c.find(':');
    if (colon == std::string::npos || c.find_first_not_of("0123456789:") != std::string::npos ||
        c.find(':', colon + 1) != std::string::npos) {
      fail(r.source(), r.table().source(), fmt::format("community '{}' is not ASN:VALUE such as 65535:666", c));
    }
  }
  if (b.router_id.empty()) b.router_id = b.local_address;
  r.checkNoUnknownKeys();
}

void readMitigation(Reader& r, runtime::MitigationSettings& m) {
  mitigate::MitigationConfig& p = m.policy;
  p.enabled = true;  // a [mitigation] table switches it on unless it says otherwise
  r.boolean("enabled", p.enabled);
  r.boolean("dry_run", p.dry_run);
  double seconds = 0;
  if (r.number("hold_seconds", seconds, 0, 86400 * 30)) p.hold_ns = static_cast<uint64_t>(seconds * 1e9);
  if (r.number("ttl_seconds", seconds, 10, 86400 * 30)) p.ttl_ns = static_cast<uint64_t>(seconds * 1e9);
  r.boolean("drop_fingerprint", p.drop_fingerprint);
  r.number("min_fingerprint_coverage", p.min_fingerprint_coverage, 0.5, 1.0);
  r.number("min_fingerprint_fields", p.min_fingerprint_fields, 1, 7);
  r.boolean("drop_sources", p.drop_sources);
  r.number("max_attack_sources", p.max_attack_sources, 1, 1e9);
  r.number("min_source_share", p.min_source_share, 0.0, 1.0);
  r.boolean("flowspec", p.flowspec);
  r.boolean("blackhole", p.blackhole);
  r.number("blackhole_min_bps", p.blackhole_min_bps, 0, kMaxRate);
  r.number("max_rules", p.max_rules, 0, 1e7);
  r.number("max_sources", p.max_sources, 0, 1e7);
  r.number("max_announcements", p.max_announcements, 0, 1e6);
  p.whitelist = prefixes(r, "whitelist");
  r.string("state_file", m.state_file);
  if (r.string("data_plane", m.data_plane) && m.data_plane != "xdp" && m.data_plane != "nftables" &&
      m.data_plane != "none") {
    fail(r.source(), r.table().source(), fmt::format("unknown data_plane '{}' (xdp, nftables or none)", m.data_plane));
  }
  if (m.data_plane == "none") m.data_plane.clear();
  m.xdp_interfaces = strings(r, "xdp_interfaces");
  if (r.string("xdp_mode", m.xdp_mode) && m.xdp_mode != "auto" && m.xdp_mode != "native" && m.xdp_mode != "generic") {
    fail(r.source(), r.table().source(), fmt::format("unknown xdp_mode '{}' (auto, native or generic)", m.xdp_mode));
  }
  if (m.data_plane == "xdp" && m.xdp_interfaces.empty()) {
    fail(r.source(), r.table().source(), "data_plane = \"xdp\" needs xdp_interfaces = [\"eth0\", ...]");
  }
  bool has_bgp = false;
  if (const toml::table* bgp = r.subtable("bgp")) {
    Reader br(*bgp, r.source(), r.qualified("bgp"));
    readBgp(br, m.bgp);
    has_bgp = true;
  }
  if ((p.flowspec || p.blackhole) && !has_bgp) {
    fail(r.source(), r.table().source(), "flowspec and blackhole announce routes: they need a [mitigation.bgp] table");
  }
  if (const toml::array* list = r.array("notify")) {
    for (const toml::node& n : *list) {
      if (!n.is_table()) fail(r.source(), n.source(), "each [[mitigation.notify]] must be a table");
      Reader nr(*n.as_table(), r.source(), r.qualified("notify"));
      runtime::NotifySettings ns;
      nr.string("script", ns.script);
      nr.string("webhook", ns.webhook);
      nr.number("timeout_seconds", ns.timeout_seconds, 0.1, 600);
      if (ns.script.empty() == ns.webhook.empty()) {
        fail(r.source(), n.source(), "a [[mitigation.notify]] needs either script or webhook");
      }
      if (!ns.webhook.empty() && ns.webhook.rfind("http://", 0) != 0 && ns.webhook.rfind("https://", 0) != 0) {
        fail(r.source(), n.source(), fmt::format("webhook '{}' must be an http:// or https:// URL", ns.webhook));
      }
      nr.checkNoUnknownKeys();
      m.notify.push_back(std::move(ns));
    }
  }
  r.checkNoUnknownKeys();
}

void readGroup(Reader& r, detect::HostGroup& g) {
  readThresholds(r, g.host);
  r.number("fingerprint_min_share", g.fingerprint_min_share, 0.5, 1.0);
  if (const toml::table* baseline = r.subtable("baseline")) {
    Reader br(*baseline, r.source(), r.qualified("baseline"));
    readBaseline(br, g.baseline);
  }
  if (const toml::table* prefix = r.subtable("prefix")) {
    Reader pr(*prefix, r.source(), r.qualified("prefix"));
    readThresholds(pr, g.prefix);
    pr.number("carpet_min_hosts", g.carpet_min_hosts, 2, 1e9);
    pr.number("carpet_max_host_share", g.carpet_max_host_share, 0.01, 1.0);
    pr.checkNoUnknownKeys();
  }
}

}  // namespace

Config parseConfig(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw ConfigError(fmt::format("{}:{}: {}", source, e.source().begin.line, e.description()));
  }
  Config cfg;
  Reader top(root, source, "");

  if (const toml::table* t = top.subtable("detection")) {
    Reader r(*t, source, "detection");
    double hold = 5;
    if (r.number("hold_down_seconds", hold, 0, 86400))
      cfg.analyzer.detector.hold_down_ns = static_cast<uint64_t>(hold * 1e9);
    r.number("hysteresis", cfg.analyzer.detector.hysteresis, 0.05, 1.0);
    r.number("top_n", cfg.analyzer.detector.top_n, 1, 1000);
    uint64_t window_ms = 1000;
    if (r.number("window_ms", window_ms, 100, 60000)) cfg.analyzer.window_ns = window_ms * 1'000'000;
    r.checkNoUnknownKeys();
  }
  if (const toml::table* t = top.subtable("traffic")) {
    Reader r(*t, source, "traffic");
    auto& tc = cfg.analyzer.traffic;
    r.number("max_hosts", tc.max_hosts, 1, 1 << 24);
    r.number("max_prefixes", tc.max_prefixes, 1, 1 << 22);
    r.number("max_deep", tc.max_deep, 0, 1 << 20);
    r.number("sample_size", tc.sample_capacity, 16, 1 << 20);
    r.number("aggregate_v4", tc.aggregate_v4, 8, 32);
    r.number("aggregate_v6", tc.aggregate_v6, 16, 128);
    r.checkNoUnknownKeys();
  }
  if (const toml::table* t = top.subtable("geoip")) {
    Reader r(*t, source, "geoip");
    r.string("country", cfg.geo.country_db);
    r.string("asn", cfg.geo.asn_db);
    r.checkNoUnknownKeys();
  }
  if (const toml::table* t = top.subtable("events")) {
    Reader r(*t, source, "events");
    r.string("file", cfg.run.events);
    r.checkNoUnknownKeys();
  }
  if (const toml::table* t = top.subtable("capture")) {
    Reader r(*t, source, "capture");
    r.number("workers", cfg.run.capture_workers, 1, 64);
    r.checkNoUnknownKeys();
  }
  if (const toml::table* t = top.subtable("stats")) {
    Reader r(*t, source, "stats");
    r.string("file", cfg.run.stats);
    r.checkNoUnknownKeys();
  }
  if (const toml::table* t = top.subtable("control")) {
    Reader r(*t, source, "control");
    r.string("socket", cfg.run.control_socket);
    r.checkNoUnknownKeys();
  }
  if (const toml::table* t = top.subtable("mitigation")) {
    Reader r(*t, source, "mitigation");
    readMitigation(r, cfg.mitigation);
  }
  if (const toml::table* t = top.subtable("shield")) {
    Reader r(*t, source, "shield");
    cfg.shield.emplace();
    readShield(r, *cfg.shield);
  }
  if (const toml::array* list = top.array("sensor")) {
    for (const toml::node& node : *list) {
      if (!node.is_table()) fail(source, node.source(), "each [[sensor]] must be a table");
      Reader r(*node.as_table(), source, "sensor");
      runtime::SensorSettings sensor;
      std::string type;
      if (!r.string("type", type))
        fail(source, node.source(), "[[sensor]] needs a type (af_packet, xdp, sflow, netflow)");
      if (type == "af_packet") {
        if (!r.string("interface", sensor.interface) || sensor.interface.empty()) {
          fail(source, node.source(), "an af_packet sensor needs an interface");
        }
        r.number("sample_one_in", sensor.sample_one_in, 1, 1 << 20);
      } else if (type == "xdp") {
        sensor.type = runtime::SensorSettings::Type::kXdp;
        if (!r.string("interface", sensor.interface) || sensor.interface.empty()) {
          fail(source, node.source(), "an xdp sensor needs an interface");
        }
        sensor.sample_one_in = 64;
        r.number("sample_one_in", sensor.sample_one_in, 1, 1 << 20);
      } else if (type == "sflow" || type == "netflow") {
        sensor.type = type == "sflow" ? runtime::SensorSettings::Type::kSflow : runtime::SensorSettings::Type::kNetflow;
        if (!r.string("listen", sensor.listen) || sensor.listen.empty()) {
          fail(source, node.source(),
               fmt::format("a {} sensor needs listen = \"ADDRESS:PORT\", e.g. \"0.0.0.0:{}\"", type,
                           type == "sflow" ? 6343 : 2055));
        }
      } else {
        fail(source, node.source(), fmt::format("unknown sensor type '{}' (af_packet, xdp, sflow, netflow)", type));
      }
      r.checkNoUnknownKeys();
      cfg.run.sensors.push_back(std::move(sensor));
    }
  }
  detect::HostGroup defaults;
  if (const toml::table* t = top.subtable("defaults")) {
    Reader r(*t, source, "defaults");
    readGroup(r, defaults);
    r.checkNoUnknownKeys();
  }
  auto& groups = cfg.analyzer.detector.groups;
  groups.assign(1, defaults);  // group 0: the defaults, used when no group is configured
  if (const toml::array* list = top.array("group")) {
    groups.clear();
    std::set<std::string> names;
    for (const toml::node& node : *list) {
      if (!node.is_table()) fail(source, node.source(), "each [[group]] must be a table");
      Reader r(*node.as_table(), source, "group");
      detect::HostGroup g = defaults;
      if (!r.string("name", g.name)) fail(source, node.source(), "[[group]] needs a name");
      if (!names.insert(g.name).second) fail(source, node.source(), fmt::format("group '{}' is defined twice", g.name));
      const toml::array* nets = r.array("networks");
      if (nets == nullptr || nets->empty())
        fail(source, node.source(), fmt::format("group '{}' needs networks", g.name));
      const auto index = static_cast<uint32_t>(groups.size());
      for (const toml::node& n : *nets) {
        const auto net = n.value_exact<std::string>();
        const auto prefix = net ? core::Prefix::parse(*net) : std::nullopt;
        if (!prefix) {
          fail(source, n.source(),
               fmt::format("'{}' is not a network such as 192.0.2.0/24 or 2001:db8::/48",
                           net ? *net : std::string("(not a string)")));
        }
        if (!cfg.analyzer.networks.add(*prefix, index)) {
          fail(source, n.source(), fmt::format("network {} is listed twice", prefix->toString()));
        }
      }
      readGroup(r, g);
      r.checkNoUnknownKeys();
      groups.push_back(std::move(g));
    }
  }
  top.checkNoUnknownKeys();
  return cfg;
}

Config loadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot open the configuration file", path));
  std::stringstream text;
  text << in.rdbuf();
  return parseConfig(text.str(), path);
}

}  // namespace rampart::app
