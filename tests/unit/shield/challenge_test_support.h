// SPDX-License-Identifier: Apache-2.0
// What the Challenger's tests share: a configuration, a clock, and the client's side of the
// protocol (cookies sent back, the page's attributes, the proof of work, forged tokens).
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "shield/policy/challenge.h"

namespace rampart::shield::policy::challenge_test {

using rampart::core::IpAddress;

inline constexpr uint64_t kNow = 1'700'000'000;

inline IpAddress ip(const char* text) { return *IpAddress::parse(text); }

inline ChallengeConfig config() {
  ChallengeConfig c;
  c.secret = "test secret: 0123456789abcdef";
  c.pass_ttl_s = 3600;
  c.challenge_ttl_s = 120;
  c.nojs_delay_s = 5;
  return c;
}

// "rampart_pass=VALUE; Path=/; ..." -> "rampart_pass=VALUE", what a browser sends back.
inline std::string sentBack(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }
inline std::string valueOf(const std::string& set_cookie) {
  const std::string pair = sentBack(set_cookie);
  return pair.substr(pair.find('=') + 1);
}

// The value of the first attribute `name` in the page (no regex: GCC 12's <regex> warns under ASan).
inline std::string attribute(const std::string& page, const std::string& name) {
  const std::size_t at = page.find(name + "=\"");
  if (at == std::string::npos) return {};
  const std::size_t begin = at + name.size() + 2;
  return page.substr(begin, page.find('"', begin) - begin);
}

inline bool isBase64url(const std::string& s) {
  return !s.empty() &&
         s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos;
}
inline std::string tokenOf(const std::string& page) { return attribute(page, "data-token"); }

// Every character changed in turn to another of the alphabet.
inline std::vector<std::string> oneCharacterChanges(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::string t = s;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    out.push_back(t);
  }
  return out;
}

// The proof of work the page's script does: the first nonce whose SHA-256(token ":" nonce) has
// `bits` leading zero bits.
inline bool meets(const std::string& token, uint64_t nonce, unsigned bits) {
  const std::string s = token + ":" + std::to_string(nonce);
  std::array<unsigned char, EVP_MAX_MD_SIZE> d{};
  unsigned len = 0;
  EVP_Digest(s.data(), s.size(), d.data(), &len, EVP_sha256(), nullptr);
  unsigned zeros = 0;
  for (unsigned i = 0; i < len && zeros == 8 * i; ++i) zeros += d[i] == 0 ? 8 : __builtin_clz(d[i]) - 24;
  return zeros >= bits;
}
inline uint64_t solve(const std::string& token, unsigned bits) {
  uint64_t n = 0;
  while (!meets(token, n, bits)) ++n;
  return n;
}

inline std::string verifyTarget(const std::string& token, uint64_t nonce) {
  return "/.rampart/challenge/verify?t=" + token + "&n=" + std::to_string(nonce);
}
inline std::string nojsTarget(const std::string& token) { return "/.rampart/challenge/nojs?t=" + token; }

// base64url without padding, to forge tokens the way an attacker would (the format is in challenge.cpp).
inline std::string b64encode(const std::vector<uint8_t>& in) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (const uint8_t b : in) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) out.push_back(a[(acc >> (bits -= 6)) & 63]);
  }
  if (bits > 0) out.push_back(a[(acc << (6 - bits)) & 63]);
  return out;
}
inline std::vector<uint8_t> b64decode(const std::string& in) {
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                  : c >= 'a' && c <= 'z' ? c - 'a' + 26
                  : c >= '0' && c <= '9' ? c - '0' + 52
                  : c == '-'             ? 62
                                         : 63;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) out.push_back(static_cast<uint8_t>(acc >> (bits -= 8)));
  }
  return out;
}

}  // namespace rampart::shield::policy::challenge_test
