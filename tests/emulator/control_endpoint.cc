#include "tests/emulator/control_endpoint.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>

#include <sstream>
#include <stdexcept>

#include "tests/emulator/crypto_util.h"

namespace pushprobe::emulator {
namespace {

Reply Json(int status, const std::string& body) {
  Reply reply;
  reply.status = status;
  reply.content_type = "application/json";
  reply.body = body;
  return reply;
}

Reply Error(int status, const std::string& message) {
  Poco::JSON::Object json;
  json.set("error", message);
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(json, out);
  return Json(status, out.str());
}

Reply MethodNotAllowed() { return Error(405, "method not allowed"); }

std::string QueryParameter(const Request& request, const std::string& name) {
  for (const auto& [key, value] : Poco::URI("/?" + request.query).getQueryParameters()) {
    if (key == name) return value;
  }
  return {};
}

Poco::Dynamic::Var ParseJson(const std::string& body) {
  Poco::JSON::Parser parser;
  return parser.parse(body);
}

}  // namespace

ControlEndpoint::ControlEndpoint(FaultTable& faults, StatsRecorder& stats, EmulatorClock& clock,
                                 CertificateRegistry& registry)
    : faults_(faults), stats_(stats), clock_(clock), registry_(registry) {}

Reply ControlEndpoint::Handle(const Request& request) {
  try {
    if (request.path == "/_emulator/stats") {
      if (request.method == "GET") {
        Stats stats = stats_.Snapshot();
        stats.waiting = static_cast<std::uint64_t>(faults_.waiting());
        return Json(200, stats.ToJson());
      }
      if (request.method == "DELETE") {
        stats_.Reset();
        return Json(200, stats_.Snapshot().ToJson());
      }
      return MethodNotAllowed();
    }
    if (request.path == "/_emulator/fault") return Faults(request);
    if (request.path == "/_emulator/clock") return Clock(request);
    if (request.path == "/_emulator/certificates") return Certificates(request);
    return Error(404, "no control endpoint " + request.path);
  } catch (const std::logic_error& e) {
    return Error(400, e.what());
  } catch (const Poco::Exception& e) {
    return Error(400, e.displayText());
  }
}

Reply ControlEndpoint::Faults(const Request& request) {
  if (request.method == "DELETE") {
    faults_.Clear();
    return Json(200, "{\"faults\":[]}");
  }
  if (request.method == "POST") {
    std::vector<Fault> added;
    auto parsed = ParseJson(request.body);
    if (parsed.type() == typeid(Poco::JSON::Array::Ptr)) {
      auto array = parsed.extract<Poco::JSON::Array::Ptr>();
      for (std::size_t i = 0; i < array->size(); ++i) {
        auto object = array->getObject(static_cast<unsigned>(i));
        if (!object) throw std::invalid_argument("fault array entries must be objects");
        added.push_back(Fault::FromJson(*object));
      }
    } else if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
      auto object = parsed.extract<Poco::JSON::Object::Ptr>();
      added.push_back(object->has("spec") ? Fault::Parse(object->getValue<std::string>("spec"))
                                          : Fault::FromJson(*object));
    } else {
      throw std::invalid_argument("expected a fault object or an array of them");
    }
    for (auto& fault : added) faults_.Add(std::move(fault));
  } else if (request.method != "GET") {
    return MethodNotAllowed();
  }
  std::string out = "{\"faults\":[";
  bool first = true;
  for (const auto& fault : faults_.List()) {
    out += (first ? "" : ",") + fault.ToJson();
    first = false;
  }
  return Json(200, out + "]}");
}

Reply ControlEndpoint::Clock(const Request& request) {
  if (request.method == "POST") {
    auto parsed = ParseJson(request.body);
    auto object = parsed.extract<Poco::JSON::Object::Ptr>();
    if (!object->has("offset_seconds")) throw std::invalid_argument("need offset_seconds");
    clock_.SetOffset(std::chrono::seconds{object->getValue<long long>("offset_seconds")});
  } else if (request.method == "DELETE") {
    clock_.SetOffset(std::chrono::seconds{0});
  } else if (request.method != "GET") {
    return MethodNotAllowed();
  }
  return Json(200, "{\"offset_seconds\":" + std::to_string(clock_.offset().count()) +
                       ",\"now\":" + std::to_string(UnixSeconds(clock_.Now())) + "}");
}

Reply ControlEndpoint::Certificates(const Request& request) {
  if (request.method == "POST") {
    // Several certificates in one body register each: a benchmark gives
    // thousands of targets a certificate of their own.
    std::vector<std::string> certificates = PemCertificates(request.body);
    if (certificates.empty()) certificates.push_back(request.body);  // Register says what is wrong
    const std::string not_after = QueryParameter(request, "not_after");
    for (const std::string& pem : certificates) {
      CertificateRegistration registration{pem, std::nullopt};
      if (!not_after.empty()) {
        registration.not_after = std::chrono::system_clock::from_time_t(std::stoll(not_after));
      }
      registry_.Register(registration);
    }
  } else if (request.method == "DELETE") {
    const std::string thumbprint = QueryParameter(request, "thumbprint");
    if (!registry_.Unregister(thumbprint)) {
      return Error(404, "certificate " + thumbprint + " is not registered");
    }
  } else if (request.method != "GET") {
    return MethodNotAllowed();
  }
  Poco::JSON::Array list;
  for (const auto& entry : registry_.List()) {
    Poco::JSON::Object item;
    item.set("thumbprint", entry.thumbprint);
    item.set("x5t", entry.x5t);
    item.set("not_after", UnixSeconds(entry.not_after));
    list.add(item);
  }
  Poco::JSON::Object json;
  json.set("certificates", list);
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(json, out);
  return Json(200, out.str());
}

}  // namespace pushprobe::emulator
