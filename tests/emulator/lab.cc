#include "tests/emulator/lab.h"

#include <yaml-cpp/yaml.h>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/emulator/crypto_util.h"
#include "tests/support/test_pki.h"

namespace pushprobe::emulator {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Files holding a private key are for their owner only, like real key material.
void WritePrivate(const std::string& path, const std::string& content) {
  pushprobe::testing::WriteFile(path, content);
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
}

KeyPair SplitCombined(const std::string& pem, const std::string& path) {
  auto certs = PemCertificates(pem);
  KeyPair pair{certs.empty() ? "" : certs.front(), PemPrivateKey(pem)};
  if (pair.cert_pem.empty() || pair.key_pem.empty()) {
    throw std::runtime_error(path + " must hold a certificate and its private key");
  }
  return pair;
}

std::string Iso8601(std::chrono::system_clock::time_point t) {
  return Poco::DateTimeFormatter::format(
      Poco::Timestamp::fromEpochTime(std::chrono::system_clock::to_time_t(t)),
      Poco::DateTimeFormat::ISO8601_FORMAT);
}

std::chrono::system_clock::time_point ParseIso8601(const std::string& text) {
  int tzd = 0;
  Poco::DateTime parsed;
  if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, text, parsed, tzd)) {
    throw std::runtime_error("not an ISO 8601 time: " + text);
  }
  return std::chrono::system_clock::from_time_t(parsed.timestamp().epochTime() - tzd);
}

std::string EmulatorYaml(const Lab& lab) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "organization" << YAML::Value << lab.organization;
  out << YAML::Key << "tenant" << YAML::Value << lab.tenant;
  out << YAML::Key << "bind_address" << YAML::Value << lab.bind_address;
  out << YAML::Key << "port" << YAML::Value << lab.port;
  out << YAML::Key << "ca" << YAML::Value << Lab::kCa;
  out << YAML::Key << "server_certificate" << YAML::Value << Lab::kServerCert;
  out << YAML::Key << "server_key" << YAML::Value << Lab::kServerKey;
  out << YAML::Key << "wrong_host_certificate" << YAML::Value << Lab::kWrongHostCert;
  out << YAML::Key << "wrong_host_key" << YAML::Value << Lab::kWrongHostKey;
  out << YAML::Key << "token_signing" << YAML::Value << Lab::kTokenSigning;
  out << YAML::Key << "application_id" << YAML::Value << lab.application_id;
  out << YAML::Key << "registered_certificates" << YAML::Value << YAML::BeginSeq;
  out << YAML::BeginMap;
  out << YAML::Key << "file" << YAML::Value << Lab::kAuth;
  out << YAML::Key << "thumbprint" << YAML::Value
      << Thumbprint(CertificateDer(lab.credentials.auth.cert_pem));
  if (lab.auth_registration_end) {
    out << YAML::Key << "not_after" << YAML::Value << Iso8601(*lab.auth_registration_end);
  }
  out << YAML::EndMap;
  if (!lab.credentials.next_auth.empty()) {
    out << YAML::BeginMap;
    out << YAML::Key << "file" << YAML::Value << Lab::kNextAuth;
    out << YAML::Key << "thumbprint" << YAML::Value
        << Thumbprint(CertificateDer(lab.credentials.next_auth.cert_pem));
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "unregistered_certificates" << YAML::Value << YAML::BeginSeq;
  out << YAML::BeginMap;
  out << YAML::Key << "file" << YAML::Value << Lab::kUnregisteredAuth;
  out << YAML::Key << "thumbprint" << YAML::Value
      << Thumbprint(CertificateDer(lab.credentials.unregistered_auth.cert_pem));
  out << YAML::EndMap << YAML::EndSeq;
  out << YAML::EndMap;
  return "# pushprobe-emulator lab state, written by `pushprobe-emulator lab`,\n"
         "# read by `pushprobe-emulator serve --lab DIR`.\n" +
         std::string(out.c_str()) + "\n";
}

std::string PushprobeYaml(const Lab& lab) {
  const std::string port = std::to_string(lab.port);
  // Inside --rollover-critical's default window of 7 days it would be
  // CRITICAL; 30 days out it is the plugin's WARNING.
  const auto effective = std::chrono::system_clock::now() + std::chrono::hours(24 * 30);
  auto target = [&](const std::string& name, const std::string& certificate,
                    const std::string& token_host, const std::string& flow) {
    return "  - name: " + name + "\n    organization: " + lab.organization +
           "\n    certificate: " + certificate + "\n    ca_file: " + Lab::kCa + flow +
           "\n    connect_to:\n      - \"" + std::string(kOutlookHost) +
           ":443:" + lab.bind_address + ":" + port + "\"\n      - \"" + token_host +
           ":443:" + lab.bind_address + ":" + port + "\"\n    timeout: 10s\n    interval: 30s\n";
  };
  const std::string acs(kAcsHost);
  // Last, so that whatever takes the first target keeps the ACS one.
  const std::string v2 =
      "\n    token_flow: identity-platform\n    application_id: " + lab.application_id;
  return "# pushprobe configuration for the emulator lab in this directory.\n"
         "# Production host names, routed to the emulator by connect_to.\n"
         "targets:\n" +
         target("fabrikam", Lab::kAuth, acs, "") +
         target("fabrikam-unregistered", Lab::kUnregisteredAuth, acs, "") +
         target("fabrikam-v2", Lab::kAuth, std::string(kLoginHost), v2) +
         target("fabrikam-rollover", Lab::kAuth, acs,
                "\n    next_certificate: " + std::string(Lab::kNextAuth)) +
         target("fabrikam-rollover-unregistered", Lab::kAuth, acs,
                "\n    next_certificate: " + std::string(Lab::kUnregisteredAuth) +
                    "\n    next_effective_date: " + Iso8601(effective));
}

}  // namespace

