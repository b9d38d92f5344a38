#pragma once

#include <Poco/ThreadPool.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tests/emulator/emulator_options.h"
#include "tests/emulator/fault.h"
#include "tests/emulator/lab_credentials.h"
#include "tests/emulator/service_identity.h"
#include "tests/emulator/stats.h"
#include "tests/emulator/tls_mode.h"

namespace pushprobe::emulator {

class ServiceCore;
class TlsListener;

/// \brief A strict Office 365 emulator on one HTTPS port: ACS metadata and
/// token endpoint, the identity platform's OpenID configuration and v2 token
/// endpoint, and the push proxy, routed by path (docs/protocol.md).
///
/// Reach it with the production host names (SNI and Host
/// accounts.accesscontrol.windows.net / outlook.office365.com) over a TCP
/// connection to 127.0.0.1:port(), as curl's connect_to does, or with
/// localhost/127.0.0.1. All methods are thread-safe.
class Emulator {
 public:
  /// \throw std::invalid_argument for unusable options (bad PEM, bad fault).
  explicit Emulator(EmulatorOptions options = {});
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  /// Binds and serves. \throw Poco::Exception when the port cannot be bound.
  void Start();
  /// Stops promptly: wakes slow faults, aborts connections, joins handlers. Idempotent.
  void Stop();
  bool running() const;
  /// The bound port (valid after Start(), kept across RestartListener()).
  std::uint16_t port() const;
  /// "https://127.0.0.1:<port>"
  std::string base_url() const;

  /// Restarts the listener on the same port with another certificate.
  void RestartListener(TlsMode mode);
  TlsMode tls_mode() const;
  /// Restarts the listener on the same port accepting only \p suites (empty:
  /// OpenSSL's defaults again), as a service that retired cipher suites.
  void RestrictCipherSuites(const TlsCipherSuites& suites);
  TlsCipherSuites cipher_suites() const;

  /// New-MsolServicePrincipalCredential: register an Auth certificate, with an
  /// optional end date (default: the certificate's notAfter). Returns its thumbprint.
  /// \throw std::invalid_argument for a bad PEM or a key that is not RSA >= 2048.
  std::string RegisterAuthCertificate(
      const std::string& cert_pem,
      std::optional<std::chrono::system_clock::time_point> not_after = std::nullopt);
  bool UnregisterAuthCertificate(const std::string& thumbprint);
  /// Adds a certificate credential to an application (app registration) for
  /// the identity platform v2 token endpoint. Returns its thumbprint.
  /// \throw std::invalid_argument for a bad application id, PEM or key.
  std::string RegisterApplicationCertificate(
      const std::string& application_id, const std::string& cert_pem,
      std::optional<std::chrono::system_clock::time_point> not_after = std::nullopt);

  /// \throw std::invalid_argument when the fault is inconsistent.
  void InjectFault(const Fault& fault);
  /// Removes all faults; pending slow answers then answer normally.
  void ClearFaults();
  std::vector<Fault> faults() const;

  void SetClockOffset(std::chrono::seconds offset);
  std::chrono::seconds clock_offset() const;
  /// The emulator's "now" (base clock + offset).
  std::chrono::system_clock::time_point Now() const;

  Stats stats() const;
  void ResetStats();

  const LabCredentials& credentials() const { return credentials_; }
  const ServiceIdentity& identity() const;
  /// The metadata document the emulator serves.
  const std::string& metadata_document() const;

 private:
  void StartListenersLocked();
  void StopListenersLocked();

  const EmulatorOptions options_;
  LabCredentials credentials_;
  std::unique_ptr<ServiceCore> core_;
  Poco::ThreadPool pool_;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<TlsListener>> listeners_;
  std::uint16_t port_ = 0;
  TlsMode tls_mode_;
  TlsCipherSuites cipher_suites_;
  bool running_ = false;
};

}  // namespace pushprobe::emulator
