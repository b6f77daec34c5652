// SPDX-License-Identifier: Apache-2.0
#include "mitigate/action_json.h"

namespace rampart::mitigate {

using nlohmann::json;

json toJson(const FilterRule& r) {
  json j{{"destination", r.destination.toString()}, {"summary", r.toString()}};
  if (r.source) j["source"] = r.source->toString();
  if (r.protocol) j["protocol"] = *r.protocol;
  if (r.src_port) j["src_port"] = *r.src_port;
  if (r.dst_port) j["dst_port"] = *r.dst_port;
  if (r.length) j["length"] = {r.length->low, r.length->high};
  if (r.tcp_flags) j["tcp_flags"] = *r.tcp_flags;
  if (r.ttl) j["ttl"] = {r.ttl->low, r.ttl->high};
  if (r.fragments_only) j["fragments_only"] = true;
  return j;
}

json toJson(const Action& a) {
  return json{{"id", a.id},         {"kind", toString(a.kind)},   {"rule", toJson(a.rule)}, {"attack", a.attack_id},
              {"reason", a.reason}, {"created_ns", a.created_ns}, {"until_ns", a.until_ns}, {"dry_run", a.dry_run}};
}

namespace {

template <typename T>
bool number(const json& j, const char* key, T low, T high, std::optional<T>& out, std::string& error) {
  if (!j.contains(key)) return true;
  const json& v = j[key];
  if (!v.is_number_integer() || v.get<int64_t>() < static_cast<int64_t>(low) ||
      v.get<int64_t>() > static_cast<int64_t>(high)) {
    error =
        std::string("'") + key + "' must be a whole number from " + std::to_string(low) + " to " + std::to_string(high);
    return false;
  }
  out = static_cast<T>(v.get<int64_t>());
  return true;
}

template <typename T>
bool range(const json& j, const char* key, T high, std::optional<detect::Range<T>>& out, std::string& error) {
  if (!j.contains(key)) return true;
  const json& v = j[key];
  if (!v.is_array() || v.size() != 2 || !v[0].is_number_unsigned() || !v[1].is_number_unsigned() ||
      v[0].get<uint64_t>() > v[1].get<uint64_t>() || v[1].get<uint64_t>() > high) {
    error = std::string("'") + key + "' must be [low, high] with low <= high <= " + std::to_string(high);
    return false;
  }
  out = detect::Range<T>{static_cast<T>(v[0].get<uint64_t>()), static_cast<T>(v[1].get<uint64_t>())};
  return true;
}

std::optional<core::Prefix> prefix(const json& j, const char* key, std::string& error) {
  if (!j.contains(key) || !j[key].is_string()) {
    error = std::string("'") + key + "' must be a network such as 192.0.2.0/24";
    return std::nullopt;
  }
  auto p = core::Prefix::parse(j[key].get<std::string>());
  if (!p)
    error = std::string("'") + key + "': '" + j[key].get<std::string>() + "' is not a network such as 192.0.2.0/24";
  return p;
}

}  // namespace

std::optional<FilterRule> ruleFromJson(const json& j, std::string& error) {
  if (!j.is_object()) {
    error = "a rule must be an object";
    return std::nullopt;
  }
  FilterRule r;
  const auto dst = prefix(j, "destination", error);
  if (!dst) return std::nullopt;
  r.destination = *dst;
  if (j.contains("source")) {
    const auto src = prefix(j, "source", error);
    if (!src) return std::nullopt;
    r.source = *src;
  }
  if (!number<uint8_t>(j, "protocol", 0, 255, r.protocol, error) ||
      !number<uint16_t>(j, "src_port", 0, 65535, r.src_port, error) ||
      !number<uint16_t>(j, "dst_port", 0, 65535, r.dst_port, error) ||
      !number<uint8_t>(j, "tcp_flags", 0, 255, r.tcp_flags, error) ||
      !range<uint16_t>(j, "length", 65535, r.length, error) || !range<uint8_t>(j, "ttl", 255, r.ttl, error)) {
    return std::nullopt;
  }
  if (!optionalBool(j, "fragments_only", r.fragments_only, error)) return std::nullopt;
  return r;
}

bool optionalUnsigned(const json& j, const char* key, uint64_t& out, std::string& error) {
  if (!j.contains(key)) return true;
  if (!j[key].is_number_unsigned()) {
    error = std::string("'") + key + "' must be a whole number, 0 or more";
    return false;
  }
  out = j[key].get<uint64_t>();
  return true;
}

bool optionalString(const json& j, const char* key, std::string& out, std::string& error) {
  if (!j.contains(key)) return true;
  if (!j[key].is_string()) {
    error = std::string("'") + key + "' must be a string";
    return false;
  }
  out = j[key].get<std::string>();
  return true;
}

bool optionalBool(const json& j, const char* key, bool& out, std::string& error) {
  if (!j.contains(key)) return true;
  if (!j[key].is_boolean()) {
    error = std::string("'") + key + "' must be true or false";
    return false;
  }
  out = j[key].get<bool>();
  return true;
}

std::optional<Action> actionFromJson(const json& j, std::string& error) {
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string() || !j.contains("rule")) {
    error = "an action needs a kind and a rule";
    return std::nullopt;
  }
  Action a;
  if (!actionKindFromString(j["kind"].get<std::string>(), a.kind)) {
    error = "unknown kind '" + j["kind"].get<std::string>() + "'";
    return std::nullopt;
  }
  auto rule = ruleFromJson(j["rule"], error);
  if (!rule) return std::nullopt;
  a.rule = *rule;
  // Hostile input is typed strictly: a number where a string belongs, or 1e22 for a time, is an
  // error, never a conversion.
  if (!optionalUnsigned(j, "id", a.id, error) || !optionalUnsigned(j, "attack", a.attack_id, error) ||
      !optionalString(j, "reason", a.reason, error) || !optionalUnsigned(j, "created_ns", a.created_ns, error) ||
      !optionalUnsigned(j, "until_ns", a.until_ns, error) || !optionalBool(j, "dry_run", a.dry_run, error)) {
    return std::nullopt;
  }
  return a;
}

}  // namespace rampart::mitigate
