#include "exporters/shard.h"

#include <openssl/evp.h>

#include <array>

namespace pushprobe::exporter {

std::uint64_t HashMod(std::string_view value, std::uint64_t modulus) {
  std::array<unsigned char, 16> digest{};
  unsigned int length = 0;
  // EVP_Digest with MD5 cannot fail for in-memory input short of a broken
  // OpenSSL; a zero digest then still gives every replica a definite answer.
  EVP_Digest(value.data(), value.size(), digest.data(), &length, EVP_md5(), nullptr);
  std::uint64_t tail = 0;
  for (std::size_t i = 8; i < 16; ++i) tail = (tail << 8) | digest[i];
  return tail % modulus;
}

bool ShardHolds(const Shard& shard, std::string_view target_name) {
  return shard.count <= 1 || HashMod(target_name, shard.count) == shard.index;
}

}  // namespace pushprobe::exporter
