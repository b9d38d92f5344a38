#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>

#include "exporters/executor.h"
#include "probe/core/probe_result.h"

namespace pushprobe::exporter::testing {

/// \brief An Executor that only queues; the test runs tasks when it chooses.
class ManualExecutor final : public Executor {
 public:
  void Post(std::function<void()> task) override;
  /// Runs the oldest queued task; false when none is queued.
  bool RunNext();
  /// Runs queued tasks (also those they queue) until none is left.
  std::size_t RunAll();
  std::size_t pending() const;

 private:
  mutable std::mutex mu_;
  std::deque<std::function<void()>> tasks_;
};

/// A result with every stage ok, or failed at \p failed_stage with \p reason.
ProbeResult FakeResult(const std::string& target, WallTime started_at,
                       std::optional<StageId> failed_stage = std::nullopt,
                       Reason reason = Reason::kNone);

/// Compares \p actual with the golden file testdata/\p name byte for byte;
/// with PUSHPROBE_UPDATE_GOLDEN=1 rewrites the file instead. Returns an
/// empty string when equal, else a description of the difference.
std::string CompareGolden(const std::string& name, const std::string& actual);

/// `promtool check metrics` on \p exposition: nullopt when promtool is not
/// installed, else its combined output with the exit status appended
/// ("" means clean: exit 0 and no output).
std::optional<std::string> PromtoolCheck(const std::string& exposition);

/// \brief A log a server's threads write while the test reads it: a
/// Logger's stream whose text can be read at any time without a data race.
class LockedLog {
 public:
  LockedLog() : stream_(&buffer_) {}
  std::ostream& stream() { return stream_; }
  std::string Text() const;
  /// The lines holding \p needle.
  std::size_t Count(const std::string& needle) const;

 private:
  class Buffer final : public std::streambuf {
   public:
    std::string Text() const;

   protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;

   private:
    mutable std::mutex mu_;
    std::string text_;
  };
  Buffer buffer_;
  std::ostream stream_;
};

/// A fresh temporary directory.
std::string MakeTempDir();
void WriteFile(const std::string& path, const std::string& content);

/// \brief One HTTP response as a raw-socket client read it.
struct Response {
  std::string status_line;                     ///< "HTTP/1.1 200 OK"
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  std::string raw;  ///< everything read
};

/// A blocking TCP connection to \p address:\p port (5 s receive timeout);
/// -1 when it cannot connect.
int Connect(std::uint16_t port, const char* address = "127.0.0.1");
void Send(int fd, const std::string& data);
/// Reads one response: Content-Length framed, or to the end of the stream.
Response Read(int fd);
/// Sends \p request on a new connection and reads the answer.
Response Request(std::uint16_t port, const std::string& request, const char* address = "127.0.0.1");
/// A GET of \p path with \p extra header lines, closing the connection after.
std::string Get(const std::string& path, const std::string& extra = "");

}  // namespace pushprobe::exporter::testing
