#include "tests/emulator/application_registry.h"

#include <Poco/String.h>

#include <mutex>
#include <stdexcept>

#include "tests/emulator/crypto_util.h"

namespace pushprobe::emulator {

std::string ApplicationRegistry::Register(const std::string& application_id,
                                          const CertificateRegistration& registration) {
  if (!IsGuid(application_id)) {
    throw std::invalid_argument("application id '" + application_id + "' is not a GUID");
  }
  std::unique_lock<std::shared_mutex> lock(mu_);
  return apps_[Poco::toLower(application_id)].Register(registration);
}

bool ApplicationRegistry::HasApplication(const std::string& application_id) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return apps_.count(Poco::toLower(application_id)) > 0;
}

std::optional<CertificateRegistry::Entry> ApplicationRegistry::FindKey(
    const std::string& application_id, const std::string& x5t) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = apps_.find(Poco::toLower(application_id));
  if (it == apps_.end()) return std::nullopt;
  return it->second.FindByX5t(x5t);
}

}  // namespace pushprobe::emulator
