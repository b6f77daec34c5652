// SPDX-License-Identifier: Apache-2.0
// Token formats (all URL-safe base64 without padding, "b64"):
//   challenge token  b64(ISSUED "|" DIFFICULTY "|" RETURN_PATH) "." b64(MAC("c", network, payload)[0:16])
//   pass cookie      EXPIRY "." b64(MAC("p", network, EXPIRY)[0:16])
// MAC is HMAC-SHA-256 with the shield's secret over the kind, the client's network (16 bytes: the
// /24 or /64, IPv4-mapped) and the payload, so a token is good for one network and one purpose.
#include "shield/policy/challenge.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

namespace rampart::shield::policy {
namespace {

constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kMaxReturn = 1024;

std::string b64url(const unsigned char* data, std::size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((n * 4 + 2) / 3);
  for (std::size_t i = 0; i < n; i += 3) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (i + 1 < n ? uint32_t{data[i + 1]} << 8 : 0u) |
                       (i + 2 < n ? uint32_t{data[i + 2]} : 0u);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    if (i + 1 < n) out.push_back(kAlphabet[(v >> 6) & 63]);
    if (i + 2 < n) out.push_back(kAlphabet[v & 63]);
  }
  return out;
}

int b64value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::optional<std::string> unb64url(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = b64value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Canonical only: the unused low bits of the last character must be zero, or one token
  // would have several spellings.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

core::IpAddress networkOf(const core::IpAddress& client) { return client.masked(client.isV4() ? 96 + 24 : 64); }

std::array<unsigned char, 32> mac(const std::string& secret, char kind, const core::IpAddress& client,
                                  std::string_view payload) {
  std::string msg(1, kind);
  const core::IpAddress net = networkOf(client);
  msg.append(reinterpret_cast<const char*>(net.bytes().data()), net.bytes().size());
  msg.append(payload);
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), out.data(), &len);
  return out;
}

bool macMatches(const std::string& secret, char kind, const core::IpAddress& client, std::string_view payload,
                std::string_view given_b64) {
  const auto given = unb64url(given_b64);
  if (!given || given->size() != kMacBytes) return false;
  const auto want = mac(secret, kind, client, payload);
  return CRYPTO_memcmp(want.data(), given->data(), kMacBytes) == 0;
}

std::optional<uint64_t> number(std::string_view s, std::size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  uint64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// An origin-form path that cannot leave the site ("//host", "/\host"), cannot split a header
// (controls), and does not lead back into the challenge: else "/".
std::string safeReturn(std::string_view target) {
  if (target.empty() || target.size() > kMaxReturn || target.front() != '/' || target.starts_with("//") ||
      target.starts_with("/\\") || target.starts_with(kChallengePrefix))
    return "/";
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return "/";
  }
  return std::string(target);
}

// The value of query parameter `name` in `query` ("a=1&b=2"), or nullopt.
std::optional<std::string_view> param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=') {
      return item.substr(name.size() + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

unsigned leadingZeroBits(const unsigned char* d, std::size_t n) {
  unsigned bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (d[i] == 0) {
      bits += 8;
      continue;
    }
    for (int b = 7; b >= 0 && !(d[i] & (1u << b)); --b) ++bits;
    break;
  }
  return bits;
}

// The page. Its script is a compact SHA-256 of our own (crypto.subtle exists only in secure
// contexts, and a site under attack may well be plain HTTP) that tries nonces in slices of a few
// milliseconds, so the page stays responsive while it works.
constexpr std::string_view kPageHead = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="rampart-challenge" content="1">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>Checking your browser</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}
#bar{height:4px;background:#2a6;width:0;transition:width .3s}</style></head>
<body><h1>One moment, please</h1>
<p>This site is receiving far more traffic than usual, most likely an attack meant to take it
offline. To keep it available for real visitors, your browser is solving a small puzzle first.
This takes a few seconds and happens once; then you go straight on to the page.</p>
<div id="bar"></div><p id="status">Working…</p>
)";

