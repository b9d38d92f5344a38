#include "tests/emulator/form_body.h"

#include <algorithm>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>

namespace pushprobe::emulator {

std::string MediaType(const std::string& content_type) {
  return Poco::toLower(Poco::trim(content_type.substr(0, content_type.find(';'))));
}

bool ParseForm(const std::string& body, std::map<std::string, std::string>& fields,
               std::string& problem) {
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) {
      if (end == body.size()) break;
      continue;
    }
    const std::size_t eq = pair.find('=');
    std::string name;
    std::string value;
    try {
      Poco::URI::decode(pair.substr(0, eq), name, true);
      if (eq != std::string::npos) Poco::URI::decode(pair.substr(eq + 1), value, true);
    } catch (const Poco::Exception&) {
      problem = "the form body is not valid URL encoding";
      return false;
    }
    if (name.empty()) {
      problem = "the form body has a field without a name";
      return false;
    }
    if (!fields.emplace(name, value).second) {
      problem = "the form field '" + name + "' appears twice";
      return false;
    }
  }
  return true;
}

std::optional<FormRejection> ReadTokenForm(const Request& request,
                                           const std::vector<std::string>& fields,
                                           const std::string& kind,
                                           std::map<std::string, std::string>& form) {
  if (request.method != "POST") {
    return FormRejection{400, "invalid_request",
                         "AADSTS900561: The endpoint only accepts POST requests. Received a " +
                             request.method + " request.",
                         900561, "the token endpoint needs POST, got " + request.method};
  }
  if (MediaType(request.Header("Content-Type")) != "application/x-www-form-urlencoded") {
    return FormRejection{400, "invalid_request",
                         "AADSTS900144: The request body must contain the following parameter: "
                         "'grant_type'.",
                         900144,
                         "Content-Type must be application/x-www-form-urlencoded, got '" +
                             request.Header("Content-Type") + "'"};
  }
  std::string problem;
  if (!ParseForm(request.body, form, problem)) {
    return FormRejection{400, "invalid_request", "AADSTS90014: The request body is malformed.",
                         90014, problem};
  }
  for (const std::string& required : fields) {
    auto it = form.find(required);
    if (it == form.end() || it->second.empty()) {
      return FormRejection{
          400, "invalid_request",
          "AADSTS900144: The request body must contain the following parameter: '" + required +
              "'.",
          900144, "the form has no '" + required + "' field"};
    }
  }
  for (const auto& [name, value] : form) {
    if (std::find(fields.begin(), fields.end(), name) != fields.end()) continue;
    std::string listed;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      listed += (i == 0 ? "" : i + 1 == fields.size() ? " and " : ", ") + fields[i];
    }
    std::string description = "AADSTS90014: The request body must not contain the parameter '";
    description += name;
    description += "' for this grant type.";
    std::string reason = "unexpected form field '";
    reason += name;
    reason += "': ";
    reason += kind;
    reason += " has exactly ";
    reason += listed;
    return FormRejection{400, "invalid_request", std::move(description), 90014, std::move(reason)};
  }
  return std::nullopt;
}

}  // namespace pushprobe::emulator