std::string Lab::Path(const std::string& file) const { return (fs::path(dir) / file).string(); }

EmulatorOptions Lab::ToOptions() const {
  EmulatorOptions options;
  options.organization = organization;
  options.tenant = tenant;
  options.bind_address = bind_address;
  options.port = port;
  options.credentials = credentials;
  options.register_lab_auth = false;
  options.registrations.push_back({credentials.auth.cert_pem, auth_registration_end});
  if (!credentials.next_auth.empty()) {
    options.registrations.push_back({credentials.next_auth.cert_pem, std::nullopt});
  }
  options.register_lab_application = false;
  options.application_registrations.push_back(
      {application_id, {credentials.auth.cert_pem, auth_registration_end}});
  return options;
}

std::uint16_t PickFreePort(const std::string& address) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(address, 0));
  const std::uint16_t port = socket.address().port();
  socket.close();
  return port;
}

Lab WriteLab(const std::string& dir, const LabOptions& options) {
  Lab lab;
  lab.dir = dir;
  lab.organization = options.organization;
  lab.tenant = options.tenant;
  lab.bind_address = options.bind_address;
  lab.port = options.port != 0 ? options.port : PickFreePort(options.bind_address);
  lab.auth_registration_end = options.auth_registration_end;
  lab.application_id = options.application_id;
  lab.credentials = LabCredentials::Generate(options.fresh_keys);

  fs::create_directories(dir);
  const auto& c = lab.credentials;
  pushprobe::testing::WriteFile(lab.Path(Lab::kCa), c.ca.cert_pem);
  pushprobe::testing::WriteFile(lab.Path(Lab::kServerCert), c.server.cert_pem + c.ca.cert_pem);
  WritePrivate(lab.Path(Lab::kServerKey), c.server.key_pem);
  pushprobe::testing::WriteFile(lab.Path(Lab::kWrongHostCert), c.wrong_host_server.cert_pem);
  WritePrivate(lab.Path(Lab::kWrongHostKey), c.wrong_host_server.key_pem);
  WritePrivate(lab.Path(Lab::kTokenSigning), c.token_signing.CombinedPem());
  WritePrivate(lab.Path(Lab::kAuth), c.auth.CombinedPem());
  WritePrivate(lab.Path(Lab::kUnregisteredAuth), c.unregistered_auth.CombinedPem());
  WritePrivate(lab.Path(Lab::kNextAuth), c.next_auth.CombinedPem());
  pushprobe::testing::WriteFile(lab.Path(Lab::kEmulatorConfig), EmulatorYaml(lab));
  pushprobe::testing::WriteFile(lab.Path(Lab::kPushprobeConfig), PushprobeYaml(lab));
  return lab;
}

Lab MakeLab(const std::string& dir) {
  LabOptions options;
  options.fresh_keys = false;
  return WriteLab(dir, options);
}

Lab LoadLab(const std::string& dir) {
  Lab lab;
  lab.dir = dir;
  const std::string config_path = lab.Path(Lab::kEmulatorConfig);
  try {
    const YAML::Node config = YAML::LoadFile(config_path);
    auto file = [&](const char* key) {
      if (!config[key]) throw std::runtime_error(std::string("missing key '") + key + "'");
      return ReadFile(lab.Path(config[key].as<std::string>()));
    };
    lab.organization = config["organization"].as<std::string>();
    lab.tenant = config["tenant"].as<std::string>();
    lab.bind_address = config["bind_address"].as<std::string>("127.0.0.1");
    lab.port = config["port"].as<std::uint16_t>(0);
    // Labs written before the v2 flow have none: the default application.
    lab.application_id = config["application_id"].as<std::string>(std::string(kLabApplicationId));
    auto& c = lab.credentials;
    c.ca.cert_pem = file("ca");
    c.server = {file("server_certificate"), file("server_key")};
    c.wrong_host_server = {file("wrong_host_certificate"), file("wrong_host_key")};
    c.token_signing = SplitCombined(file("token_signing"), "token_signing");
    const YAML::Node registered = config["registered_certificates"];
    if (!registered || !registered.IsSequence() || registered.size() == 0) {
      throw std::runtime_error("registered_certificates must list the Auth certificate");
    }
    const std::string auth_file = registered[0]["file"].as<std::string>();
    c.auth = SplitCombined(ReadFile(lab.Path(auth_file)), auth_file);
    if (registered[0]["not_after"]) {
      lab.auth_registration_end = ParseIso8601(registered[0]["not_after"].as<std::string>());
    }
    // Labs written before the rollover targets have no next certificate.
    if (registered.size() > 1) {
      const std::string next_file = registered[1]["file"].as<std::string>();
      c.next_auth = SplitCombined(ReadFile(lab.Path(next_file)), next_file);
    }
    const YAML::Node unregistered = config["unregistered_certificates"];
    if (unregistered && unregistered.IsSequence() && unregistered.size() > 0) {
      const std::string name = unregistered[0]["file"].as<std::string>();
      c.unregistered_auth = SplitCombined(ReadFile(lab.Path(name)), name);
    }
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(config_path + ": " + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(config_path + ": " + e.what());
  }
  return lab;
}

std::string LabInstructions(const Lab& lab) {
  return "lab written to " + lab.dir + " (port " + std::to_string(lab.port) + ")\n" +
         "serve it:  pushprobe-emulator serve --lab " + lab.dir + "\n" +
         "probe it:  pushprobe run --config " + lab.Path(Lab::kPushprobeConfig) + "\n";
}

}  // namespace pushprobe::emulator
