#pragma once

#include <openssl/bio.h>

#include <cstdint>

namespace pushprobe::net_internal {

/// A BIO over the socket \p fd (not owned, not closed) that writes with
/// send(..., MSG_NOSIGNAL), so a peer that goes away mid-write yields EPIPE
/// instead of killing the process with SIGPIPE. Works with blocking and
/// non-blocking sockets; on a non-blocking one EAGAIN becomes a BIO retry.
/// Returns nullptr when OpenSSL cannot allocate it.
BIO* NewSocketBio(int fd);

/// recv(2) calls made by every socket BIO of the process so far (for tests:
/// a TLS record should not cost two, header and body).
std::uint64_t SocketBioRecvCalls();

/// The errno of the last failed send/recv on \p bio, 0 when there was none.
int SocketBioLastErrno(BIO* bio);

}  // namespace pushprobe::net_internal