constexpr std::string_view kScript = R"(<script>
/*rampart-sha256-begin*/
var K=[],H=[];(function(){var p=2,n=0;function f(x){return (x-Math.floor(x))*4294967296|0}
while(n<64){var q=1;for(var d=2;d*d<=p;d++)if(p%d==0){q=0;break}if(q){if(n<8)H[n]=f(Math.pow(p,1/2));K[n]=f(Math.pow(p,1/3));n++}p++}})();
function rr(v,a){return (v>>>a)|(v<<(32-a))}
function sha256(s){var m=[],w=[],h=H.slice(0),L=s.length,i,j;for(i=0;i<L;i++)m[i>>2]|=(s.charCodeAt(i)&255)<<((3-i%4)*8);
m[L>>2]|=128<<((3-L%4)*8);m[((L+8)>>6<<4)+15]=L*8;
for(j=0;j<m.length;j+=16){var a=h[0],b=h[1],c=h[2],d=h[3],e=h[4],f=h[5],g=h[6],k=h[7];
for(i=0;i<64;i++){if(i<16)w[i]=m[j+i]|0;else{var x=w[i-15],y=w[i-2];w[i]=(w[i-16]+(rr(x,7)^rr(x,18)^(x>>>3))+w[i-7]+(rr(y,17)^rr(y,19)^(y>>>10)))|0}
var t1=(k+(rr(e,6)^rr(e,11)^rr(e,25))+((e&f)^(~e&g))+K[i]+w[i])|0,t2=((rr(a,2)^rr(a,13)^rr(a,22))+((a&b)^(a&c)^(b&c)))|0;
k=g;g=f;f=e;e=(d+t1)|0;d=c;c=b;b=a;a=(t1+t2)|0}
h[0]=(h[0]+a)|0;h[1]=(h[1]+b)|0;h[2]=(h[2]+c)|0;h[3]=(h[3]+d)|0;h[4]=(h[4]+e)|0;h[5]=(h[5]+f)|0;h[6]=(h[6]+g)|0;h[7]=(h[7]+k)|0}
return h}
function zeros(h){var z=0;for(var i=0;i<8;i++){var c=Math.clz32(h[i]);z+=c;if(c<32)break}return z}
/*rampart-sha256-end*/
(function(){var el=document.getElementById("pow"),t=el.getAttribute("data-token"),d=+el.getAttribute("data-difficulty"),n=0,
st=document.getElementById("status"),bar=document.getElementById("bar"),exp=Math.pow(2,d);
function slice(){var end=Date.now()+30;while(Date.now()<end){for(var i=0;i<500;i++,n++){if(zeros(sha256(t+":"+n))>=d){
st.textContent="Done: taking you to the page…";location.replace("/.rampart/challenge/verify?t="+t+"&n="+n);return}}}
bar.style.width=Math.min(95,100*n/exp)+"%";setTimeout(slice,0)}slice()})();
</script>
)";

}  // namespace

Challenger::Challenger(ChallengeConfig config) : config_(std::move(config)) {
  if (config_.secret.empty()) {
    // Random per start: passes then do not outlive a restart, which costs visitors one more puzzle.
    unsigned char key[32];
    if (RAND_bytes(key, sizeof key) != 1) throw std::runtime_error("the shield could not draw a random secret");
    config_.secret.assign(reinterpret_cast<const char*>(key), sizeof key);
  }
  config_.difficulty = std::clamp(config_.difficulty, 1u, 32u);
}

std::string Challenger::passCookie(const core::IpAddress& client, uint64_t now_s) const {
  const std::string expiry = std::to_string(now_s + config_.pass_ttl_s);
  const auto m = mac(config_.secret, 'p', client, expiry);
  return config_.cookie_name + "=" + expiry + "." + b64url(m.data(), kMacBytes) +
         "; Path=/; Max-Age=" + std::to_string(config_.pass_ttl_s) + "; HttpOnly; SameSite=Lax";
}

