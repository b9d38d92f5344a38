#include "tests/emulator/bearer_challenge.h"

#include "tests/emulator/constants.h"

namespace pushprobe::emulator {

std::string BearerChallenge::ToString() const {
  std::string out = "Bearer ";
  if (realm) out += "realm=\"" + *realm + "\", ";
  out += "client_id=\"" + std::string(kExchangePrincipal) + "\", trusted_issuers=\"" +
         trusted_issuers +
         "\", token_types=\"app_asserted_user_v1 service_asserted_app_v1\", "
         "authorization_uri=\"https://" +
         std::string(kLoginHost) + "/common/oauth2/authorize\"";
  if (error) out += ", error=\"" + *error + "\"";
  out += ",Basic Realm=\"\"";
  return out;
}

}  // namespace pushprobe::emulator
