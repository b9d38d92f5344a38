#include "tests/emulator/emulator_app.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <iostream>
#include <stdexcept>

#include "tests/emulator/emulator.h"
#include "tests/emulator/fault.h"
#include "tests/emulator/lab.h"
#include "tests/emulator/tls_mode.h"

namespace pushprobe::emulator {
namespace {

constexpr int kExitUsage = 64;
constexpr int kExitFailure = 70;

constexpr char kDetails[] = R"(Commands:
  lab   --dir DIR [--port N] [--organization D] [--tenant GUID] [--auth-end ISO8601]
        Write a lab into DIR: ca.pem, server.pem/server.key, wrong-host.pem/.key,
        token-signing.pem, auth.pem (registered Auth certificate + key),
        next-auth.pem (registered next Auth certificate), unregistered-auth.pem,
        emulator.yml (the emulator's state) and pushprobe.yml (targets reaching the
        emulator with connect_to: fabrikam and fabrikam-unregistered (ACS), then
        fabrikam-v2 (identity platform v2, with auth.pem registered on application
        6731de76-14a6-49ae-97bc-6eba6914391e), then fabrikam-rollover (next
        certificate registered) and fabrikam-rollover-unregistered (next
        certificate not registered, effective in 30 days)). --port 0 (default) picks a
        free port now and writes it. --auth-end sets the registration's end date.
  serve --lab DIR [--port N] [--fault SPEC]... [--tls MODE] [--clock-offset S] [--ipv6]
        [--no-tls-resumption]
        Serve the lab on 127.0.0.1 (and ::1 with --ipv6). The first line on stdout
        is "listening on 127.0.0.1:PORT". SIGINT/SIGTERM stop it cleanly.

Fault SPEC: stage[@count]:kind[:arg]   (count: uses before it disappears; default forever)
  stages: metadata | challenge (publish without a token) | token | publish
          (metadata and token cover both ACS and the identity platform v2 endpoints)
  status:CODE[:BODY]        answer CODE (default body typical of the stage)
  redirect[:URL]            302 with Location URL
  malformed[:BODY]          200 with a body that is not JSON
  oversized[:SIZE]          200 with a SIZE-byte body (K/M suffixes; default 5M)
  truncated[:SIZE]          Content-Length SIZE (or body+1), half the body, then close
  slow[:DELAY]              wait DELAY (ms, or with ms/s suffix; default 30s), then answer
  reset                     TCP RST instead of an answer
  challenge only: untrusted-issuer[:ISSUERS] | realm[:REALM] | no-challenge
  token only:     unregistered | expired-registration | skew:SECONDS |
                  oauth-error[:ERROR[:DESCRIPTION]]
  publish only:   diagnostics[:X-MS-DIAGNOSTICS]
  e.g. --fault token@1:status:503  --fault publish:slow:15s  --fault token:skew:1200

TLS MODE: trusted | untrusted-ca | wrong-host

Control API on the same port (Host localhost or 127.0.0.1):
  GET /_emulator/stats   POST|GET|DELETE /_emulator/fault   GET|POST|DELETE /_emulator/clock
  GET|POST|DELETE /_emulator/certificates
  POST /_emulator/fault takes {"spec":"token@1:status:503"} or
  {"stage":"token","kind":"status","status":503,"body":"...","headers":{...},"count":1,
   "delay_ms":0}.
Every rejection carries X-Emulator-Reason (not sent by the real service).
)";

}  // namespace

void EmulatorApp::initialize(Poco::Util::Application& self) {
  // No configuration files: everything comes from the command line and the lab.
  Poco::Util::ServerApplication::initialize(self);
}

void EmulatorApp::defineOptions(Poco::Util::OptionSet& options) {
  Poco::Util::ServerApplication::defineOptions(options);
  using Poco::Util::Option;
  options.addOption(Option("help", "h", "Show this help and exit."));
  options.addOption(Option("dir", "", "lab: directory to write.").argument("DIR"));
  options.addOption(Option("lab", "", "serve: lab directory to serve.").argument("DIR"));
  options.addOption(Option("port", "p", "Port (0: pick a free one).").argument("N"));
  options.addOption(Option("fault", "f", "serve: inject a fault (repeatable).")
                        .argument("SPEC")
                        .repeatable(true));
  options.addOption(
      Option("tls", "", "serve: trusted | untrusted-ca | wrong-host.").argument("MODE"));
  options.addOption(
      Option("clock-offset", "", "serve: the service clock's offset in seconds.").argument("S"));
  options.addOption(Option("ipv6", "", "serve: also listen on ::1."));
  options.addOption(Option("no-tls-resumption", "",
                           "serve: no TLS session cache or tickets (every handshake full)."));
  options.addOption(Option("verbose", "v", "serve: log every request to stderr."));
  options.addOption(Option("organization", "", "lab: organization domain.").argument("DOMAIN"));
  options.addOption(Option("tenant", "", "lab: tenant GUID.").argument("GUID"));
  options.addOption(
      Option("auth-end", "", "lab: Auth registration end date (ISO 8601).").argument("TIME"));
}

