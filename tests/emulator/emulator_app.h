#pragma once

#include <Poco/Util/ServerApplication.h>

#include <optional>
#include <string>
#include <vector>

namespace pushprobe::emulator {

/// \brief The pushprobe-emulator command line: `lab` writes a lab, `serve` runs one.
///
/// Exit codes: 0 success, 64 usage error, 70 failure (EX_USAGE / EX_SOFTWARE).
class EmulatorApp final : public Poco::Util::ServerApplication {
 protected:
  void initialize(Poco::Util::Application& self) override;
  void defineOptions(Poco::Util::OptionSet& options) override;
  void handleOption(const std::string& name, const std::string& value) override;
  int main(const std::vector<std::string>& args) override;

 private:
  void PrintHelp() const;
  int RunLab();
  int RunServe();

  bool help_ = false;
  std::string dir_;
  std::optional<std::uint16_t> port_;
  std::vector<std::string> faults_;
  std::string tls_mode_ = "trusted";
  long long clock_offset_ = 0;
  bool ipv6_ = false;
  bool tls_resumption_ = true;
  bool verbose_ = false;
  std::string organization_;
  std::string tenant_;
  std::string auth_end_;
};

}  // namespace pushprobe::emulator
