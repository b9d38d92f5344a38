#include "tests/emulator/monitoring_batch_validator.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cctype>
#include <ctime>
#include <regex>
#include <set>

#include "tests/emulator/crypto_util.h"

namespace pushprobe::emulator {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Returns a problem text when \p object's members are not exactly \p names.
std::string ExactMembers(const Object& object, const std::set<std::string>& names,
                         const std::string& where) {
  for (const auto& [name, value] : object) {
    if (names.count(name) == 0) return where + " has an unexpected member '" + name + "'";
  }
  for (const auto& name : names) {
    if (!object.has(name)) return where + " has no member '" + name + "'";
  }
  return {};
}

std::string CheckId(const std::string& id, std::chrono::system_clock::time_point now,
                    std::chrono::minutes window, const std::string& where) {
  static const std::regex kPattern(R"((\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-([1-9]\d*))");
  std::smatch m;
  if (!std::regex_match(id, m, kPattern)) {
    return where + ".id must be yyyyMMdd-HHmmss-N, got '" + id + "'";
  }
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  std::tm normalized = tm;
  const std::time_t t = timegm(&normalized);
  if (normalized.tm_mday != tm.tm_mday || normalized.tm_mon != tm.tm_mon ||
      normalized.tm_hour != tm.tm_hour || normalized.tm_min != tm.tm_min ||
      normalized.tm_sec != tm.tm_sec) {
    return where + ".id '" + id + "' is not a valid date and time";
  }
  const auto skew = std::chrono::system_clock::from_time_t(t) - now;
  if (skew > window || skew < -window) {
    return where + ".id '" + id + "' is " +
           std::to_string(std::chrono::duration_cast<std::chrono::minutes>(skew).count()) +
           " min away from the service's UTC time (is it local time?)";
  }
  return {};
}

std::string CheckRecipient(const Object& recipient, const std::string& raw_body,
                           const std::string& where) {
  if (auto problem =
          ExactMembers(recipient, {"appId", "deviceId", "lastSubscriptionUpdate"}, where);
      !problem.empty()) {
    return problem;
  }
  const auto app_id = recipient.get("appId");
  if (!app_id.isString() || app_id.extract<std::string>() != "MonitoringProbeAppId") {
    return where + ".appId must be \"MonitoringProbeAppId\"";
  }
  const auto device_id = recipient.get("deviceId");
  if (!device_id.isString() || device_id.extract<std::string>() != std::string(64, '0')) {
    return where + ".deviceId must be 64 zeros";
  }
  const auto update = recipient.get("lastSubscriptionUpdate");
  static const std::regex kDate(R"(/Date\((-?\d+)([+-]\d{4})?\)/)");
  const std::string text = update.isString() ? update.extract<std::string>() : std::string();
  if (!std::regex_match(text, kDate)) {
    return where + ".lastSubscriptionUpdate must be \"\\/Date(<ms since the epoch>)\\/\"";
  }
  const std::string inner = text.substr(1, text.size() - 2);
  if (raw_body.find("\"\\/" + inner + "\\/\"") == std::string::npos) {
    return where +
           ".lastSubscriptionUpdate must escape its slashes (\"\\/Date(...)\\/\"), or .NET "
           "reads it as a plain string";
  }
  return {};
}

std::string CheckNotification(const Object& n, const std::string& raw_body,
                              std::chrono::system_clock::time_point now,
                              std::chrono::minutes window, const std::string& where) {
  if (auto problem = ExactMembers(n, {"id", "payload", "recipients"}, where); !problem.empty()) {
    return problem;
  }
  const auto id = n.get("id");
  if (!id.isString()) return where + ".id must be a string";
  if (auto problem = CheckId(id.extract<std::string>(), now, window, where); !problem.empty()) {
    return problem;
  }
  auto payload = n.getObject("payload");
  if (!payload) return where + ".payload must be an object";
  if (auto problem = ExactMembers(*payload, {"isMonitoring", "tenantId", "unseenEmailCount"},
                                  where + ".payload");
      !problem.empty()) {
    return problem;
  }
  const auto monitoring = payload->get("isMonitoring");
  if (!monitoring.isBoolean() || !monitoring.extract<bool>()) {
    return where + ".payload.isMonitoring must be true";
  }
  if (!payload->get("tenantId").isString()) return where + ".payload.tenantId must be a string";
  const auto count = payload->get("unseenEmailCount");
  if (!count.isInteger() || count.convert<long long>() < 0) {
    return where + ".payload.unseenEmailCount must be a non-negative integer";
  }
  auto recipients = n.getArray("recipients");
  if (!recipients || recipients->size() == 0) {
    return where + ".recipients must be a non-empty array";
  }
  for (std::size_t i = 0; i < recipients->size(); ++i) {
    const std::string at = where + ".recipients[" + std::to_string(i) + "]";
    auto recipient = recipients->getObject(static_cast<unsigned>(i));
    if (!recipient) return at + " must be an object";
    if (auto problem = CheckRecipient(*recipient, raw_body, at); !problem.empty()) return problem;
  }
  return {};
}

}  // namespace

std::string MonitoringBatchValidator::Check(const std::string& body,
                                            std::chrono::system_clock::time_point now) const {
  Poco::Dynamic::Var parsed;
  try {
    Poco::JSON::Parser parser;
    parsed = parser.parse(body);
  } catch (const Poco::Exception& e) {
    return "the body is not valid JSON (" + e.message() + ")";
  }
  if (parsed.type() != typeid(Object::Ptr)) return "the body must be a JSON object";
  auto root = parsed.extract<Object::Ptr>();
  if (auto problem = ExactMembers(*root, {"notifications"}, "the batch"); !problem.empty()) {
    return problem;
  }
  auto notifications = root->getArray("notifications");
  if (!notifications || notifications->size() == 0) {
    return "notifications must be a non-empty array";
  }
  for (std::size_t i = 0; i < notifications->size(); ++i) {
    const std::string at = "notifications[" + std::to_string(i) + "]";
    auto n = notifications->getObject(static_cast<unsigned>(i));
    if (!n) return at + " must be an object";
    if (auto problem = CheckNotification(*n, body, now, id_window_, at); !problem.empty()) {
      return problem;
    }
  }
  return {};
}

}  // namespace pushprobe::emulator
