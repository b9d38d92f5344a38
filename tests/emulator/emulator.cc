#include "tests/emulator/emulator.h"

#include <Poco/Net/SSLManager.h>

#include <stdexcept>

#include "tests/emulator/service_core.h"
#include "tests/emulator/tls_listener.h"

namespace pushprobe::emulator {
namespace {

// OpenSSL state for Poco's TLS classes, once per process.
void InitializeSsl() {
  static const bool kInitialized = [] {
    Poco::Net::initializeSSL();
    return true;
  }();
  (void)kInitialized;
}

}  // namespace

Emulator::Emulator(EmulatorOptions options)
    : options_(std::move(options)),
      credentials_(options_.credentials.empty() ? LabCredentials::Generate()
                                                : options_.credentials),
      pool_(2, 2 * options_.max_threads + 4, 60),
      tls_mode_(options_.tls_mode),
      cipher_suites_(options_.cipher_suites) {
  InitializeSsl();
  const pushprobe::Clock& base =
      options_.base_clock ? *options_.base_clock : pushprobe::SystemClock::Instance();
  core_ = std::make_unique<ServiceCore>(ServiceIdentity{options_.organization, options_.tenant},
                                        options_.token_policy, credentials_.token_signing.cert_pem,
                                        credentials_.token_signing.key_pem, base,
                                        options_.clock_offset);
  if (options_.register_lab_auth && !credentials_.auth.empty()) {
    core_->registry().Register({credentials_.auth.cert_pem, std::nullopt});
  }
  for (const auto& registration : options_.registrations) core_->registry().Register(registration);
  if (options_.register_lab_application && !credentials_.auth.empty()) {
    core_->applications().Register(options_.lab_application_id,
                                   {credentials_.auth.cert_pem, std::nullopt});
  }
  for (const auto& [application_id, registration] : options_.application_registrations) {
    core_->applications().Register(application_id, registration);
  }
  for (const auto& fault : options_.faults) InjectFault(fault);
  core_->set_log_requests(options_.log_requests);
}

Emulator::~Emulator() { Stop(); }

void Emulator::StartListenersLocked() {
  TlsListener::Settings settings;
  settings.address = options_.bind_address;
  settings.port = port_ != 0 ? port_ : options_.port;
  settings.max_threads = options_.max_threads;
  settings.receive_timeout = options_.receive_timeout;
  settings.session_resumption = options_.tls_session_resumption;
  KeyPair identity = credentials_.server;
  if (tls_mode_ == TlsMode::kUntrustedCa) identity = credentials_.UntrustedServer();
  if (tls_mode_ == TlsMode::kWrongHost) identity = credentials_.wrong_host_server;
  settings.cert_pem = identity.cert_pem;
  settings.key_pem = identity.key_pem;
  settings.cipher_suites = cipher_suites_;

  listeners_.push_back(std::make_unique<TlsListener>(*core_, pool_, settings));
  port_ = listeners_.front()->port();
  if (options_.listen_ipv6) {
    settings.address = "::1";
    settings.port = port_;
    listeners_.push_back(std::make_unique<TlsListener>(*core_, pool_, settings));
  }
  core_->faults().Resume();
  for (auto& listener : listeners_) listener->Start();
}

void Emulator::StopListenersLocked() {
  core_->faults().Stop();
  for (auto& listener : listeners_) listener->Stop();
  pool_.joinAll();
  listeners_.clear();
}

void Emulator::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  StartListenersLocked();
  running_ = true;
}

void Emulator::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!running_) return;
  StopListenersLocked();
  running_ = false;
}

bool Emulator::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

std::uint16_t Emulator::port() const {
  std::lock_guard<std::mutex> lock(mu_);
  return port_;
}

std::string Emulator::base_url() const { return "https://127.0.0.1:" + std::to_string(port()); }

void Emulator::RestartListener(TlsMode mode) {
  std::lock_guard<std::mutex> lock(mu_);
  tls_mode_ = mode;
  if (!running_) return;
  StopListenersLocked();
  StartListenersLocked();
}

void Emulator::RestrictCipherSuites(const TlsCipherSuites& suites) {
  std::lock_guard<std::mutex> lock(mu_);
  cipher_suites_ = suites;
  if (!running_) return;
  StopListenersLocked();
  StartListenersLocked();
}

TlsCipherSuites Emulator::cipher_suites() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cipher_suites_;
}

TlsMode Emulator::tls_mode() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tls_mode_;
}

std::string Emulator::RegisterAuthCertificate(
    const std::string& cert_pem, std::optional<std::chrono::system_clock::time_point> not_after) {
  return core_->registry().Register({cert_pem, not_after});
}

bool Emulator::UnregisterAuthCertificate(const std::string& thumbprint) {
  return core_->registry().Unregister(thumbprint);
}

std::string Emulator::RegisterApplicationCertificate(
    const std::string& application_id, const std::string& cert_pem,
    std::optional<std::chrono::system_clock::time_point> not_after) {
  return core_->applications().Register(application_id, {cert_pem, not_after});
}

void Emulator::InjectFault(const Fault& fault) {
  fault.Validate();
  core_->faults().Add(fault);
}

void Emulator::ClearFaults() { core_->faults().Clear(); }

std::vector<Fault> Emulator::faults() const { return core_->faults().List(); }

void Emulator::SetClockOffset(std::chrono::seconds offset) { core_->clock().SetOffset(offset); }

std::chrono::seconds Emulator::clock_offset() const { return core_->clock().offset(); }

std::chrono::system_clock::time_point Emulator::Now() const { return core_->clock().Now(); }

Stats Emulator::stats() const {
  Stats stats = core_->stats().Snapshot();
  stats.waiting = static_cast<std::uint64_t>(core_->faults().waiting());
  return stats;
}

void Emulator::ResetStats() { core_->stats().Reset(); }

const ServiceIdentity& Emulator::identity() const { return core_->identity(); }

const std::string& Emulator::metadata_document() const { return core_->metadata().document(); }

}  // namespace pushprobe::emulator
