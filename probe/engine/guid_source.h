#pragma once

#include <string>

namespace pushprobe {

/// \brief Source of request ids (client-request-id), injected so tests are exact.
class GuidSource {
 public:
  virtual ~GuidSource() = default;
  /// A GUID in the lower-case 8-4-4-4-12 form .NET prints.
  virtual std::string NewGuid() = 0;
};

/// \brief Random version-4 GUIDs from OpenSSL's CSPRNG. Thread-safe.
class RandomGuidSource final : public GuidSource {
 public:
  std::string NewGuid() override;
};

}  // namespace pushprobe
