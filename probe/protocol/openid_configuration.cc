#include "probe/protocol/openid_configuration.h"

#include "probe/protocol/json_members.h"
#include "probe/protocol/url.h"

namespace pushprobe {

Expected<AuthMetadata> ParseOpenIdConfiguration(std::string_view text) {
  using Result = Expected<AuthMetadata>;
  auto parsed = json::ParseObject(text);
  if (!parsed) return Result::Error(parsed.error());
  const json::Value& doc = *parsed;

  AuthMetadata md;
  auto issuer = json::String(doc, "issuer");
  if (!issuer || issuer->empty()) return Result::Error("no issuer");
  md.issuer = *issuer;
  // Both issuer forms Azure AD uses put the tenant id first in the path:
  // https://login.microsoftonline.com/<id>/v2.0 and https://sts.windows.net/<id>/.
  auto url = ParseUrl(md.issuer);
  if (url) {
    std::string_view path = url->path_and_query;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    md.realm = std::string(path.substr(0, path.find_first_of("/?")));
  }
  if (md.realm.empty())
    return Result::Error("issuer " + json::Quote(md.issuer) + " names no tenant");

  auto endpoint = json::String(doc, "token_endpoint");
  if (!endpoint || endpoint->empty()) return Result::Error("no token_endpoint");
  md.token_endpoint = *endpoint;
  return md;
}

}  // namespace pushprobe
