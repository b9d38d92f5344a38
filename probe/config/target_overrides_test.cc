#include "probe/config/target_overrides.h"

#include <gtest/gtest.h>

#include <tuple>
#include <type_traits>
#include <utility>

#include "probe/config/target_values.h"

namespace pushprobe {
namespace {

using namespace std::chrono_literals;

// The number of fields of an aggregate: the most initializers T{...} takes.
struct AnyField {
  template <typename T>
  // Only named in unevaluated operands; defined so clang does not warn that an
  // internal function is used without a definition.
  operator T() const {  // NOLINT: converts to any field's type
    return T{};
  }
};
// Too few initializers is the point: clang warns about them even unevaluated
// (and NOLINT does not reach a warning from an instantiation).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
template <typename T, typename... A>
constexpr auto CanInit(int) -> decltype(T{std::declval<A>()...}, true) {
  return true;
}
#pragma GCC diagnostic pop
template <typename T, typename... A>
constexpr bool CanInit(...) {
  return false;
}
template <typename T, typename... A>
constexpr std::size_t FieldCount() {
  if constexpr (CanInit<T, A..., AnyField>(0)) {
    return FieldCount<T, A..., AnyField>();
  } else {
    return sizeof...(A);
  }
}

// A field added to TargetConfig and not to its Tie() would be left out of
// equality (the exporter's reload would miss the change); one not added to
// TargetOverrides could be set neither by a target over defaults nor by the
// plugin's options.
static_assert(FieldCount<TargetConfig>() ==
                  std::tuple_size_v<decltype(std::declval<TargetConfig>().Tie())>,
              "TargetConfig::Tie() must name every field");
static_assert(FieldCount<TargetOverrides>() == FieldCount<TargetConfig>(),
              "TargetOverrides must have one override per TargetConfig field");

// The bytes of the fields Tie() names, padding left out.
template <typename Fields, std::size_t... I>
constexpr std::size_t FieldBytes(std::index_sequence<I...>) {
  return (sizeof(std::remove_reference_t<std::tuple_element_t<I, Fields>>) + ... + 0);
}

// An exporter holds a TargetConfig per target, 50,000 of them: fields are
// ordered so that no padding separates them (the small enums side by side),
// which the order of the file's sections had put between three of them.
TEST(TargetConfigLayoutTest, FieldsLeaveNoPaddingBetweenThem) {
  using Fields = decltype(std::declval<TargetConfig>().Tie());
  const std::size_t bytes =
      FieldBytes<Fields>(std::make_index_sequence<std::tuple_size_v<Fields>>{});
  const std::size_t align = alignof(TargetConfig);
  EXPECT_EQ(sizeof(TargetConfig), (bytes + align - 1) / align * align);
}

TEST(ApplyOverridesTest, EveryOverrideLands) {
  TargetOverrides o;
  o.name = "n";
  o.organization = "contoso.com";
  o.service_uri = "https://push.example/PushNotifications";
  o.auth_metadata_url = "https://acs.example/md";
  o.certificate = "/c.pem";
  o.private_key = "/k.pem";
  o.private_key_password_file = "/p";
  o.thumbprint = std::string(40, 'A');
  o.next_certificate = "/next.pem";
  o.next_private_key = "/next.key";
  o.next_private_key_password_file = "/next.pass";
  o.next_effective_date = WallTime(std::chrono::seconds(1800000000));
  o.ca_file = "/ca.pem";
  o.connect_to = std::vector<ConnectTo>{{"a", 443, "b", 8443}};
  o.proxy = "http://proxy:3128";
  o.proxy_user = "probe";
  o.proxy_password_file = "/proxy.pass";
  o.tls_max_version = TlsVersion::k1_3;
  o.tls_profile = TlsProfile::kWindows2022;
  o.tls_ciphers = std::vector<std::string>{"TLS_AES_256_GCM_SHA384"};
  o.timeout = 5s;
  o.interval = 10s;
  o.service_name = "11111111-1111-1111-1111-111111111111";
  o.token_issuer = "22222222-2222-2222-2222-222222222222";
  o.max_response_bytes = 4096;
  o.token_flow = TokenFlow::kIdentityPlatform;
  o.application_id = "33333333-3333-3333-3333-333333333333";
  o.tenant = "contoso.onmicrosoft.com";
  o.token_url = "https://login.example/t";
  o.scope = "https://x.example/.default";

  TargetConfig expected{"n",
                        "contoso.com",
                        "https://push.example/PushNotifications",
                        "https://acs.example/md",
                        "/c.pem",
                        "/k.pem",
                        "/p",
                        std::string(40, 'A'),
                        "/next.pem",
                        "/next.key",
                        "/next.pass",
                        WallTime(std::chrono::seconds(1800000000)),
                        "/ca.pem",
                        {{"a", 443, "b", 8443}},
                        "http://proxy:3128",
                        "probe",
                        "/proxy.pass",
                        TlsVersion::k1_3,
                        TlsProfile::kWindows2022,
                        TokenFlow::kIdentityPlatform,
                        Concurrency::kConcurrent,
                        {"TLS_AES_256_GCM_SHA384"},
                        5s,
                        10s,
                        "11111111-1111-1111-1111-111111111111",
                        "22222222-2222-2222-2222-222222222222",
                        4096,
                        "33333333-3333-3333-3333-333333333333",
                        "contoso.onmicrosoft.com",
                        "https://login.example/t",
                        "https://x.example/.default"};
  TargetConfig target;
  ApplyOverrides(target, o);
  EXPECT_EQ(target, expected);
  EXPECT_EQ(TargetOverrides{}.name, std::nullopt);  // nothing set: nothing replaced
  TargetConfig unchanged = expected;
  ApplyOverrides(unchanged, TargetOverrides{});
  EXPECT_EQ(unchanged, expected);
}

TEST(ApplyOverridesTest, DerivedValuesFollowTheirInputsUnlessSetOnPurpose) {
  TargetConfig acs;
  TargetOverrides org;
  org.organization = "fabrikam.com";
  ApplyOverrides(acs, org);
  EXPECT_EQ(AuthMetadataUrl(acs), DefaultAuthMetadataUrl(acs));
  EXPECT_EQ(acs.tenant, "");
  EXPECT_EQ(acs.token_url, "");

  TargetConfig v2 = acs;
  TargetOverrides flow;
  flow.token_flow = TokenFlow::kIdentityPlatform;
  ApplyOverrides(v2, flow);
  EXPECT_EQ(v2.tenant, "fabrikam.com");
  EXPECT_EQ(v2.token_url, DefaultTokenUrl(v2));
  EXPECT_EQ(AuthMetadataUrl(v2), DefaultAuthMetadataUrl(v2));
  EXPECT_NE(AuthMetadataUrl(v2), AuthMetadataUrl(acs));

  // A new organization moves every derived value along.
  TargetConfig moved = v2;
  TargetOverrides other;
  other.organization = "contoso.com";
  ApplyOverrides(moved, other);
  EXPECT_EQ(moved.tenant, "contoso.com");
  EXPECT_EQ(moved.token_url, DefaultTokenUrl(moved));
  EXPECT_EQ(AuthMetadataUrl(moved), DefaultAuthMetadataUrl(moved));

  // Values set on purpose stay when their inputs change.
  TargetConfig pinned = v2;
  pinned.tenant = "9188040d-6c67-4c5b-b112-36a304b66dad";
  pinned.token_url = "https://login.example/token";
  pinned.auth_metadata_url = "https://login.example/md";
  ApplyOverrides(pinned, other);
  EXPECT_EQ(pinned.organization, "contoso.com");
  EXPECT_EQ(pinned.tenant, "9188040d-6c67-4c5b-b112-36a304b66dad");
  EXPECT_EQ(pinned.token_url, "https://login.example/token");
  EXPECT_EQ(AuthMetadataUrl(pinned), "https://login.example/md");
}

TEST(ApplyOverridesTest, TheProxyUrlsUserMovesToProxyUser) {
  TargetConfig target;
  TargetOverrides o;
  o.proxy = "http://FABRIKAM%5Cprobe@proxy:3128";
  ApplyOverrides(target, o);
  EXPECT_EQ(target.proxy, "http://proxy:3128");
  EXPECT_EQ(target.proxy_user, "FABRIKAM\\probe");

  // proxy_user set beside it wins; a proxy without a user keeps the base's user.
  o.proxy_user = "other";
  ApplyOverrides(target, o);
  EXPECT_EQ(target.proxy_user, "other");
  TargetOverrides plain;
  plain.proxy = "http://proxy2:3128";
  ApplyOverrides(target, plain);
  EXPECT_EQ(target.proxy, "http://proxy2:3128");
  EXPECT_EQ(target.proxy_user, "other");
}

}  // namespace
}  // namespace pushprobe
