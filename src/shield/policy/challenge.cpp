// SPDX-License-Identifier: Apache-2.0
// The under-attack challenge: signed tokens, the pass cookie, the challenge page and its proof of
// work. No state but the key: every token carries what its check needs, signed.
//
// Wire formats. A token is base64url without padding (RFC 4648 section 5) of a binary payload and
// its MAC, the first 16 bytes of HMAC-SHA-256(key, payload). Integers are big-endian, times are
// seconds since the epoch. `network` is the client's /24 (the first 3 bytes of its IPv4 address)
// or /64 (the first 8 of its IPv6 address); the kind byte says which, so that a token never
// parses as the other kind or for the other family.
//   pass       kind 0x01 (v4) | 0x02 (v6), network 3 | 8, expiry 8, mac 16
//   challenge  kind 0x11 (v4) | 0x12 (v6), network 3 | 8, issued 8, difficulty 1,
//              return path 1..1024 (origin-form, printable ASCII), mac 16
// An IPv4 pass is 28 bytes (38 characters); a challenge returning to "/" is 30 (40 characters).
// The proof of work for a challenge token T is a nonce N (1 to 20 decimal digits) such that
// SHA-256 of the ASCII string T ":" N begins with `difficulty` zero bits.
#include "shield/policy/challenge.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <utility>

namespace rampart::shield::policy {
namespace {

constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kMaxReturnPath = 1024;
constexpr uint32_t kMaxDifficulty = 32;
constexpr std::size_t kMaxNonceDigits = 20;
constexpr std::size_t kMinSecretBytes = 16;
// A token issued (or a pass expiring) later than our clock allows by more than this is refused:
// nodes sharing a secret may disagree on the time by a little, never by more.
constexpr uint64_t kClockSlackS = 60;
// Cookies carrying the pass's name that are checked, each costing an HMAC: a header stuffed with
// thousands of them costs no more than this.
constexpr int kMaxPassCandidates = 4;
constexpr std::size_t kMaxTarget = 4096;

enum Kind : uint8_t { kPassV4 = 0x01, kPassV6 = 0x02, kChallengeV4 = 0x11, kChallengeV6 = 0x12 };

constexpr std::size_t kPassMaxBytes = 1 + 8 + 8 + kMacBytes;
constexpr std::size_t kChallengeMaxBytes = 1 + 8 + 8 + 1 + kMaxReturnPath + kMacBytes;

// --- the client's network ------------------------------------------------------------------------

struct Network {
  bool v4 = true;
  std::array<uint8_t, 8> bytes{};
  std::size_t size = 0;
};

Network networkOf(const core::IpAddress& client) {
  Network n;
  n.v4 = client.isV4();
  const core::IpAddress masked = client.masked(n.v4 ? 96 + 24 : 64);
  n.size = n.v4 ? 3 : 8;
  std::copy_n(masked.bytes().begin() + (n.v4 ? 12 : 0), n.size, n.bytes.begin());
  return n;
}

// --- bytes: big-endian integers, base64url, HMAC -------------------------------------------------

void putU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

uint64_t getU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

constexpr std::string_view kBase64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view in) {
  std::string out;
  out.reserve((in.size() * 4 + 2) / 3);
  const auto byte = [&](std::size_t i) { return uint32_t{static_cast<uint8_t>(in[i])}; };
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kBase64url[(v >> shift) & 63]);
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    const uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out.push_back(kBase64url[v >> 18]);
    out.push_back(kBase64url[(v >> 12) & 63]);
    if (rest == 2) out.push_back(kBase64url[(v >> 6) & 63]);
  }
  return out;
}

int base64urlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Strict: the URL-safe alphabet only, no padding, and the unused low bits of the last character
// zero, so that every payload has exactly one spelling and any changed character is a changed
// payload. Returns the number of bytes written to `out`, or 0 when `in` is not such a spelling.
std::size_t decodeBase64url(std::string_view in, std::span<uint8_t> out) {
  if (in.empty() || in.size() % 4 == 1 || in.size() * 3 / 4 > out.size()) return 0;
  std::size_t n = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const int v = base64urlValue(c);
    if (v < 0) return 0;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = static_cast<uint8_t>(acc >> bits);
      acc &= (1U << bits) - 1;
    }
  }
  return acc == 0 ? n : 0;
}

