#include "probe/engine/credential_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include "tests/support/test_pki.h"

namespace pushprobe {
namespace {

const SigningCredential* Get(const CredentialCache::Loaded& loaded) {
  return loaded ? loaded.value().get() : nullptr;
}

// The cache goes by the files, not by what they hold, so all but the first
// case use a P-256 key, generated in milliseconds: an RSA-2048 key takes 1 to
// 4 s under asan at load, paid again by every test process ctest starts.
testing::CertSpec QuickSpec() {
  testing::CertSpec spec;
  spec.key_type = "EC";
  return spec;
}

// An RSA key, as Exchange's Auth certificate has.
TEST(CredentialCacheTest, UnchangedFilesReuseTheLoadedCredential) {
  std::string path = ::testing::TempDir() + "pushprobe_cache_same.pem";
  testing::IssuedCert cert = testing::SelfSigned(testing::CertSpec{});
  testing::WriteFile(path, cert.cert_pem + cert.key_pem);
  CredentialCache cache;
  auto first = cache.Load(path, "", "");
  auto second = cache.Load(path, "", "");
  ASSERT_NE(Get(first), nullptr);
  EXPECT_EQ(Get(first), Get(second));
  EXPECT_EQ(Get(second)->Thumbprint(), cert.Thumbprint());
}

TEST(CredentialCacheTest, RunnersNamingTheSameFilesShareOneCredential) {
  std::string path = ::testing::TempDir() + "pushprobe_cache_shared.pem";
  testing::IssuedCert cert = testing::SelfSigned(QuickSpec());
  testing::WriteFile(path, cert.cert_pem + cert.key_pem);
  CredentialCache first_target;
  CredentialCache second_target;
  auto a = first_target.Load(path, "", "");
  auto b = second_target.Load(path, "", "");
  ASSERT_NE(Get(a), nullptr);
  EXPECT_EQ(Get(a), Get(b));
}

// Every runner has a cache: it is a handle on the process-wide table, not a
// copy of the paths and their identity on disk (128 bytes before a run, about
// 150 more after one, for each of 50,000 targets).
TEST(CredentialCacheTest, ACacheIsAHandleOnTheSharedTable) {
  EXPECT_EQ(sizeof(CredentialCache), sizeof(void*));  // one pointer
}

// The rollover step loads the next certificate through the runner's cache
// after the certificate stage loaded the current one: neither is parsed again.
TEST(CredentialCacheTest, TwoFilesLoadedInTurnAreBothReused) {
  std::string current = ::testing::TempDir() + "pushprobe_cache_current.pem";
  std::string next = ::testing::TempDir() + "pushprobe_cache_next.pem";
  testing::IssuedCert cert = testing::SelfSigned(QuickSpec());
  testing::WriteFile(current, cert.cert_pem + cert.key_pem);
  testing::WriteFile(next, cert.cert_pem + cert.key_pem);
  CredentialCache cache;
  auto a = cache.Load(current, "", "");
  auto b = cache.Load(next, "", "");
  ASSERT_NE(Get(a), nullptr);
  ASSERT_NE(Get(b), nullptr);
  EXPECT_NE(Get(a), Get(b));  // distinct files are distinct credentials
  EXPECT_EQ(Get(cache.Load(current, "", "")), Get(a));
  EXPECT_EQ(Get(cache.Load(next, "", "")), Get(b));
  std::remove(current.c_str());
  std::remove(next.c_str());
}

TEST(CredentialCacheTest, KeepsOnlyTheMostRecentlyUsedCredentialsAlive) {
  // Distinct paths are distinct credentials, whatever they hold: one key
  // written kept + 8 times stands for as many targets' own certificates. The
  // list is the test's own, of 16 rather than the process's kKept, so the test
  // parses 24 keys, not 1,032.
  RecentCredentials recent(16);
  testing::IssuedCert cert = testing::SelfSigned(QuickSpec());
  const std::size_t n = recent.capacity() + 8;
  std::vector<std::string> paths;
  std::vector<std::unique_ptr<CredentialCache>> targets;
  std::vector<std::weak_ptr<const SigningCredential>> loaded;
  for (std::size_t i = 0; i < n; ++i) {
    paths.push_back(::testing::TempDir() + "pushprobe_cache_many_" + std::to_string(i) + ".pem");
    testing::WriteFile(paths.back(), cert.cert_pem + cert.key_pem);
    targets.push_back(std::make_unique<CredentialCache>(recent));
    auto l = targets.back()->Load(paths.back(), "", "");
    ASSERT_NE(Get(l), nullptr);
    loaded.push_back(l.value());
  }
  const auto alive =
      std::count_if(loaded.begin(), loaded.end(), [](const auto& w) { return !w.expired(); });
  EXPECT_EQ(static_cast<std::size_t>(alive), recent.capacity());
  EXPECT_TRUE(loaded.front().expired());  // the least recently used went first
  EXPECT_FALSE(loaded.back().expired());
  // A target whose credential was let go parses it again when it runs.
  auto again = targets.front()->Load(paths.front(), "", "");
  ASSERT_NE(Get(again), nullptr);
  EXPECT_EQ(Get(again)->Thumbprint(), cert.Thumbprint());
  // One still kept is the same object, not a new parse.
  auto kept = targets.back()->Load(paths.back(), "", "");
  EXPECT_EQ(Get(kept), loaded.back().lock().get());
  for (const std::string& path : paths) std::remove(path.c_str());
}

// What every runner's cache uses unless given another list.
TEST(CredentialCacheTest, TheProcessKeepsKKeptCredentials) {
  EXPECT_EQ(RecentCredentials::Process().capacity(), CredentialCache::kKept);
}

TEST(CredentialCacheTest, ReplacedFileIsLoadedAgain) {
  std::string path = ::testing::TempDir() + "pushprobe_cache_replaced.pem";
  testing::IssuedCert old_cert = testing::SelfSigned(QuickSpec());
  testing::WriteFile(path, old_cert.cert_pem + old_cert.key_pem);
  CredentialCache cache;
  auto before = cache.Load(path, "", "");
  ASSERT_NE(Get(before), nullptr);
  testing::CertSpec renewed = QuickSpec();
  renewed.common_name = "Microsoft Exchange Server Auth Certificate (renewed)";
  testing::IssuedCert new_cert = testing::SelfSigned(renewed);
  // Written to a new file and renamed over the old one, as renewals are
  // deployed: a new inode even when size and timestamp happen to match.
  testing::WriteFile(path + ".new", new_cert.cert_pem + new_cert.key_pem);
  ASSERT_EQ(std::rename((path + ".new").c_str(), path.c_str()), 0);
  auto after = cache.Load(path, "", "");
  ASSERT_NE(Get(after), nullptr);
  EXPECT_EQ(Get(after)->Thumbprint(), new_cert.Thumbprint());
  EXPECT_NE(Get(after)->Thumbprint(), Get(before)->Thumbprint());
}

TEST(CredentialCacheTest, DeletedFileIsAnErrorNotTheCachedCredential) {
  std::string path = ::testing::TempDir() + "pushprobe_cache_deleted.pem";
  testing::IssuedCert cert = testing::SelfSigned(QuickSpec());
  testing::WriteFile(path, cert.cert_pem + cert.key_pem);
  CredentialCache cache;
  ASSERT_NE(Get(cache.Load(path, "", "")), nullptr);
  ASSERT_EQ(std::remove(path.c_str()), 0);
  auto loaded = cache.Load(path, "", "");
  ASSERT_EQ(Get(loaded), nullptr);
  EXPECT_EQ(loaded.error().reason, Reason::kCertMissing);
}

// The certificate stage hands the run's deadline down: files read after it
// has passed fail as a timeout naming the file.
TEST(CredentialCacheTest, FilesAreReadWithinTheGivenDeadline) {
  std::string path = ::testing::TempDir() + "pushprobe_cache_deadline.pem";
  testing::IssuedCert cert = testing::SelfSigned(QuickSpec());
  testing::WriteFile(path, cert.cert_pem + cert.key_pem);
  ManualClock clock;
  const Deadline expired = Deadline::After(clock, Duration::zero());
  CredentialCache cache;
  auto loaded = cache.Load(path, "", "", &expired);
  ASSERT_EQ(Get(loaded), nullptr);
  const auto& error = loaded.error();
  EXPECT_EQ(error.reason, Reason::kTimeout);
  EXPECT_EQ(error.message,
            "cannot read certificate file " + path + ": not read before the deadline");
}

}  // namespace
}  // namespace pushprobe
