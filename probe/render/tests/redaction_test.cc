// No rendering shows a URL's credentials, whatever part of the result holds
// the URL (messages, Exchange's texts, facts, request URLs, the hint).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "probe/render/exchange_renderer.h"
#include "probe/render/json_renderer.h"
#include "probe/render/tests/sample_results.h"
#include "probe/render/text_renderer.h"

namespace pushprobe::render {
namespace {

TEST(RenderRedactionTest, NoRendererShowsAUrlsPassword) {
  const ProbeResult result = samples::UrlCredentialsResult();
  std::vector<std::pair<std::string, std::string>> outputs = {
      {"json", RenderJson(result)},
      {"json list", RenderJsonList({result})},
      {"ndjson", RenderJson(result, {0})},
      {"exchange", RenderExchange(result)},
  };
  for (int verbosity = 0; verbosity <= 3; ++verbosity) {
    outputs.emplace_back("text -v" + std::to_string(verbosity), RenderText(result, {verbosity}));
  }
  for (const auto& [name, out] : outputs) {
    EXPECT_EQ(out.find(samples::kUrlSecret), std::string::npos) << name << ":\n" << out;
    EXPECT_NE(out.find("<redacted>@proxy.fabrikam.com:3128"), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace pushprobe::render
