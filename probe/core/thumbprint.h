#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "probe/core/hex.h"

namespace pushprobe {

/// The SHA-1 digest of a certificate's DER encoding (20 raw bytes): what its
/// thumbprint and its JOSE x5t are made of. Empty when OpenSSL cannot encode
/// \p cert.
inline std::string CertificateSha1(const X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (cert == nullptr || X509_digest(cert, EVP_sha1(), md, &len) != 1) return {};
  return std::string(reinterpret_cast<const char*>(md), len);
}

/// The same digest of a certificate given as its DER bytes.
inline std::string CertificateSha1(std::string_view der) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(der.data(), der.size(), md, &len, EVP_sha1(), nullptr) != 1) return {};
  return std::string(reinterpret_cast<const char*>(md), len);
}

/// \brief A certificate's thumbprint as Exchange, Windows and Azure show it
/// and as the configuration takes it: the SHA-1 of its DER encoding in 40
/// uppercase hex digits, no separators. Empty when OpenSSL cannot encode it.
inline std::string CertificateThumbprint(const X509* cert) {
  return HexUpper(CertificateSha1(cert));
}

/// The thumbprint of a certificate given as its DER bytes.
inline std::string CertificateThumbprint(std::string_view der) {
  return HexUpper(CertificateSha1(der));
}

/// A thumbprint as people paste it, normalised for comparison: separators
/// (spaces, tabs, colons) dropped, upper case, and without the invisible
/// LEFT-TO-RIGHT MARK (U+200E) that Windows' certificate dialog puts in front
/// of a copied thumbprint. Validation (40 hex digits) is the caller's.
inline std::string NormalizeThumbprint(std::string_view text) {
  constexpr std::string_view kLeftToRightMark = "\xE2\x80\x8E";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, kLeftToRightMark.size()) == kLeftToRightMark) {
      i += kLeftToRightMark.size() - 1;
      continue;
    }
    const char c = text[i];
    if (c == ' ' || c == ':' || c == '\t') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

}  // namespace pushprobe
