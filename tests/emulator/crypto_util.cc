#include "tests/emulator/crypto_util.h"

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

#include "probe/core/openssl_ptr.h"
#include "probe/core/thumbprint.h"

namespace pushprobe::emulator {
namespace {

X509Ptr ParsePem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) throw std::runtime_error("not a PEM certificate");
  return cert;
}

std::string Encode(const std::string& bytes, int options) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, options);
  encoder.rdbuf()->setLineLength(0);
  encoder << bytes;
  encoder.close();
  return out.str();
}

Poco::Timestamp ToTimestamp(std::chrono::system_clock::time_point t) {
  return Poco::Timestamp(
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

}  // namespace

std::string Base64UrlEncode(const std::string& bytes) {
  return Encode(bytes, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
}

std::string Base64UrlDecode(const std::string& text) {
  for (char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '=')) {
      throw std::invalid_argument("not base64url");
    }
  }
  try {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    std::string out((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
    if (decoder.bad()) throw std::invalid_argument("not base64url");
    return out;
  } catch (const Poco::Exception&) {
    throw std::invalid_argument("not base64url");
  }
}

std::string Base64Encode(const std::string& bytes) { return Encode(bytes, 0); }

std::vector<std::string> PemCertificates(const std::string& pem) {
  static const std::string kBegin = "-----BEGIN CERTIFICATE-----";
  static const std::string kEnd = "-----END CERTIFICATE-----";
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = pem.find(kBegin, pos)) != std::string::npos) {
    std::size_t end = pem.find(kEnd, pos);
    if (end == std::string::npos) break;
    end += kEnd.size();
    out.push_back(pem.substr(pos, end - pos) + "\n");
    pos = end;
  }
  return out;
}

std::string PemPrivateKey(const std::string& pem) {
  std::size_t begin = pem.find("-----BEGIN ");
  while (begin != std::string::npos) {
    const std::size_t label_end = pem.find("-----", begin + 11);
    if (label_end == std::string::npos) return {};
    const std::string label = pem.substr(begin + 11, label_end - begin - 11);
    if (label.size() >= 11 && label.compare(label.size() - 11, 11, "PRIVATE KEY") == 0) {
      const std::string end_marker = "-----END " + label + "-----";
      const std::size_t end = pem.find(end_marker, label_end);
      if (end == std::string::npos) return {};
      return pem.substr(begin, end + end_marker.size() - begin) + "\n";
    }
    begin = pem.find("-----BEGIN ", label_end);
  }
  return {};
}

std::string CertificateDer(const std::string& pem) {
  auto cert = ParsePem(pem);
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  if (len <= 0) throw std::runtime_error("i2d_X509 failed");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string Thumbprint(const std::string& der) { return CertificateThumbprint(der); }

std::string X5t(const std::string& der) { return Base64UrlEncode(CertificateSha1(der)); }

std::string X5tS256(const std::string& der) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(der.data()), der.size(), digest);
  return Base64UrlEncode(std::string(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::chrono::system_clock::time_point CertificateNotAfter(const std::string& pem) {
  auto cert = ParsePem(pem);
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) {
    throw std::runtime_error("bad notAfter");
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string NewGuid() {
  // Per-thread generator: ids are only trace decoration, and reading
  // /dev/urandom per id would cost a few syscalls on every reply.
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<std::uint64_t> dist;
  std::uint64_t high = dist(engine);
  std::uint64_t low = dist(engine);
  high = (high & ~0xF000ULL) | 0x4000ULL;            // version 4
  low = (low & ~(0xC0ULL << 56)) | (0x80ULL << 56);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(high >> 32),
                static_cast<unsigned long long>((high >> 16) & 0xFFFF),
                static_cast<unsigned long long>(high & 0xFFFF),
                static_cast<unsigned long long>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return out;
}

bool IsGuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::string HttpDate(std::chrono::system_clock::time_point t) {
  return Poco::DateTimeFormatter::format(ToTimestamp(t), Poco::DateTimeFormat::HTTP_FORMAT);
}

std::string AcsTimestamp(std::chrono::system_clock::time_point t) {
  return Poco::DateTimeFormatter::format(ToTimestamp(t), "%Y-%m-%d %H:%M:%SZ");
}

long long UnixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace pushprobe::emulator