void EmulatorApp::handleOption(const std::string& name, const std::string& value) {
  Poco::Util::ServerApplication::handleOption(name, value);
  if (name == "help") {
    help_ = true;
    stopOptionsProcessing();
  } else if (name == "dir" || name == "lab") {
    dir_ = value;
  } else if (name == "port") {
    const int port = std::stoi(value);
    if (port < 0 || port > 65535) throw Poco::InvalidArgumentException("--port out of range");
    port_ = static_cast<std::uint16_t>(port);
  } else if (name == "fault") {
    faults_.push_back(value);
  } else if (name == "tls") {
    tls_mode_ = value;
  } else if (name == "clock-offset") {
    clock_offset_ = std::stoll(value);
  } else if (name == "no-tls-resumption") {
    tls_resumption_ = false;
  } else if (name == "ipv6") {
    ipv6_ = true;
  } else if (name == "verbose") {
    verbose_ = true;
  } else if (name == "organization") {
    organization_ = value;
  } else if (name == "tenant") {
    tenant_ = value;
  } else if (name == "auth-end") {
    auth_end_ = value;
  }
}

void EmulatorApp::PrintHelp() const {
  Poco::Util::HelpFormatter help(options());
  help.setCommand("pushprobe-emulator");
  help.setUsage("lab|serve [OPTIONS]");
  help.setHeader(
      "A strict Office 365 emulator (ACS S2S and identity platform v2 token issuers, push proxy) "
      "for pushprobe.");
  help.setUnixStyle(true);
  help.format(std::cout);
  std::cout << '\n' << kDetails;
}

int EmulatorApp::main(const std::vector<std::string>& args) {
  if (help_) {
    PrintHelp();
    return EXIT_OK;
  }
  try {
    if (args.size() == 1 && args[0] == "lab") return RunLab();
    if (args.size() == 1 && args[0] == "serve") return RunServe();
  } catch (const std::invalid_argument& e) {
    std::cerr << "pushprobe-emulator: " << e.what() << '\n';
    return kExitUsage;
  } catch (const Poco::Exception& e) {
    std::cerr << "pushprobe-emulator: " << e.displayText() << '\n';
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "pushprobe-emulator: " << e.what() << '\n';
    return kExitFailure;
  }
  std::cerr << "usage: pushprobe-emulator lab|serve [OPTIONS] (see --help)\n";
  return kExitUsage;
}

int EmulatorApp::RunLab() {
  if (dir_.empty()) throw std::invalid_argument("lab needs --dir DIR");
  LabOptions options;
  if (!organization_.empty()) options.organization = organization_;
  if (!tenant_.empty()) options.tenant = tenant_;
  options.port = port_.value_or(0);
  if (!auth_end_.empty()) {
    int tzd = 0;
    Poco::DateTime end;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, auth_end_, end,
                                        tzd)) {
      throw std::invalid_argument("--auth-end must be ISO 8601, e.g. 2020-01-01T00:00:00Z");
    }
    options.auth_registration_end =
        std::chrono::system_clock::from_time_t(end.timestamp().epochTime() - tzd);
  }
  const Lab lab = WriteLab(dir_, options);
  std::cout << LabInstructions(lab);
  return EXIT_OK;
}

int EmulatorApp::RunServe() {
  if (dir_.empty()) throw std::invalid_argument("serve needs --lab DIR");
  const Lab lab = LoadLab(dir_);
  EmulatorOptions options = lab.ToOptions();
  if (port_) options.port = *port_;
  options.listen_ipv6 = ipv6_;
  options.tls_session_resumption = tls_resumption_;
  options.tls_mode = ParseTlsMode(tls_mode_);
  options.clock_offset = std::chrono::seconds{clock_offset_};
  options.log_requests = verbose_;
  for (const auto& spec : faults_) options.faults.push_back(Fault::Parse(spec));

  Emulator emulator(options);
  emulator.Start();
  std::cout << "listening on " << options.bind_address << ":" << emulator.port() << std::endl;
  if (ipv6_) std::cout << "listening on [::1]:" << emulator.port() << std::endl;
  if (lab.port != 0 && emulator.port() != lab.port) {
    std::cerr << "note: the lab's pushprobe.yml names port " << lab.port << ", serving on "
              << emulator.port() << '\n';
  }
  waitForTerminationRequest();
  emulator.Stop();
  const Stats stats = emulator.stats();
  std::cerr << "stopped; stats " << stats.ToJson() << '\n';
  return EXIT_OK;
}

}  // namespace pushprobe::emulator
