#include "tests/emulator/form_body.h"

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

}  // namespace pushprobe::emulator
