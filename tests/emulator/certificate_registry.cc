#include "tests/emulator/certificate_registry.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Exception.h>

#include <mutex>
#include <sstream>
#include <stdexcept>

#include "tests/emulator/crypto_util.h"

namespace pushprobe::emulator {

std::string CertificateRegistry::Register(const CertificateRegistration& registration) {
  Entry entry;
  try {
    std::istringstream in(registration.cert_pem);
    Poco::Crypto::X509Certificate cert(in);
    EVP_PKEY* key = X509_get0_pubkey(cert.certificate());
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
        EVP_PKEY_get_bits(key) < 2048) {
      throw std::invalid_argument("an Auth certificate needs an RSA key of at least 2048 bits");
    }
    entry.public_key = new Poco::Crypto::RSAKey(cert);
    const std::string der = CertificateDer(registration.cert_pem);
    entry.thumbprint = Thumbprint(der);
    entry.x5t = X5t(der);
    entry.x5t_s256 = X5tS256(der);
    entry.not_after = registration.not_after.value_or(CertificateNotAfter(registration.cert_pem));
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("cannot register certificate: " + e.displayText());
  } catch (const std::runtime_error& e) {
    throw std::invalid_argument(std::string("cannot register certificate: ") + e.what());
  }
  std::string thumbprint = entry.thumbprint;
  std::unique_lock<std::shared_mutex> lock(mu_);
  by_x5t_[entry.x5t] = std::move(entry);
  return thumbprint;
}

bool CertificateRegistry::Unregister(const std::string& thumbprint) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  for (auto it = by_x5t_.begin(); it != by_x5t_.end(); ++it) {
    if (it->second.thumbprint == thumbprint) {
      by_x5t_.erase(it);
      return true;
    }
  }
  return false;
}

std::optional<CertificateRegistry::Entry> CertificateRegistry::FindByX5t(
    const std::string& x5t) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = by_x5t_.find(x5t);
  if (it == by_x5t_.end()) return std::nullopt;
  return it->second;
}

std::vector<CertificateRegistry::Entry> CertificateRegistry::List() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<Entry> out;
  for (const auto& [x5t, entry] : by_x5t_) out.push_back(entry);
  return out;
}

}  // namespace pushprobe::emulator