std::span<const uint8_t> asBytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

}  // namespace

namespace detail {

// HMAC-SHA-256 (RFC 2104) truncated to kMacBytes, with SHA-256's state after key ^ ipad and after
// key ^ opad computed once: a MAC is then two copies and two short hashes, ~0.15 us where
// OpenSSL's one-shot HMAC() takes ~1 us (it fetches the digest and allocates every time), and it
// is paid for every request that carries a pass. The states are only read after construction
// (EVP_MD_CTX_copy_ex), so any number of threads may use one instance.
class ChallengeMac {
 public:
  explicit ChallengeMac(std::string_view key) {
    std::array<uint8_t, kBlock> k{};
    unsigned len = 0;
    if (key.size() > kBlock) {
      if (EVP_Digest(key.data(), key.size(), k.data(), &len, EVP_sha256(), nullptr) != 1) fail();
    } else {
      std::copy(key.begin(), key.end(), k.begin());
    }
    std::array<uint8_t, kBlock> pad{};
    for (auto [ctx, x] : {std::pair{inner_.get(), uint8_t{0x36}}, std::pair{outer_.get(), uint8_t{0x5c}}}) {
      for (std::size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ x;
      if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1 ||
          EVP_DigestUpdate(ctx, pad.data(), pad.size()) != 1) {
        fail();
      }
    }
    OPENSSL_cleanse(k.data(), k.size());
    OPENSSL_cleanse(pad.data(), pad.size());
  }

