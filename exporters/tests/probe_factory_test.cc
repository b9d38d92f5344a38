#include "exporters/probe_factory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "probe/engine/guid_source.h"

namespace pushprobe::exporter {
namespace {

// An empty ca_file means the system store, which always loads; the missing
// Auth certificate stops every run before the network.
std::shared_ptr<const TargetConfig> Target(const std::string& name, const std::string& ca_file,
                                           std::uint16_t connect_port = 8443) {
  TargetConfig t;
  t.name = name;
  t.organization = "fabrikam.com";
  t.auth_metadata_url = std::string(kDefaultMetadataUrlPrefix) + "fabrikam.com";
  t.certificate = "/nonexistent/pushprobe-test/auth.pem";
  t.ca_file = ca_file;
  t.connect_to = {{"outlook.office365.com", 443, "127.0.0.1", connect_port}};
  return std::make_shared<const TargetConfig>(t);
}

TEST(EngineProbeFactoryTest, TargetsWithEqualRoutesShareOneHttpClient) {
  ManualClock clock;
  RandomGuidSource guids;
  HttpClientPool clients(clock);
  ProbeFactory factory = EngineProbeFactory(clients, clock, guids);
  ProbeFunction a = factory(Target("a", ""));
  ProbeFunction b = factory(Target("b", ""));
  EXPECT_EQ(clients.size(), 1u);
  ProbeFunction c = factory(Target("c", "", 9443));
  EXPECT_EQ(clients.size(), 2u);
  // Every runner still runs its own check.
  ProbeResult result = b(std::nullopt);
  EXPECT_EQ(result.target, "b");
  EXPECT_EQ(result.failed_stage, StageId::kCertificate)
      << result.Stage(StageId::kConfiguration).message;
}

TEST(EngineProbeFactoryTest, UnloadableCaFileFailsTheConfigurationStage) {
  ManualClock clock;
  RandomGuidSource guids;
  HttpClientPool clients(clock);
  ProbeFactory factory = EngineProbeFactory(clients, clock, guids);
  ProbeResult result = factory(Target("a", "/nonexistent/pushprobe-test/ca.pem"))(std::nullopt);
  EXPECT_EQ(result.failed_stage, StageId::kConfiguration);
  EXPECT_EQ(result.reason, Reason::kConfig);
  EXPECT_NE(result.Stage(StageId::kConfiguration).message.find("ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace pushprobe::exporter
