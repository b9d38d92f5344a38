#include "tests/emulator/lab_credentials.h"

#include "tests/emulator/constants.h"
#include "tests/support/test_pki.h"

namespace pushprobe::emulator {
namespace {

using pushprobe::testing::CertSpec;
using pushprobe::testing::IssuedCert;

KeyPair FromIssued(const IssuedCert& cert) { return {cert.cert_pem, cert.key_pem}; }

CertSpec ServerSpec() {
  CertSpec spec;
  spec.common_name = std::string(kOutlookHost);
  spec.dns_names = {std::string(kOutlookHost), std::string(kAcsHost), std::string(kLoginHost),
                    "localhost"};
  spec.ip_addresses = {"127.0.0.1", "::1"};
  return spec;
}

CertSpec AuthSpec(const std::string& cn, bool fresh_key) {
  CertSpec spec;
  spec.common_name = cn;
  spec.key_bits = 2048;
  spec.fresh_key = fresh_key;
  spec.valid_to_offset = std::chrono::hours(24 * 365 * 2);
  return spec;
}

}  // namespace

LabCredentials LabCredentials::Generate(bool fresh_keys) {
  const auto ca = pushprobe::testing::TestCa::Create("pushprobe emulator test CA");
  LabCredentials out;
  out.ca = FromIssued(ca.root());
  CertSpec server = ServerSpec();
  server.fresh_key = fresh_keys;
  out.server = FromIssued(ca.Issue(server));
  CertSpec wrong;
  wrong.common_name = "wrong-host.pushprobe.invalid";
  wrong.dns_names = {"wrong-host.pushprobe.invalid"};
  out.wrong_host_server = FromIssued(ca.Issue(wrong));
  // The unregistered Auth key is always its own, so an assertion it signs can
  // never verify with the registered certificate by accident. The signing key
  // may be shared: tokens are matched to it by x5t before any signature check.
  out.token_signing = FromIssued(pushprobe::testing::SelfSigned(
      AuthSpec("accounts.accesscontrol.windows.net token signing", fresh_keys)));
  out.auth = FromIssued(pushprobe::testing::SelfSigned(
      AuthSpec("Microsoft Exchange Server Auth Certificate", fresh_keys)));
  out.next_auth = FromIssued(pushprobe::testing::SelfSigned(
      AuthSpec("Microsoft Exchange Server Auth Certificate (next)", fresh_keys)));
  out.unregistered_auth = FromIssued(pushprobe::testing::SelfSigned(
      AuthSpec("Microsoft Exchange Server Auth Certificate (unregistered)", true)));
  return out;
}

KeyPair LabCredentials::UntrustedServer() const {
  const auto untrusted_ca = pushprobe::testing::TestCa::Create("untrusted CA");
  return FromIssued(untrusted_ca.Issue(ServerSpec()));
}

}  // namespace pushprobe::emulator