  // The MAC of `data`; all zero should OpenSSL fail (it allocates), with ok false.
  std::array<uint8_t, kMacBytes> of(std::span<const uint8_t> data, bool& ok) const {
    std::array<uint8_t, kMacBytes> out{};
    std::array<uint8_t, EVP_MAX_MD_SIZE> h{};
    unsigned len = 0;
    const Ctx work(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    ok = work != nullptr && EVP_MD_CTX_copy_ex(work.get(), inner_.get()) == 1 &&
         EVP_DigestUpdate(work.get(), data.data(), data.size()) == 1 &&
         EVP_DigestFinal_ex(work.get(), h.data(), &len) == 1 && EVP_MD_CTX_copy_ex(work.get(), outer_.get()) == 1 &&
         EVP_DigestUpdate(work.get(), h.data(), len) == 1 && EVP_DigestFinal_ex(work.get(), h.data(), &len) == 1 &&
         len >= kMacBytes;
    if (ok) std::copy_n(h.begin(), kMacBytes, out.begin());
    return out;
  }

  // The token: base64url of payload || MAC(payload). Should the MAC fail, it is all zero and the
  // token never verifies.
  [[nodiscard]] std::string sign(std::string payload) const {
    bool ok = false;
    const auto m = of(asBytes(payload), ok);
    payload.append(reinterpret_cast<const char*>(m.data()), m.size());
    return base64url(payload);
  }

  // Whether the last kMacBytes of token[0, size) are the MAC of the rest, in constant time.
  [[nodiscard]] bool matches(const uint8_t* token, std::size_t size) const {
    if (size < kMacBytes) return false;
    bool ok = false;
    const auto expected = of({token, size - kMacBytes}, ok);
    return CRYPTO_memcmp(expected.data(), token + size - kMacBytes, kMacBytes) == 0 && ok;
  }

 private:
  static constexpr std::size_t kBlock = 64;  // SHA-256's block
  using Ctx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
  [[noreturn]] static void fail() { throw std::runtime_error("under_attack: OpenSSL could not set up HMAC-SHA-256"); }

  Ctx inner_{EVP_MD_CTX_new(), &EVP_MD_CTX_free};  // SHA-256 having absorbed key ^ ipad
  Ctx outer_{EVP_MD_CTX_new(), &EVP_MD_CTX_free};  // ... and key ^ opad
};

}  // namespace detail

namespace {

using detail::ChallengeMac;

bool sameNetwork(const uint8_t* p, const Network& n) { return std::memcmp(p, n.bytes.data(), n.size) == 0; }

// --- passes ----------------------------------------------------------------------------------------

std::string passPayload(const Network& n, uint64_t expiry_s) {
  std::string p;
  p.push_back(static_cast<char>(n.v4 ? kPassV4 : kPassV6));
  p.append(reinterpret_cast<const char*>(n.bytes.data()), n.size);
  putU64(p, expiry_s);
  return p;
}

bool validPass(const ChallengeMac& mac, const ChallengeConfig& config, std::string_view value, const Network& n,
               uint64_t now_s) {
  std::array<uint8_t, kPassMaxBytes> buf{};
  const std::size_t size = decodeBase64url(value, buf);
  if (size != 1 + n.size + 8 + kMacBytes || buf[0] != (n.v4 ? kPassV4 : kPassV6)) return false;
  if (!mac.matches(buf.data(), size) || !sameNetwork(&buf[1], n)) return false;
  const uint64_t expiry = getU64(&buf[1 + n.size]);
  // A pass lives at most pass_ttl_s: one minted under a longer setting is cut short.
  return now_s < expiry && expiry - now_s <= uint64_t{config.pass_ttl_s} + kClockSlackS;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(value) for each cookie named `name` in a Cookie header ("a=b; c=d", RFC 6265 section
// 5.4), until f returns true or `limit` were seen. Tolerant: missing or extra spaces, empty
// pieces, pieces without '=', values in double quotes (section 4.1.1); a name matches exactly.
template <typename F>
bool anyCookie(std::string_view header, std::string_view name, int limit, F&& f) {
  while (!header.empty() && limit > 0) {
    const std::size_t semi = header.find(';');
    const std::string_view piece = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const std::size_t eq = piece.find('=');
    if (eq == std::string_view::npos || trim(piece.substr(0, eq)) != name) continue;
    std::string_view value = trim(piece.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    --limit;
    if (f(value)) return true;
  }
  return false;
}

// RFC 6265 section 4.1.1: a cookie name is an RFC 7230 token.
bool isToken(std::string_view s) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kSpecials.find(c) != std::string_view::npos;
  });
}

// --- challenges ------------------------------------------------------------------------------------

// The return path: `target` when it is an origin-form path (RFC 9112 section 3.2.1) that a browser
// cannot read as another site — it starts with one '/', not "//" or "/\" (which browsers treat as
// "//"), holds printable ASCII only (no CR, LF, space or other control: nothing can reach the
// Location header but the path), is at most 1 KiB and is not the challenge's own endpoint.
// Anything else returns to "/".
std::string_view safeReturnPath(std::string_view target) {
  const bool ok = !target.empty() && target.size() <= kMaxReturnPath && target[0] == '/' &&
                  (target.size() == 1 || (target[1] != '/' && target[1] != '\\')) &&
                  std::all_of(target.begin(), target.end(), [](char c) { return c > ' ' && c < 0x7f && c != '\\'; }) &&
                  !target.starts_with(kChallengePrefix.substr(0, kChallengePrefix.size() - 1));
  return ok ? target : "/";
}

struct ChallengeToken {
  uint64_t issued_s = 0;
  uint32_t difficulty = 0;
  std::string return_path;
};

// Decodes and checks a challenge token made for network `n`; `why` says what is wrong, if anything.
std::optional<ChallengeToken> openChallenge(const ChallengeMac& mac, std::string_view text, const Network& n,
                                            std::string_view& why) {
  std::array<uint8_t, kChallengeMaxBytes> buf{};
  const std::size_t size = decodeBase64url(text, buf);
  const std::size_t fixed = 1 + n.size + 8 + 1;
  const uint8_t kind = n.v4 ? kChallengeV4 : kChallengeV6;
  if (size < fixed + kMacBytes || (buf[0] != kChallengeV4 && buf[0] != kChallengeV6) ||
      !mac.matches(buf.data(), size)) {
    why = "bad token";
    return std::nullopt;
  }
  if (buf[0] != kind || !sameNetwork(&buf[1], n)) {
    why = "token for another network";
    return std::nullopt;
  }
  ChallengeToken t;
  t.issued_s = getU64(&buf[1 + n.size]);
  t.difficulty = buf[1 + n.size + 8];
  t.return_path.assign(reinterpret_cast<const char*>(&buf[fixed]), size - fixed - kMacBytes);
  // Signed by us, so these hold; checked again so that no key or version mix-up can widen them.
  if (t.difficulty < 1 || t.difficulty > kMaxDifficulty || safeReturnPath(t.return_path) != t.return_path) {
    why = "bad token";
    return std::nullopt;
  }
  return t;
}

bool workDone(std::string_view token, std::string_view nonce, uint32_t difficulty) {
  if (nonce.empty() || nonce.size() > kMaxNonceDigits ||
      !std::all_of(nonce.begin(), nonce.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  std::string message;
  message.reserve(token.size() + 1 + nonce.size());
  message.append(token).append(1, ':').append(nonce);
  std::array<uint8_t, EVP_MAX_MD_SIZE> h{};
  unsigned len = 0;
  if (EVP_Digest(message.data(), message.size(), h.data(), &len, EVP_sha256(), nullptr) != 1 || len != 32) return false;
  uint32_t zeros = 0;
  for (std::size_t i = 0; i < len && zeros == 8 * i; ++i) zeros += static_cast<uint32_t>(std::countl_zero(h[i]));
  return zeros >= difficulty;
}

// The query parameters t and n; false when either appears twice (an ambiguous request).
bool parseQuery(std::string_view query, std::string_view& t, std::string_view& n, bool& has_t, bool& has_n) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const std::size_t eq = param.find('=');
    const std::string_view name = param.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
    if (name == "t" || name == "n") {
      bool& seen = name == "t" ? has_t : has_n;
      if (seen) return false;
      seen = true;
      (name == "t" ? t : n) = value;
    }
  }
  return true;
}

// --- the page -----------------------------------------------------------------------------------------

std::string htmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// "1 second", "90 seconds", "5 minutes", "3 hours": a duration in the page's words.
std::string forHumans(uint32_t s) {
  const auto count = [](uint32_t n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); };
  if (s < 120) return count(s, "second");
  if (s < 2 * 3600) return count(s / 60, "minute");
  return count(s / 3600, "hour");
}

// Fills @NAME@ placeholders (the template has no other '@'). Values are escaped by the caller.
std::string fill(std::string_view tmpl, std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  std::string out;
  out.reserve(tmpl.size() + 2048);
  while (!tmpl.empty()) {
    const std::size_t at = tmpl.find('@');
    const std::size_t end = at == std::string_view::npos ? at : tmpl.find('@', at + 1);
    if (end == std::string_view::npos) break;
    out.append(tmpl.substr(0, at));
    const std::string_view name = tmpl.substr(at + 1, end - at - 1);
    const auto* v = std::find_if(values.begin(), values.end(), [&](const auto& kv) { return kv.first == name; });
    out.append(v != values.end() ? v->second : tmpl.substr(at, end - at + 1));
    tmpl.remove_prefix(end + 1);
  }
  out.append(tmpl);
  return out;
}

// The page. Self-contained (no external resource: the site is under attack, and a CDN may be
// blocked). Its data sit in attributes of #pow, so the script is the same on every page (a
// Content-Security-Policy may name its hash). The script carries its own SHA-256 (FIPS 180-4)
// because crypto.subtle exists only on secure origins and plain-HTTP sites must work too; it
// hashes T ":" nonce for nonces 0, 1, 2 ... in slices of ~50 ms, yielding to the browser between
// them, and reloads the page (which brings a fresh challenge) should the token expire first.
// D <= 32, so only the first word of a hash is looked at. <meta name="rampart-challenge"> tells
// tests (and curious operators) what this page is.
constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="rampart-challenge" content="v1">
<title>Checking your browser</title>
<noscript><meta http-equiv="refresh" content="@DELAY@;url=@NOJS@"></noscript>
<style>body{font:17px/1.5 system-ui,sans-serif;max-width:34em;margin:12vh auto;padding:0 1em;color:#1d2430}
h1{font-size:1.5em}code{word-break:break-all}#s{color:#566}</style>
</head><body>
<h1>Checking your browser before you continue</h1>
<p>This site is under heavy attack right now. To keep it available to real visitors, your browser
first solves a small puzzle. It does this by itself and takes a moment; then you will be taken on
to <code>@RETURN@</code>, and a cookie lets you in without this check for @PASS_FOR@.</p>
<p id="s" role="status"></p>
<div id="pow" data-token="@TOKEN@" data-difficulty="@DIFFICULTY@" data-ttl="@TTL@"></div>
<noscript><p>JavaScript is turned off, so the puzzle cannot run. Please wait @WAIT@: this
page will then take you on by itself. If it does not, follow <a href="@NOJS@">this link</a> after
that.</p></noscript>
<script>
var K=[0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2],W=new Int32Array(64);
// SHA-256 of the bytes m[0..n): its eight words, as signed 32-bit integers.
function sha256(m,n){
var H=[0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19],
nb=(n+72)>>6,w=new Int32Array(nb*16),i,j,t,u,a,b,c,d,e,f,g,h;
for(i=0;i<n;i++)w[i>>2]|=m[i]<<(24-8*(i&3));
w[n>>2]|=0x80<<(24-8*(n&3));w[nb*16-1]=n*8;
for(j=0;j<nb*16;j+=16){
for(i=0;i<64;i++){if(i<16)W[i]=w[j+i];else{t=W[i-15];u=W[i-2];
W[i]=(((t>>>7|t<<25)^(t>>>18|t<<14)^t>>>3)+((u>>>17|u<<15)^(u>>>19|u<<13)^u>>>10)+W[i-7]+W[i-16])|0;}}
a=H[0];b=H[1];c=H[2];d=H[3];e=H[4];f=H[5];g=H[6];h=H[7];
for(i=0;i<64;i++){
t=(h+((e>>>6|e<<26)^(e>>>11|e<<21)^(e>>>25|e<<7))+((e&f)^(~e&g))+K[i]+W[i])|0;
u=(((a>>>2|a<<30)^(a>>>13|a<<19)^(a>>>22|a<<10))+((a&b)^(a&c)^(b&c)))|0;
h=g;g=f;f=e;e=(d+t)|0;d=c;c=b;b=a;a=(t+u)|0;}
H[0]=H[0]+a|0;H[1]=H[1]+b|0;H[2]=H[2]+c|0;H[3]=H[3]+d|0;H[4]=H[4]+e|0;H[5]=H[5]+f|0;H[6]=H[6]+g|0;H[7]=H[7]+h|0;}
return H;}
var E=document.getElementById("pow"),T=E.getAttribute("data-token"),D=+E.getAttribute("data-difficulty"),
TTL=+E.getAttribute("data-ttl"),P=T+":",M=[],L=P.length,N=0,t0=Date.now(),S=document.getElementById("s");
for(var i=0;i<L;i++)M[i]=P.charCodeAt(i);
function step(){
var end=Date.now()+50,k,s,i;
if(Date.now()-t0>TTL*1000-3000){location.reload();return;}
do{for(k=0;k<1000;k++,N++){s=String(N);for(i=0;i<s.length;i++)M[L+i]=s.charCodeAt(i);
if(sha256(M,L+s.length)[0]>>>(32-D)===0){S.textContent="Done, taking you on\u2026";
location.replace("/.rampart/challenge/verify?t="+T+"&n="+s);return;}}}while(Date.now()<end);
S.textContent="Working\u2026 ("+N+" tries)";setTimeout(step,0);}
S.textContent="Working\u2026";setTimeout(step,0);
</script>
</body></html>
)html";

}  // namespace

