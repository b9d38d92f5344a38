#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "probe/core/clock.h"
#include "tests/emulator/certificate_registry.h"
#include "tests/emulator/constants.h"
#include "tests/emulator/fault.h"
#include "tests/emulator/lab_credentials.h"
#include "tests/emulator/tls_mode.h"
#include "tests/emulator/token_policy.h"

namespace pushprobe::emulator {

/// \brief Everything an Emulator starts with. The defaults make a working
/// emulator: fresh credentials, the lab Auth certificate registered, port 0.
struct EmulatorOptions {
  std::string organization{kDefaultOrganization};
  std::string tenant{kDefaultTenant};
  std::string bind_address = "127.0.0.1";
  /// Also listen on ::1, same port.
  bool listen_ipv6 = false;
  /// 0 picks a free port; read it back with Emulator::port().
  std::uint16_t port = 0;

  /// Empty: generated at construction (LabCredentials::Generate()).
  LabCredentials credentials;
  /// Register credentials.auth (with its own notAfter as end date).
  bool register_lab_auth = true;
  /// Further registrations, e.g. with an end date in the past.
  std::vector<CertificateRegistration> registrations;

  /// Identity platform v2 (docs/protocol.md 2.6): register credentials.auth on the
  /// application lab_application_id (with its own notAfter as end date).
  bool register_lab_application = true;
  std::string lab_application_id{kLabApplicationId};
  /// Further certificate credentials on applications: application id, registration.
  std::vector<std::pair<std::string, CertificateRegistration>> application_registrations;

  /// Added to base_clock: the service's clock skew.
  std::chrono::seconds clock_offset{0};
  /// Null means the system clock. Must outlive the Emulator.
  const pushprobe::Clock* base_clock = nullptr;

  TlsMode tls_mode = TlsMode::kTrusted;
  /// false: no session cache and no tickets, so every handshake is a full
  /// one; benchmarks compare a check with clients that never resume.
  bool tls_session_resumption = true;
  /// The only cipher suites the listener accepts (OpenSSL names), to play a
  /// service that retired some; empty: OpenSSL's defaults.
  TlsCipherSuites cipher_suites;
  TokenPolicy token_policy;
  /// Faults in force from the start.
  std::vector<Fault> faults;

  /// Connection threads per listener; slow faults hold one each while they wait.
  int max_threads = 32;
  std::chrono::seconds receive_timeout{10};
  /// Log one line per request (method, host, path, status, reason; never
  /// credentials) to the Poco logger "pushprobe.emulator".
  bool log_requests = false;
};

}  // namespace pushprobe::emulator
