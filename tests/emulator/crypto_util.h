#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "probe/core/hex.h"  // HexUpper, for thumbprints from x5t

namespace pushprobe::emulator {

/// base64url without padding (JWT, x5t).
std::string Base64UrlEncode(const std::string& bytes);
/// Accepts base64url with or without padding. \throw std::invalid_argument on bad input.
std::string Base64UrlDecode(const std::string& text);
/// Standard base64 without line breaks (metadata key values).
std::string Base64Encode(const std::string& bytes);

/// Each "-----BEGIN CERTIFICATE-----" block of \p pem, in order.
std::vector<std::string> PemCertificates(const std::string& pem);
/// The first private key block (PKCS#8, PKCS#1 or EC) of \p pem, or "".
std::string PemPrivateKey(const std::string& pem);

/// DER bytes of the first certificate in \p pem. \throw std::runtime_error.
std::string CertificateDer(const std::string& pem);
/// Uppercase hex SHA-1 of \p der, as Exchange prints thumbprints.
std::string Thumbprint(const std::string& der);
/// x5t of \p der: the SHA-1 digest, base64url without padding.
std::string X5t(const std::string& der);
/// base64url SHA-256 of \p der without padding (the JOSE "x5t#S256").
std::string X5tS256(const std::string& der);
/// notAfter of the first certificate in \p pem. \throw std::runtime_error.
std::chrono::system_clock::time_point CertificateNotAfter(const std::string& pem);

/// A fresh random GUID in the 8-4-4-4-12 lowercase form.
std::string NewGuid();
/// True for the 8-4-4-4-12 hex form (either case), without braces.
bool IsGuid(const std::string& text);

/// RFC 1123 date for the HTTP Date header.
std::string HttpDate(std::chrono::system_clock::time_point t);
/// "2025-11-25 11:20:56Z", as ACS prints timestamps in error descriptions.
std::string AcsTimestamp(std::chrono::system_clock::time_point t);
/// Seconds since the epoch.
long long UnixSeconds(std::chrono::system_clock::time_point t);

}  // namespace pushprobe::emulator