bool Challenger::hasValidPass(std::string_view cookie_header, const core::IpAddress& client, uint64_t now_s) const {
  std::string_view rest = cookie_header;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    std::string_view item = rest.substr(0, semi);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    const auto eq = item.find('=');
    if (eq != std::string_view::npos && item.substr(0, eq) == config_.cookie_name) {
      const std::string_view value = item.substr(eq + 1);
      const auto dot = value.find('.');
      if (dot != std::string_view::npos) {
        const auto expiry = number(value.substr(0, dot), 20);
        if (expiry && *expiry > now_s &&
            macMatches(config_.secret, 'p', client, value.substr(0, dot), value.substr(dot + 1)))
          return true;
      }
    }
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return false;
}

std::string Challenger::challengePage(const core::IpAddress& client, std::string_view target, uint32_t difficulty,
                                      uint64_t now_s) const {
  difficulty = std::clamp(difficulty, 1u, 32u);
  const std::string payload = std::to_string(now_s) + "|" + std::to_string(difficulty) + "|" + safeReturn(target);
  const auto m = mac(config_.secret, 'c', client, payload);
  const std::string token = b64url(reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) + "." +
                            b64url(m.data(), kMacBytes);
  // The token and the numbers are all URL-safe base64 and digits: nothing to escape.
  std::string page(kPageHead);
  page +=
      "<div id=\"pow\" data-token=\"" + token + "\" data-difficulty=\"" + std::to_string(difficulty) + "\"></div>\n";
  page += "<noscript><meta http-equiv=\"refresh\" content=\"" + std::to_string(config_.nojs_delay_s) +
          ";url=/.rampart/challenge/nojs?t=" + token +
          "\"><p>Your browser runs no JavaScript: you will be taken on in " + std::to_string(config_.nojs_delay_s) +
          " seconds. If not, <a href=\"/.rampart/challenge/nojs?t=" + token + "\">continue here</a>.</p></noscript>\n";
  page += kScript;
  page += "</body></html>\n";
  return page;
}

Challenger::Verdict Challenger::verify(std::string_view target, const core::IpAddress& client, uint64_t now_s) const {
  Verdict v;
  target.remove_prefix(std::min(target.size(), kChallengePrefix.size()));
  const auto q = target.find('?');
  const std::string_view endpoint = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  const bool pow = endpoint == "verify";
  if (!pow && endpoint != "nojs") {
    v.why = "unknown endpoint";
    return v;
  }
  const auto token = param(query, "t");
  const auto dot = token ? token->find('.') : std::string_view::npos;
  if (!token || dot == std::string_view::npos || token->size() > 4 * kMaxReturn) {
    v.why = "no token";
    return v;
  }
  const auto payload = unb64url(token->substr(0, dot));
  if (!payload || !macMatches(config_.secret, 'c', client, *payload, token->substr(dot + 1))) {
    v.why = "token not valid for this network";
    return v;
  }
  // ISSUED "|" DIFFICULTY "|" RETURN: signed, so well-formed unless the secret leaked.
  const auto bar1 = payload->find('|');
  const auto bar2 = payload->find('|', bar1 == std::string::npos ? 0 : bar1 + 1);
  if (bar1 == std::string::npos || bar2 == std::string::npos) {
    v.why = "malformed token";
    return v;
  }
  const auto issued = number(std::string_view(*payload).substr(0, bar1), 20);
  const auto difficulty = number(std::string_view(*payload).substr(bar1 + 1, bar2 - bar1 - 1), 2);
  if (!issued || !difficulty || *difficulty < 1 || *difficulty > 32) {
    v.why = "malformed token";
    return v;
  }
  if (now_s >= *issued + config_.challenge_ttl_s || now_s + 60 < *issued) {
    v.why = "the challenge expired";
    return v;
  }
  if (pow) {
    const auto nonce = param(query, "n");
    if (!nonce || !number(*nonce, 20)) {
      v.why = "no nonce";
      return v;
    }
    const std::string work = std::string(*token) + ":" + std::string(*nonce);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(work.data()), work.size(), digest);
    if (leadingZeroBits(digest, sizeof digest) < *difficulty) {
      v.why = "the puzzle was not solved";
      return v;
    }
  } else if (now_s < *issued + config_.nojs_delay_s) {
    v.why = "too early";
    return v;
  }
  v.ok = true;
  v.return_to = safeReturn(std::string_view(*payload).substr(bar2 + 1));
  return v;
}

}  // namespace rampart::shield::policy
