#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <system_error>

#include "probe/core/deadline.h"
#include "probe/core/expected.h"

namespace pushprobe {

/// What a path is when it is not a regular file, for messages: "a FIFO
/// (named pipe)", "a directory", ...
inline std::string FileTypeName(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

/// "4 MiB" for whole mebibytes, else "N bytes".
inline std::string ByteSizeText(std::size_t bytes) {
  if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0) {
    return std::to_string(bytes >> 20) + " MiB";
  }
  return std::to_string(bytes) + " bytes";
}

/// Certificate, key, PKCS#12, password and CA files are small; the cap keeps
/// a wrong path (a log, a disk image) from being read whole.
inline constexpr std::size_t kMaxCredentialFileBytes = std::size_t{4} << 20;

/// \brief The whole content of the regular file at \p path, read without
/// ever waiting on a writer and never past \p deadline when one is given.
///
/// Every file pushprobe reads (configuration, certificates, keys, password
/// files, CA files) comes through here: it is opened non-blocking (a FIFO
/// would otherwise wait for a writer forever), must be a regular file, must
/// not be larger than \p max_bytes (checked before reading, and again while
/// reading in case it grows), and is read in chunks with the deadline checked
/// between them. A regular file of a few MiB reads in milliseconds, so the
/// open and the cap are what bound a read; the deadline is for a file on a
/// slow mount. The error is a bare reason ("is a FIFO (named pipe), not a
/// regular file"; "No such file or directory") for the caller to prefix with
/// what the file is for and its path.
inline Expected<std::string> ReadBoundedFile(const std::string& path, std::size_t max_bytes,
                                             const Deadline* deadline = nullptr) {
  using Result = Expected<std::string>;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return Result::Error(std::generic_category().message(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Result::Error(std::generic_category().message(errno));
  if (!S_ISREG(st.st_mode))
    return Result::Error("is " + FileTypeName(st.st_mode) + ", not a regular file");
  const std::string too_large = "is larger than " + ByteSizeText(max_bytes);
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
    return Result::Error(too_large + " (" + std::to_string(st.st_size) + " bytes)");
  }
  std::string content;
  content.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[65536];
  while (true) {
    if (deadline != nullptr && deadline->Expired())
      return Result::Error("not read before the deadline");
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Result::Error(std::generic_category().message(errno));
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > max_bytes) return Result::Error(too_large);
  }
  return content;
}

}  // namespace pushprobe
