#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tests/emulator/constants.h"
#include "tests/emulator/emulator_options.h"
#include "tests/emulator/lab_credentials.h"

namespace pushprobe::emulator {

/// \brief What WriteLab() should make.
struct LabOptions {
  std::string organization{kDefaultOrganization};
  std::string tenant{kDefaultTenant};
  std::string bind_address = "127.0.0.1";
  /// 0 picks a free port now (bind, read, close), so pushprobe.yml can name it.
  std::uint16_t port = 0;
  /// EndDate of the Auth certificate's registration; unset: the certificate's notAfter.
  std::optional<std::chrono::system_clock::time_point> auth_registration_end;
  /// Own key per certificate, as a real lab would have (slower).
  bool fresh_keys = true;
  /// The application (client) id the Auth certificate is registered on for
  /// the identity platform v2 flow (target fabrikam-v2).
  std::string application_id{kLabApplicationId};
};

/// \brief A lab on disk: credentials, the emulator's state and a pushprobe
/// config that reaches the emulator through connect_to with production names.
///
/// Files in dir: ca.pem, server.pem, server.key, wrong-host.pem, wrong-host.key,
/// token-signing.pem (certificate + key), auth.pem, next-auth.pem (registered
/// too) and unregistered-auth.pem (certificate + key each), emulator.yml,
/// pushprobe.yml. pushprobe.yml's targets, in this order: fabrikam (ACS,
/// healthy), fabrikam-unregistered (ACS, AADSTS700027), fabrikam-v2 (identity
/// platform v2, healthy), then the rollover ones, healthy with a next
/// certificate: fabrikam-rollover (next-auth.pem, registered) and
/// fabrikam-rollover-unregistered (unregistered-auth.pem as the next
/// certificate, effective 30 days after the lab was written); the scripts that
/// take the first target get the healthy ACS one.
struct Lab {
  static constexpr const char* kCa = "ca.pem";
  static constexpr const char* kServerCert = "server.pem";
  static constexpr const char* kServerKey = "server.key";
  static constexpr const char* kWrongHostCert = "wrong-host.pem";
  static constexpr const char* kWrongHostKey = "wrong-host.key";
  static constexpr const char* kTokenSigning = "token-signing.pem";
  static constexpr const char* kAuth = "auth.pem";
  static constexpr const char* kUnregisteredAuth = "unregistered-auth.pem";
  static constexpr const char* kNextAuth = "next-auth.pem";
  static constexpr const char* kEmulatorConfig = "emulator.yml";
  static constexpr const char* kPushprobeConfig = "pushprobe.yml";

  std::string dir;
  std::string organization;
  std::string tenant;
  std::string bind_address;
  std::uint16_t port = 0;
  std::optional<std::chrono::system_clock::time_point> auth_registration_end;
  std::string application_id{kLabApplicationId};
  LabCredentials credentials;

  /// dir/file
  std::string Path(const std::string& file) const;
  /// Options that serve this lab: its credentials, the Auth certificate
  /// registered (with its end date) on Exchange's service principal and on
  /// the v2 application, the next Auth certificate on the service principal,
  /// its port.
  EmulatorOptions ToOptions() const;
};

/// What `pushprobe-emulator lab` prints after writing \p lab: how to serve it
/// and the pushprobe command line that probes it (`pushprobe run --config ...`).
std::string LabInstructions(const Lab& lab);
/// Writes a complete lab into \p dir (created if missing; files overwritten).
/// \throw std::runtime_error on I/O or PKI failure.
Lab WriteLab(const std::string& dir, const LabOptions& options = {});
/// Reads a lab written by WriteLab(). \throw std::runtime_error naming the problem.
Lab LoadLab(const std::string& dir);
/// A quick lab for tests: defaults, shared keys where harmless.
Lab MakeLab(const std::string& dir);
/// A port that was free a moment ago on \p address.
std::uint16_t PickFreePort(const std::string& address = "127.0.0.1");

}  // namespace pushprobe::emulator
