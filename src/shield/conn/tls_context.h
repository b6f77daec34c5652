// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "shield/shield_config.h"

using SSL_CTX = struct ssl_ctx_st;
using SSL = struct ssl_st;

namespace rampart::shield::conn {

// The shield's TLS server side (OpenSSL): one context per certificate, the first the default,
// the others chosen by SNI against each certificate's DNS names (wildcards included). TLS 1.2 and
// 1.3; resumption by session tickets, whose keys live in the contexts and so are shared by every
// worker (a resumed handshake takes no lock on a session cache). Shared by all workers (OpenSSL's
// contexts are safe to share once set up).
class TlsContext {
 public:
  // `h2`: HTTP/2 is offered by ALPN (before http/1.1).
  static core::Result<std::unique_ptr<TlsContext>, std::string> load(const std::vector<TlsCertificate>& certs, bool h2);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // A new server-side connection on `fd` (non-blocking), ready for SSL_do_handshake.
  [[nodiscard]] SSL* accept(int fd) const;
  // After the handshake: whether the client and the shield agreed on HTTP/2.
  [[nodiscard]] static bool negotiatedH2(const SSL* ssl);

 private:
  struct Site {
    SSL_CTX* ctx = nullptr;
    std::vector<std::string> names;  // lower-case DNS names, "*.example.org" for wildcards
  };
  TlsContext() = default;
  static int onServerName(SSL* ssl, int* alert, void* arg);
  static int onAlpnH2(SSL* ssl, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                      unsigned int inlen, void* arg);
  static int onAlpnH1(SSL* ssl, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                      unsigned int inlen, void* arg);
  [[nodiscard]] const Site* siteFor(const char* name) const;

  std::vector<Site> sites_;
};

}  // namespace rampart::shield::conn
