#include "probe/engine/stages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <string>

namespace pushprobe {
namespace {

// A stage added to StageId must be handled here (-Wswitch is an error) and
// then needs its StageInfo and StageDef to pass.
bool IsKnownStage(StageId id) {
  switch (id) {
    case StageId::kConfiguration:
    case StageId::kCertificate:
    case StageId::kMetadata:
    case StageId::kChallenge:
    case StageId::kToken:
    case StageId::kPublish:
      return true;
  }
  return false;
}

TEST(StagesTest, EveryStageHasItsFactsAndItsEntryPoint) {
  const StageId every[] = {StageId::kConfiguration, StageId::kCertificate, StageId::kMetadata,
                           StageId::kChallenge,     StageId::kToken,       StageId::kPublish};
  ASSERT_EQ(std::size(every), kStageInfos.size());
  ASSERT_EQ(kStageDefs.size(), kStageInfos.size());
  std::set<std::string> names;
  for (StageId id : every) {
    SCOPED_TRACE(static_cast<int>(id));
    EXPECT_TRUE(IsKnownStage(id));
    const StageInfo& info = InfoOf(id);
    EXPECT_EQ(info.id, id);
    EXPECT_FALSE(info.name.empty());
    EXPECT_TRUE(names.insert(std::string(info.name)).second) << "duplicate name " << info.name;
    EXPECT_EQ(StageFromName(info.name), id);
    // A stage that talks HTTP reaches a server whose certificate is reported.
    EXPECT_EQ(info.makes_http_requests, !info.tls_endpoint.empty()) << info.name;
    EXPECT_EQ(kStageDefs[static_cast<std::size_t>(id)].id, id);
    EXPECT_NE(kStageDefs[static_cast<std::size_t>(id)].run, nullptr);
  }
}

TEST(StagesTest, EveryReportedTlsEndpointIsReachedByAStage) {
  for (std::string_view endpoint : kTlsEndpoints) {
    EXPECT_TRUE(FirstStageReaching(endpoint).has_value()) << endpoint;
  }
  for (const StageInfo& info : kStageInfos) {
    if (info.tls_endpoint.empty()) continue;
    EXPECT_NE(std::find(kTlsEndpoints.begin(), kTlsEndpoints.end(), info.tls_endpoint),
              kTlsEndpoints.end())
        << info.name << " reaches " << info.tls_endpoint << ", which kTlsEndpoints lacks";
  }
  // The challenge posts to the publish URL before the publish stage does.
  EXPECT_EQ(FirstStageReaching("publish"), StageId::kChallenge);
}

TEST(StagesTest, ExchangeExceptionKindsAsExchangeReportsThem) {
  EXPECT_EQ(InfoOf(StageId::kConfiguration).exchange_exception,
            ExchangeException::kPushConfiguration);
  EXPECT_EQ(InfoOf(StageId::kCertificate).exchange_exception,
            ExchangeException::kOAuthTokenRequest);
  EXPECT_EQ(InfoOf(StageId::kMetadata).exchange_exception, ExchangeException::kOAuthTokenRequest);
  EXPECT_EQ(InfoOf(StageId::kToken).exchange_exception, ExchangeException::kOAuthTokenRequest);
  EXPECT_EQ(InfoOf(StageId::kChallenge).exchange_exception, ExchangeException::kPushByStatus);
  EXPECT_EQ(InfoOf(StageId::kPublish).exchange_exception, ExchangeException::kPushByStatus);
}

}  // namespace
}  // namespace pushprobe
