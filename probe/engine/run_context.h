#pragma once

#include <memory>
#include <optional>
#include <string>

#include "probe/core/deadline.h"
#include "probe/core/probe_result.h"
#include "probe/core/target_config.h"
#include "probe/engine/credential_cache.h"
#include "probe/engine/guid_source.h"
#include "probe/net/http_client.h"
#include "probe/protocol/auth_metadata.h"
#include "probe/protocol/bearer_challenge.h"
#include "probe/protocol/signing_credential.h"

namespace pushprobe {

/// \brief What earlier stages hand to later ones within one run.
struct RunState {
  std::string publish_url;
  std::string publish_host;
  std::shared_ptr<const SigningCredential> credential;
  std::optional<AuthMetadata> metadata;
  std::optional<BearerChallenge> challenge;
  std::string realm;         ///< effective realm: the challenge's when it names one
  std::string access_token;  ///< secret: never rendered, logged or stored in facts
};

/// \brief Everything a stage may use: the target, the run's deadline and clock,
/// the HTTP client and the connections the run keeps open, the id source, the
/// state so far, and the run's typed facts.
struct RunContext {
  const TargetConfig& target;
  const Clock& clock;
  const Deadline& deadline;
  HttpClient* http;  ///< null when the client could not be built (configuration stage fails)
  GuidSource& guids;
  CredentialCache& credentials;
  int sequence;  ///< N of the notification id "yyyyMMdd-HHmmss-N"
  RunState state;
  ProbeFacts& facts;
  /// Open between the run's requests, as Exchange keeps them; closed when the run ends.
  HttpConnections connections;
};

}  // namespace pushprobe
