// SPDX-License-Identifier: Apache-2.0
#include "app/shield_settings.h"

#include <algorithm>

#include "shield/conn/endpoint.h"

namespace rampart::app {
namespace {

constexpr double kMaxPerSecond = 1e9;

void readRate(Reader& r, std::string_view key, std::string_view burst_key, shield::policy::Rate& rate) {
  r.number(key, rate.per_second, 0, kMaxPerSecond);
  rate.burst = std::max(rate.burst, rate.per_second);  // a burst below the rate would refuse steady clients
  r.number(burst_key, rate.burst, 1, kMaxPerSecond);
}

void readEndpoint(Reader& r, const toml::node& n, const std::string& text) {
  if (!shield::conn::Endpoint::parse(text)) {
    fail(r.source(), n.source(), fmt::format("'{}' is not an address:port such as 127.0.0.1:8080 or [::1]:80", text));
  }
}

void readUnderAttack(Reader& parent, const toml::table& t, shield::ShieldConfig& s) {
  Reader r(t, parent.source(), parent.qualified("under_attack"));
  std::string mode;
  if (r.string("mode", mode)) {
    if (mode == "on") {
      s.attack_mode.setting = shield::policy::ModeSetting::kOn;
    } else if (mode == "off") {
      s.attack_mode.setting = shield::policy::ModeSetting::kOff;
    } else if (mode == "auto") {
      s.attack_mode.setting = shield::policy::ModeSetting::kAuto;
    } else {
      fail(r.source(), t.get("mode")->source(), fmt::format("'{}' must be on, off or auto", r.qualified("mode")));
    }
  }
  shield::policy::AttackModeConfig& a = s.attack_mode;
  r.number("trigger_factor", a.trigger_factor, 1.5, 1000);
  r.number("min_rate", a.min_rate, 1, kMaxPerSecond);
  r.number("error_share", a.error_share, 0.01, 1);
  r.number("latency_factor", a.latency_factor, 1.5, 1000);
  r.number("min_latency_ms", a.min_latency_ms, 1, 600'000);
  r.number("calm_seconds", a.calm_seconds, 1, 86400);
  r.number("difficulty", a.difficulty, 1, 32);
  r.number("max_difficulty", a.max_difficulty, 1, 32);
  if (a.max_difficulty < a.difficulty) a.max_difficulty = a.difficulty;
  shield::policy::ChallengeConfig& c = s.challenge;
  if (r.string("secret", c.secret) && c.secret.size() < 16) {
    fail(r.source(), t.get("secret")->source(), "'shield.under_attack.secret' must be at least 16 characters");
  }
  r.number("pass_ttl_seconds", c.pass_ttl_s, 10, 30 * 86400);
  r.number("challenge_ttl_seconds", c.challenge_ttl_s, 10, 86400);
  r.number("nojs_delay_seconds", c.nojs_delay_s, 0, 600);
  if (c.nojs_delay_s >= c.challenge_ttl_s) {
    fail(r.source(), t.source(), "'nojs_delay_seconds' must be shorter than 'challenge_ttl_seconds'");
  }
  if (const toml::array* list = r.array("crawler")) {
    for (const toml::node& n : *list) {
      if (!n.is_table()) fail(r.source(), n.source(), "each [[shield.under_attack.crawler]] must be a table");
      Reader cr(*n.as_table(), r.source(), r.qualified("crawler"));
      shield::policy::CrawlerRule rule;
      if (!cr.string("user_agent", rule.user_agent) || rule.user_agent.empty()) {
        fail(r.source(), n.source(), "a [[shield.under_attack.crawler]] needs a 'user_agent'");
      }
      if (const toml::array* nets = cr.array("networks")) {
        for (const toml::node& net : *nets) {
          const auto text = net.value_exact<std::string>();
          const auto prefix = text ? core::Prefix::parse(*text) : std::nullopt;
          if (!prefix) fail(r.source(), net.source(), "'networks' holds prefixes such as 66.249.64.0/19");
          rule.networks.push_back(*prefix);
        }
      }
      if (rule.networks.empty()) {
        fail(r.source(), n.source(),
             "a [[shield.under_attack.crawler]] needs 'networks': a user agent alone is forged at will");
      }
      cr.checkNoUnknownKeys();
      s.crawlers.push_back(std::move(rule));
    }
  }
  r.checkNoUnknownKeys();
}

}  // namespace

void readShield(Reader& r, shield::ShieldConfig& s) {
  if (r.string("listen", s.listen)) readEndpoint(r, *r.table().get("listen"), s.listen);
  if (const toml::array* list = r.array("origins")) {
    for (const toml::node& n : *list) {
      const auto text = n.value_exact<std::string>();
      if (!text) fail(r.source(), n.source(), "each of 'shield.origins' must be a string");
      readEndpoint(r, n, *text);
      s.origins.push_back(*text);
    }
  }
  if (s.origins.empty()) fail(r.source(), r.table().source(), "[shield] needs 'origins': the site's own server(s)");
  r.number("workers", s.workers, 1, 256);
  if (std::string scheduling; r.string("scheduling", scheduling)) {
    if (scheduling != "batch" && scheduling != "normal") {
      fail(r.source(), r.table().get("scheduling")->source(), "'shield.scheduling' must be batch or normal");
    }
    s.batch_scheduling = scheduling == "batch";
  }
  r.number("max_connections", s.max_connections, 1, 10'000'000);
  r.number("max_origin_idle", s.max_origin_idle, 0, 100000);
  r.string("stats_file", s.stats_file);
  if (r.string("health_path", s.health_path) &&
      (!s.health_path.starts_with('/') ||
       std::any_of(s.health_path.begin(), s.health_path.end(), [](char ch) { return ch <= ' ' || ch == 0x7f; }))) {
    fail(r.source(), r.table().get("health_path")->source(), "'shield.health_path' must be a path such as /health");
  }
  r.number("health_interval_ms", s.health_interval_ms, 100, 3'600'000);
  r.number("health_timeout_ms", s.health_timeout_ms, 10, 60'000);

  if (const toml::table* t = r.subtable("limits")) {
    Reader lr(*t, r.source(), r.qualified("limits"));
    lr.number("max_head_bytes", s.http.max_head_bytes, 256, 1 << 20);
    lr.number("max_headers", s.http.max_headers, 1, 1000);
    lr.number("max_body_bytes", s.http.max_body_bytes, 0, 1ULL << 32);
    lr.checkNoUnknownKeys();
  }
  if (const toml::table* t = r.subtable("http2")) {
    Reader hr(*t, r.source(), r.qualified("http2"));
    shield::h2::Limits& h = s.http2;
    hr.boolean("enabled", h.enabled);
    hr.number("max_concurrent_streams", h.max_concurrent_streams, 1, 10'000);
    hr.number("reset_burst", h.reset_burst, 1, 1'000'000);
    hr.number("reset_rate", h.reset_rate, 1, 1'000'000);
    hr.number("window_bytes", h.window_bytes, 65'535, (1u << 31) - 1);
    hr.checkNoUnknownKeys();
  }
  if (const toml::table* t = r.subtable("deadlines")) {
    Reader dr(*t, r.source(), r.qualified("deadlines"));
    shield::Deadlines& d = s.deadlines;
    dr.number("header_ms", d.header_ms, 100, 600'000);
    dr.number("idle_ms", d.idle_ms, 100, 3'600'000);
    dr.number("body_grace_ms", d.body_grace_ms, 0, 600'000);
    dr.number("min_body_rate", d.min_body_rate, 0, 1u << 30);
    dr.number("send_grace_ms", d.send_grace_ms, 0, 600'000);
    dr.number("min_send_rate", d.min_send_rate, 0, 1u << 30);
    dr.number("origin_connect_ms", d.origin_connect_ms, 10, 600'000);
    dr.number("origin_response_ms", d.origin_response_ms, 10, 3'600'000);
    dr.checkNoUnknownKeys();
  }
  if (const toml::table* t = r.subtable("clients")) {
    Reader cr(*t, r.source(), r.qualified("clients"));
    shield::policy::ClientLimits& c = s.clients;
    cr.number("max_connections", c.max_connections, 1, 1'000'000);
    cr.number("max_network_connections", c.max_network_connections, 1, 10'000'000);
    readRate(cr, "new_connections", "new_connections_burst", c.new_connections);
    readRate(cr, "network_new_connections", "network_new_connections_burst", c.network_new_connections);
    readRate(cr, "requests", "requests_burst", c.requests);
    readRate(cr, "tls_handshakes", "tls_handshakes_burst", c.tls_handshakes);
    cr.number("max_tracked", c.max_tracked, 1024, 1ULL << 26);
    if (const toml::array* list = cr.array("path")) {
      for (const toml::node& n : *list) {
        if (!n.is_table()) fail(r.source(), n.source(), "each [[shield.clients.path]] must be a table");
        Reader pr(*n.as_table(), r.source(), cr.qualified("path"));
        shield::policy::PathRate p;
        if (!pr.string("prefix", p.path_prefix) || !p.path_prefix.starts_with('/')) {
          fail(r.source(), n.source(), "a [[shield.clients.path]] needs a 'prefix' starting with /");
        }
        readRate(pr, "requests", "burst", p.rate);
        pr.checkNoUnknownKeys();
        c.path_rates.push_back(std::move(p));
      }
    }
    cr.checkNoUnknownKeys();
  }
  if (const toml::table* t = r.subtable("under_attack")) readUnderAttack(r, *t, s);
  if (const toml::table* t = r.subtable("mitigation")) {
    Reader mr(*t, r.source(), r.qualified("mitigation"));
    s.hand_off = true;
    mr.string("control_socket", s.mitigation_socket);  // `rampart shield` needs it; `rampart run` hands over in-process
    mr.number("strikes", s.offenders.strikes, 1, 1'000'000'000);
    mr.number("window_seconds", s.offenders.window_seconds, 1, 86400);
    mr.number("block_seconds", s.offenders.block_seconds, 1, 30 * 86400);
    mr.checkNoUnknownKeys();
  }
  if (const toml::table* t = r.subtable("cache")) {
    Reader cr(*t, r.source(), r.qualified("cache"));
    shield::policy::CacheConfig& c = s.cache;
    cr.boolean("enabled", c.enabled);
    cr.number("max_bytes", c.max_bytes, 0, 1ULL << 36);
    cr.number("max_object_bytes", c.max_object_bytes, 0, 1ULL << 30);
    cr.number("default_ttl_ms", c.default_ttl_ms, 0, 3'600'000);
    cr.number("max_ttl_ms", c.max_ttl_ms, 0, 86'400'000);
    cr.number("stale_ms", c.stale_ms, 0, 86'400'000);
    if (const toml::array* paths = cr.array("keep_query_paths")) {
      for (const toml::node& n : *paths) {
        const auto path = n.value_exact<std::string>();
        if (!path || !path->starts_with('/'))
          fail(r.source(), n.source(), "'keep_query_paths' holds paths such as /search");
        c.keep_query_paths.push_back(*path);
      }
    }
    cr.checkNoUnknownKeys();
  }
  if (const toml::table* t = r.subtable("tls")) {
    Reader tr(*t, r.source(), r.qualified("tls"));
    if (!tr.string("listen", s.tls.listen)) fail(r.source(), t->source(), "[shield.tls] needs 'listen'");
    readEndpoint(tr, *t->get("listen"), s.tls.listen);
    if (const toml::array* list = tr.array("certificate")) {
      for (const toml::node& n : *list) {
        if (!n.is_table()) fail(r.source(), n.source(), "each [[shield.tls.certificate]] must be a table");
        Reader cr(*n.as_table(), r.source(), tr.qualified("certificate"));
        shield::TlsCertificate c;
        if (!cr.string("cert", c.cert) || !cr.string("key", c.key)) {
          fail(r.source(), n.source(), "a [[shield.tls.certificate]] needs 'cert' and 'key' (PEM files)");
        }
        cr.checkNoUnknownKeys();
        s.tls.certificates.push_back(std::move(c));
      }
    }
    if (s.tls.certificates.empty()) fail(r.source(), t->source(), "[shield.tls] needs a [[shield.tls.certificate]]");
    tr.checkNoUnknownKeys();
  }
  s.challenge.difficulty = s.attack_mode.difficulty;
  s.challenge.max_difficulty = s.attack_mode.max_difficulty;
  r.checkNoUnknownKeys();
}

}  // namespace rampart::app
