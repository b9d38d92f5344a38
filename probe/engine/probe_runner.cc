#include "probe/engine/probe_runner.h"

#include <exception>

#include "probe/engine/early_requests.h"
#include "probe/engine/run_context.h"
#include "probe/engine/stages.h"
#include "probe/render/format.h"

namespace pushprobe {
namespace {

HttpClientOptions ClientOptionsFor(const TargetConfig& target) {
  HttpClientOptions options;
  options.ca_file = target.ca_file;
  options.connect_to = target.connect_to;
  options.proxy = target.proxy;
  options.proxy_user = target.proxy_user;
  options.proxy_password_file = target.proxy_password_file;
  options.tls_max_version = target.tls_max_version;
  options.tls_profile = ResolvedTlsProfile(target);
  options.tls_ciphers = target.tls_ciphers;
  return options;
}

// The .NET exception type Exchange's probe would record for a failure here.
// The names follow Exchange's own assemblies; they help an administrator map
// pushprobe's report onto what Exchange logs.
const char* ExceptionTypeFor(const StageResult& stage) {
  switch (InfoOf(stage.stage).exchange_exception) {
    case ExchangeException::kPushConfiguration:
      return "Microsoft.Exchange.PushNotifications.PushNotificationConfigurationException";
    case ExchangeException::kOAuthTokenRequest:
      return "Microsoft.Exchange.Security.OAuth.OAuthTokenRequestFailedException";
    case ExchangeException::kPushByStatus:
      break;
  }
  // Exchange retries 404, 408, 500, 502, 503, 504 and socket errors; the rest is permanent.
  bool transient = CategoryFor(stage.reason) == ExchangeCategory::kNetworking;
  if (stage.reason == Reason::kHttpStatus && !stage.requests.empty()) {
    int status = stage.requests.back().status;
    transient = status == 404 || status == 408 || status == 500 || status == 502 || status == 503 ||
                status == 504;
  }
  return transient ? "Microsoft.Exchange.PushNotifications.PushNotificationTransientException"
                   : "Microsoft.Exchange.PushNotifications.PushNotificationPermanentException";
}

}  // namespace

void Summarize(ProbeResult& result) {
  result.failed_stage.reset();
  for (const StageResult& stage : result.stages) {
    if (stage.status == StageStatus::kFailed) {
      result.failed_stage = stage.stage;
      break;
    }
  }
  if (!result.failed_stage) {
    result.result_type = ResultType::kSucceeded;
    result.reason = Reason::kNone;
    result.category = ExchangeCategory::kNone;
    result.error.clear();
    result.exception.clear();
    return;
  }
  const StageResult& failed = result.Stage(*result.failed_stage);
  result.reason = failed.reason;
  result.category = CategoryFor(failed.reason);
  if (failed.reason == Reason::kTimeout) {
    result.result_type = ResultType::kTimedOut;
    result.error = "The probe timed out after " + render::FormatSeconds(result.duration) +
                   " s in stage " + std::string(StageName(failed.stage)) + ": " + failed.message;
    result.exception = "System.TimeoutException: " + result.error;
    return;
  }
  result.result_type = ResultType::kFailed;
  result.error = failed.exchange_error.empty() ? failed.message : failed.exchange_error;
  result.exception = std::string(ExceptionTypeFor(failed)) + ": " + result.error;
}

ProbeRunner::ProbeRunner(TargetConfig target, const Clock& clock, GuidSource& guids)
    : target_(std::make_shared<const TargetConfig>(std::move(target))),
      clock_(clock),
      guids_(guids) {
  try {
    http_ = std::make_shared<HttpClient>(ClientOptionsFor(*target_), clock_);
  } catch (const std::exception& e) {
    http_error_ = e.what();
  }
}

ProbeRunner::ProbeRunner(TargetConfig target, const Clock& clock, GuidSource& guids,
                         HttpClientPool& clients)
    : ProbeRunner(std::make_shared<const TargetConfig>(std::move(target)), clock, guids, clients) {}

ProbeRunner::ProbeRunner(std::shared_ptr<const TargetConfig> target, const Clock& clock,
                         GuidSource& guids, HttpClientPool& clients)
    : target_(std::move(target)), clock_(clock), guids_(guids) {
  try {
    http_ = clients.Get(ClientOptionsFor(*target_));
  } catch (const std::exception& e) {
    http_error_ = e.what();
  }
}

ProbeRunner::~ProbeRunner() = default;

ProbeResult ProbeRunner::Run(std::optional<Duration> budget, StageObserver* observer) {
  ProbeResult result;
  const TargetConfig& target = *target_;
  result.target = target.name;
  result.organization = target.organization;
  result.started_at = clock_.Now();
  SteadyTime start = clock_.SteadyNow();
  Duration limit = target.timeout;
  if (budget && *budget < limit) limit = *budget;
  Deadline deadline = Deadline::After(clock_, limit);

  for (StageId id : kAllStages) {
    StageResult stage;
    stage.stage = id;
    result.stages.push_back(std::move(stage));
  }
  RunContext context{target,       clock_,      deadline,   http_.get(),  guids_,
                     credentials_, ++sequence_, RunState{}, result.facts, HttpConnections{}};
  const StageResult* failed = nullptr;
  // Concurrent runs start the challenge and the publish connection beside the
  // metadata request; the stages still take their outcomes in stage order.
  std::optional<EarlyRequests> early;
  for (const StageDef& def : kStageDefs) {
    StageResult& stage = result.Stage(def.id);
    if (failed != nullptr) {
      stage.message = "stage " + std::string(StageName(failed->stage)) + " failed";
      if (observer != nullptr) observer->StageFinished(stage);
      continue;
    }
    if (def.id == StageId::kMetadata && target.concurrency == Concurrency::kConcurrent &&
        !deadline.Expired()) {
      early.emplace(context, HelperThreads::Shared());
    }
    if (observer != nullptr) observer->StageStarted(def.id);
    SteadyTime stage_start = clock_.SteadyNow();
    Duration sent_ahead{};
    if (deadline.Expired()) {
      stage.Fail(Reason::kTimeout, "no time left before the stage started (timeout " +
                                       render::FormatSeconds(limit) + " s)");
    } else {
      try {
        if (early && def.id == StageId::kChallenge) {
          HttpOutcome outcome = early->TakeChallenge();
          // The stage lasted its exchange, sent earlier, and its judgement.
          sent_ahead = early->challenge_exchange();
          stage_start = clock_.SteadyNow();
          JudgeChallenge(context, stage, std::move(outcome));
        } else {
          if (early && def.id == StageId::kPublish) early->HandOverPublishConnection();
          def.run(context, stage);
        }
        if (stage.status == StageStatus::kSkipped) stage.status = StageStatus::kOk;
      } catch (const std::exception& e) {
        stage.Fail(Reason::kInternal, std::string("internal error: ") + e.what());
      } catch (...) {
        stage.Fail(Reason::kInternal, "internal error: unknown exception");
      }
    }
    if (def.id == StageId::kConfiguration && http_ == nullptr && stage.ok()) {
      stage.Fail(Reason::kConfig, http_error_);
    }
    stage.duration = sent_ahead + (clock_.SteadyNow() - stage_start);
    if (stage.status == StageStatus::kFailed) failed = &stage;
    if (observer != nullptr) observer->StageFinished(stage);
  }
  // Work still running ahead of a stage that was skipped is cancelled, not
  // waited for; what it opened is closed unused.
  early.reset();
  if (!target.next_certificate.empty()) {
    result.rollover.emplace();
    StageResult& step = *result.rollover;
    SteadyTime step_start = clock_.SteadyNow();
    try {
      RunRolloverStep(context, result, step);
    } catch (const std::exception& e) {
      step.Fail(Reason::kInternal, std::string("internal error: ") + e.what());
    }
    step.duration = clock_.SteadyNow() - step_start;
  }
  // The run's copy of the access token is overwritten before the result
  // leaves the runner. Only this copy: the token response body and the
  // publish request's Authorization header were freed with their stages
  // without being overwritten, so this shortens the token's time in memory and
  // does not promise that no copy remains. The result never holds the token.
  context.state.access_token.assign(context.state.access_token.size(), '\0');
  result.duration = clock_.SteadyNow() - start;
  Summarize(result);
  return result;
}

}  // namespace pushprobe
