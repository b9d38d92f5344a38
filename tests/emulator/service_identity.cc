#include "tests/emulator/service_identity.h"

#include <Poco/String.h>

namespace pushprobe::emulator {

bool ServiceIdentity::IsRealm(const std::string& realm) const {
  return Poco::icompare(realm, organization) == 0 || Poco::icompare(realm, tenant) == 0;
}

}  // namespace pushprobe::emulator
