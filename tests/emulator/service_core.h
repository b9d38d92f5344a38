#pragma once

#include <chrono>
#include <string>

#include "probe/core/clock.h"
#include "tests/emulator/application_registry.h"
#include "tests/emulator/certificate_registry.h"
#include "tests/emulator/control_endpoint.h"
#include "tests/emulator/emulator_clock.h"
#include "tests/emulator/fault_responder.h"
#include "tests/emulator/fault_table.h"
#include "tests/emulator/http_exchange.h"
#include "tests/emulator/identity_platform_token_endpoint.h"
#include "tests/emulator/metadata_endpoint.h"
#include "tests/emulator/openid_configuration_endpoint.h"
#include "tests/emulator/publish_endpoint.h"
#include "tests/emulator/service_identity.h"
#include "tests/emulator/stats_recorder.h"
#include "tests/emulator/token_endpoint.h"
#include "tests/emulator/token_policy.h"
#include "tests/emulator/token_signer.h"

namespace pushprobe::emulator {

/// \brief The emulated services without a transport: state, routing and answers.
///
/// The TLS listener feeds it complete requests; everything here is
/// thread-safe and cheap enough to run on every connection thread.
class ServiceCore {
 public:
  enum class RouteKind { kService, kControl, kNotFound };
  struct Route {
    RouteKind kind = RouteKind::kNotFound;
    Stage stage = Stage::kMetadata;
  };

  /// \throw std::invalid_argument when the token-signing PEMs are unusable.
  ServiceCore(ServiceIdentity identity, TokenPolicy policy, const std::string& signing_cert_pem,
              const std::string& signing_key_pem, const pushprobe::Clock& base_clock,
              std::chrono::seconds clock_offset);

  /// Which service a request is for. A production Host name must match the
  /// service (outlook.office365.com serves no tokens; the identity platform's
  /// OpenID configuration and v2 token endpoint are on login.microsoftonline.com,
  /// as stage metadata and token); loopback and other names reach every service.
  Route Classify(const Request& request) const;

  /// The answer to a service request, with \p fault (may be null) in force,
  /// and counts it. Transport faults (slow, reset, truncated) are the caller's.
  Reply Serve(Stage stage, const Request& request, const Fault* fault);
  Reply Control(const Request& request) { return control_.Handle(request); }
  Reply NotFound(const Request& request);

  const ServiceIdentity& identity() const { return identity_; }
  EmulatorClock& clock() { return clock_; }
  FaultTable& faults() { return faults_; }
  StatsRecorder& stats() { return stats_; }
  CertificateRegistry& registry() { return registry_; }
  ApplicationRegistry& applications() { return applications_; }
  const MetadataEndpoint& metadata() const { return metadata_; }
  bool log_requests() const { return log_requests_; }
  void set_log_requests(bool on) { log_requests_ = on; }

 private:
  Reply ServeNormally(Stage stage, const Request& request, const Fault* fault);

  const ServiceIdentity identity_;
  EmulatorClock clock_;
  FaultTable faults_;
  StatsRecorder stats_;
  CertificateRegistry registry_;
  ApplicationRegistry applications_;
  TokenSigner signer_;
  MetadataEndpoint metadata_;
  OpenIdConfigurationEndpoint openid_configuration_;
  TokenEndpoint token_;
  IdentityPlatformTokenEndpoint v2_token_;
  PublishEndpoint publish_;
  FaultResponder fault_responder_;
  ControlEndpoint control_;
  bool log_requests_ = false;
};

}  // namespace pushprobe::emulator
