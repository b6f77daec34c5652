// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <utility>
#include <variant>

namespace rampart::core {

// A value or an error, in the spirit of C++23 std::expected, for code that must not throw
// (decoders, counters, the proxy's request path). E is usually a small enum class.
template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  static Result failure(E error) { return Result(std::in_place_index<1>, error); }

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] const T& value() const& { return std::get<0>(v_); }
  [[nodiscard]] T& value() & { return std::get<0>(v_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(v_)); }
  [[nodiscard]] E error() const { return std::get<1>(v_); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

 private:
  template <std::size_t I, typename... A>
  explicit Result(std::in_place_index_t<I> i, A&&... a) : v_(i, std::forward<A>(a)...) {}
  std::variant<T, E> v_;
};

}  // namespace rampart::core
