// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <fmt/format.h>

#include <toml++/toml.h>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>

#include "app/config.h"

namespace rampart::app {

[[noreturn]] inline void fail(const std::string& source, const toml::source_region& where, const std::string& what) {
  throw ConfigError(fmt::format("{}:{}: {}", source, where.begin.line, what));
}

// Reads tables strictly: each key must be consumed, so typos surface as errors.
class Reader {
 public:
  Reader(const toml::table& table, std::string source, std::string path)
      : table_(table), source_(std::move(source)), path_(std::move(path)) {}

  void checkNoUnknownKeys() const {
    for (const auto& [key, node] : table_) {
      if (!seen_.count(std::string(key.str()))) {
        fail(source_, key.source(), fmt::format("unknown key '{}{}'", path_.empty() ? "" : path_ + ".", key.str()));
      }
    }
  }

  template <typename T>
  bool number(std::string_view key, T& out, double min, double max) {
    const toml::node* n = take(key);
    if (n == nullptr) return false;
    double v = 0;
    if (const auto i = n->value_exact<int64_t>()) {
      v = static_cast<double>(*i);
    } else if (const auto d = n->value_exact<double>(); d && std::is_floating_point_v<T>) {
      v = *d;
    } else {
      fail(source_, n->source(),
           fmt::format("'{}' must be a {}", qualified(key), std::is_floating_point_v<T> ? "number" : "whole number"));
    }
    if (v < min || v > max)
      fail(source_, n->source(), fmt::format("'{}' must be between {} and {}", qualified(key), min, max));
    out = static_cast<T>(v);
    return true;
  }

  bool string(std::string_view key, std::string& out) {
    const toml::node* n = take(key);
    if (n == nullptr) return false;
    const auto s = n->value_exact<std::string>();
    if (!s) fail(source_, n->source(), fmt::format("'{}' must be a string", qualified(key)));
    out = *s;
    return true;
  }

  bool boolean(std::string_view key, bool& out) {
    const toml::node* n = take(key);
    if (n == nullptr) return false;
    const auto b = n->value_exact<bool>();
    if (!b) fail(source_, n->source(), fmt::format("'{}' must be true or false", qualified(key)));
    out = *b;
    return true;
  }

  const toml::table* subtable(std::string_view key) {
    const toml::node* n = take(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) fail(source_, n->source(), fmt::format("'{}' must be a table", qualified(key)));
    return n->as_table();
  }

  const toml::array* array(std::string_view key) {
    const toml::node* n = take(key);
    if (n == nullptr) return nullptr;
    if (!n->is_array()) fail(source_, n->source(), fmt::format("'{}' must be an array", qualified(key)));
    return n->as_array();
  }

  [[nodiscard]] std::string qualified(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  [[nodiscard]] const std::string& source() const { return source_; }
  [[nodiscard]] const toml::table& table() const { return table_; }

 private:
  const toml::node* take(std::string_view key) {
    seen_.insert(std::string(key));
    return table_.get(key);
  }

  const toml::table& table_;
  std::string source_;
  std::string path_;
  std::set<std::string> seen_;
};

}  // namespace rampart::app
