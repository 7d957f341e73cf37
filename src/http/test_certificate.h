#pragma once
// For tests only: throwaway self-signed TLS certificates for 127.0.0.1, and the SHA-256
// fingerprint a test compares with what a server presented or logged. Shared by the HTTP server's
// own tests (src/http/server_test.cpp) and those of `tessera serve` (tests/serve_ops_test.cpp).
// Needs OpenSSL's libcrypto. Computed here independently of server.cpp, so that a test checks the
// server's fingerprint rather than repeating it.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace tessera::http::testing {

// The SHA-256 fingerprint of `cert` as `openssl x509 -fingerprint -sha256` writes it
// ("AB:CD:..."); "" for no certificate.
inline std::string CertificateFingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (cert == nullptr || X509_digest(cert, EVP_sha256(), md, &len) != 1) return "";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%s%02X", i == 0 ? "" : ":", md[i]);
    out += hex;
  }
  return out;
}

// Writes a new self-signed certificate for CN 127.0.0.1 (P-256, valid for an hour) and its key,
// PEM, to `cert` and `key` (replacing them, as an operator renewing one would); returns its
// fingerprint, or "" when a file cannot be written.
inline std::string WriteSelfSignedCertificate(const std::filesystem::path& cert,
                                              const std::filesystem::path& key) {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  X509* x509 = X509_new();
  X509_set_version(x509, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509), 0);
  X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
  X509_set_pubkey(x509, pkey);
  X509_NAME* name = X509_get_subject_name(x509);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(x509, name);
  X509_sign(x509, pkey, EVP_sha256());
  std::string fingerprint = CertificateFingerprint(x509);
  bool written = false;
  if (FILE* f = std::fopen(cert.c_str(), "w"); f != nullptr) {
    written = PEM_write_X509(f, x509) == 1;
    written = std::fclose(f) == 0 && written;
  }
  if (FILE* f = std::fopen(key.c_str(), "w"); f != nullptr && written) {
    written = PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    written = std::fclose(f) == 0 && written;
  } else {
    if (f != nullptr) std::fclose(f);
    written = false;
  }
  X509_free(x509);
  EVP_PKEY_free(pkey);
  return written ? fingerprint : "";
}

}  // namespace tessera::http::testing