Challenger::Challenger(ChallengeConfig config) : config_(std::move(config)) {
  if (config_.secret.empty()) {
    std::array<unsigned char, 32> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
      throw std::runtime_error("under_attack: could not draw a random secret (RAND_bytes failed)");
    }
    mac_ = std::make_shared<const ChallengeMac>(
        std::string_view(reinterpret_cast<const char*>(random.data()), random.size()));
    OPENSSL_cleanse(random.data(), random.size());
  } else if (config_.secret.size() < kMinSecretBytes) {
    throw std::invalid_argument("under_attack: secret must be at least 16 characters (or empty for a random one)");
  } else {
    mac_ = std::make_shared<const ChallengeMac>(config_.secret);
  }
  if (!isToken(config_.cookie_name)) {
    throw std::invalid_argument("under_attack: cookie name must be a non-empty token (RFC 6265 section 4.1.1)");
  }
  if (config_.pass_ttl_s == 0) throw std::invalid_argument("under_attack: pass_ttl_seconds must be at least 1");
  if (config_.challenge_ttl_s <= config_.nojs_delay_s) {
    throw std::invalid_argument("under_attack: challenge_ttl_seconds must exceed nojs_delay_seconds");
  }
  if (config_.difficulty < 1 || config_.difficulty > config_.max_difficulty ||
      config_.max_difficulty > kMaxDifficulty) {
    throw std::invalid_argument("under_attack: need 1 <= difficulty <= max_difficulty <= 32");
  }
}

