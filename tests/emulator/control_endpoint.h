#pragma once

#include <chrono>

#include "tests/emulator/certificate_registry.h"
#include "tests/emulator/emulator_clock.h"
#include "tests/emulator/fault_table.h"
#include "tests/emulator/http_exchange.h"
#include "tests/emulator/stats_recorder.h"

namespace pushprobe::emulator {

/// \brief /_emulator/*: the emulator's own control API on the service port.
///
///   GET    /_emulator/stats          counters (Stats::ToJson); DELETE resets them
///   GET    /_emulator/fault          {"faults":[...]} in force
///   POST   /_emulator/fault          add: a fault object (Fault::FromJson), an array of
///                                    them, or {"spec":"stage[@count]:kind[:arg]"}
///   DELETE /_emulator/fault          clear all faults (wakes slow answers)
///   GET    /_emulator/clock          {"offset_seconds":N}
///   POST   /_emulator/clock          set it: {"offset_seconds":N}; DELETE sets 0
///   GET    /_emulator/certificates   registered Auth certificates
///   POST   /_emulator/certificates   register the PEM body; ?not_after=<unix seconds>
///   DELETE /_emulator/certificates?thumbprint=HEX   unregister
class ControlEndpoint {
 public:
  ControlEndpoint(FaultTable& faults, StatsRecorder& stats, EmulatorClock& clock,
                  CertificateRegistry& registry);

  Reply Handle(const Request& request);

 private:
  Reply Faults(const Request& request);
  Reply Clock(const Request& request);
  Reply Certificates(const Request& request);

  FaultTable& faults_;
  StatsRecorder& stats_;
  EmulatorClock& clock_;
  CertificateRegistry& registry_;
};

}  // namespace pushprobe::emulator
