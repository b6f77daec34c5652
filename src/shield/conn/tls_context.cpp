// SPDX-License-Identifier: Apache-2.0
#include "shield/conn/tls_context.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>

namespace rampart::shield::conn {
namespace {

std::string lastError() {
  char buf[256] = {};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The DNS names a certificate is for: its subjectAltName entries, or its CN when it has none.
std::vector<std::string> namesOf(X509* cert) {
  std::vector<std::string> names;
  auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (sans) {
    for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
      const GENERAL_NAME* n = sk_GENERAL_NAME_value(sans, i);
      if (n->type != GEN_DNS) continue;
      const auto* s = reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName));
      names.push_back(lower(std::string(s, static_cast<std::size_t>(ASN1_STRING_length(n->d.dNSName)))));
    }
    GENERAL_NAMES_free(sans);
  }
  if (names.empty()) {
    char cn[256] = {};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn) > 0) {
      names.push_back(lower(cn));
    }
  }
  return names;
}

bool nameMatches(const std::string& pattern, const std::string& host) {
  if (pattern == host) return true;
  if (!pattern.starts_with("*.")) return false;
  const auto dot = host.find('.');  // a wildcard stands for one label only
  return dot != std::string::npos && dot > 0 && host.substr(dot) == pattern.substr(1);
}

}  // namespace

core::Result<std::unique_ptr<TlsContext>, std::string> TlsContext::load(const std::vector<TlsCertificate>& certs,
                                                                        bool h2) {
  using R = core::Result<std::unique_ptr<TlsContext>, std::string>;
  if (certs.empty()) return R::failure("TLS needs at least one certificate");
  std::unique_ptr<TlsContext> t(new TlsContext());
  for (const TlsCertificate& f : certs) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) return R::failure("TLS: " + lastError());
    t->sites_.push_back(Site{ctx, {}});
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    // Tickets only: the server keeps no session cache, so resumption costs no shared lock.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, 1);
    SSL_CTX_set_mode(ctx,
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_use_certificate_chain_file(ctx, f.cert.c_str()) != 1) {
      return R::failure(fmt::format("TLS certificate {}: {}", f.cert, lastError()));
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, f.key.c_str(), SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
      return R::failure(fmt::format("TLS key {}: {}", f.key, lastError()));
    }
    t->sites_.back().names = namesOf(SSL_CTX_get0_certificate(ctx));
  }
  // Every context may receive the ClientHello first: each carries the callback.
  for (Site& s : t->sites_) {
    SSL_CTX_set_tlsext_servername_callback(s.ctx, &TlsContext::onServerName);
    SSL_CTX_set_tlsext_servername_arg(s.ctx, t.get());
    SSL_CTX_set_alpn_select_cb(s.ctx, h2 ? &TlsContext::onAlpnH2 : &TlsContext::onAlpnH1, nullptr);
  }
  return R(std::move(t));
}

TlsContext::~TlsContext() {
  for (Site& s : sites_) SSL_CTX_free(s.ctx);
}

SSL* TlsContext::accept(int fd) const {
  SSL* ssl = SSL_new(sites_.front().ctx);
  if (!ssl) return nullptr;
  SSL_set_fd(ssl, fd);
  SSL_set_accept_state(ssl);
  return ssl;
}

const TlsContext::Site* TlsContext::siteFor(const char* name) const {
  if (!name) return nullptr;
  const std::string host = lower(name);
  for (const Site& s : sites_) {
    for (const std::string& n : s.names) {
      if (nameMatches(n, host)) return &s;
    }
  }
  return nullptr;
}

int TlsContext::onServerName(SSL* ssl, int* /*alert*/, void* arg) {
  const auto* self = static_cast<const TlsContext*>(arg);
  // An unknown name gets the default certificate, as web servers do.
  if (const Site* s = self->siteFor(SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
      s && s != &self->sites_.front()) {
    SSL_set_SSL_CTX(ssl, s->ctx);
  }
  return SSL_TLSEXT_ERR_OK;
}

namespace {

// The server's choice among the client's ALPN protocols: the first of `ours` the client offers.
// No overlap (or no ALPN): the handshake goes on and the connection speaks HTTP/1.1.
int selectAlpn(const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
               std::string_view ours) {
  unsigned char* chosen = nullptr;
  auto* wire = reinterpret_cast<unsigned char*>(const_cast<char*>(ours.data()));
  if (SSL_select_next_proto(&chosen, outlen, wire, static_cast<unsigned>(ours.size()), in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

int TlsContext::onAlpnH2(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                         unsigned int inlen, void*) {
  return selectAlpn(out, outlen, in, inlen, std::string_view("\x02h2\x08http/1.1", 12));
}

int TlsContext::onAlpnH1(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                         unsigned int inlen, void*) {
  return selectAlpn(out, outlen, in, inlen, std::string_view("\x08http/1.1", 9));
}

bool TlsContext::negotiatedH2(const SSL* ssl) {
  const unsigned char* proto = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl, &proto, &len);
  return len == 2 && proto[0] == 'h' && proto[1] == '2';
}

}  // namespace rampart::shield::conn