std::string Challenger::passCookie(const core::IpAddress& client, uint64_t now_s) const {
  const std::string value = mac_->sign(passPayload(networkOf(client), now_s + config_.pass_ttl_s));
  return config_.cookie_name + "=" + value + "; Path=/; Max-Age=" + std::to_string(config_.pass_ttl_s) +
         "; HttpOnly; SameSite=Lax";
}

bool Challenger::hasValidPass(std::string_view cookie_header, const core::IpAddress& client, uint64_t now_s) const {
  const Network n = networkOf(client);
  return anyCookie(cookie_header, config_.cookie_name, kMaxPassCandidates,
                   [&](std::string_view value) { return validPass(*mac_, config_, value, n, now_s); });
}

std::string Challenger::challengePage(const core::IpAddress& client, std::string_view target, uint32_t difficulty,
                                      uint64_t now_s) const {
  const Network n = networkOf(client);
  const std::string_view return_path = safeReturnPath(target);
  const uint32_t d = std::clamp<uint32_t>(difficulty, 1, kMaxDifficulty);
  std::string payload;
  payload.push_back(static_cast<char>(n.v4 ? kChallengeV4 : kChallengeV6));
  payload.append(reinterpret_cast<const char*>(n.bytes.data()), n.size);
  putU64(payload, now_s);
  payload.push_back(static_cast<char>(d));
  payload.append(return_path);
  const std::string token = mac_->sign(std::move(payload));  // base64url: nothing to escape
  const std::string nojs = htmlEscape(std::string(kChallengePrefix) + "nojs?t=" + token);
  const std::string delay = std::to_string(config_.nojs_delay_s);
  return fill(kPage, {{"DELAY", delay},
                      {"NOJS", nojs},
                      {"RETURN", htmlEscape(return_path)},
                      {"WAIT", forHumans(config_.nojs_delay_s)},
                      {"PASS_FOR", forHumans(config_.pass_ttl_s)},
                      {"TOKEN", htmlEscape(token)},
                      {"DIFFICULTY", std::to_string(d)},
                      {"TTL", std::to_string(config_.challenge_ttl_s)}});
}

Challenger::Verdict Challenger::verify(std::string_view target, const core::IpAddress& client, uint64_t now_s) const {
  const auto fail = [](std::string_view why) { return Verdict{false, {}, why}; };
  if (target.size() > kMaxTarget) return fail("request too long");
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  if (!path.starts_with(kChallengePrefix)) return fail("not a challenge endpoint");
  const std::string_view endpoint = path.substr(kChallengePrefix.size());
  const bool nojs = endpoint == "nojs";
  if (!nojs && endpoint != "verify") return fail("not a challenge endpoint");

  std::string_view t;
  std::string_view nonce;
  bool has_t = false;
  bool has_n = false;
  if (!parseQuery(query, t, nonce, has_t, has_n)) return fail("malformed query");
  if (!has_t) return fail("no token");
  std::string_view why;
  std::optional<ChallengeToken> token = openChallenge(*mac_, t, networkOf(client), why);
  if (!token) return fail(why);

  if (token->issued_s > now_s + kClockSlackS) return fail("token from the future");
  const uint64_t age = now_s > token->issued_s ? now_s - token->issued_s : 0;
  if (age >= config_.challenge_ttl_s) return fail("challenge expired");
  if (nojs) {
    if (now_s < token->issued_s || age < config_.nojs_delay_s) return fail("too early");
  } else if (!has_n || !workDone(t, nonce, token->difficulty)) {
    return fail("proof of work not done");
  }
  return Verdict{true, std::move(token->return_path), {}};
}

}  // namespace rampart::shield::policy
