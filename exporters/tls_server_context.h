#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>

#include "exporters/web_config.h"
#include "probe/core/expected.h"

namespace pushprobe::exporter {

/// \brief An OpenSSL server context for \p tls: its certificate chain and
/// key (files read with ReadSmallFile, or the inline PEM), the client
/// certificate policy and CA, TLS versions, cipher suites, curves and the
/// server's cipher preference. Client-initiated renegotiation is off; a
/// session id context is set so sessions resume with client certificates too.
///
/// Errors name the key and file ("cannot load key_file /etc/x.key: ...",
/// "key_file /k does not match cert_file /c") and never contain key
/// material. An encrypted key is refused rather than prompted for.
Expected<std::shared_ptr<SSL_CTX>> BuildTlsServerContext(const WebTlsConfig& tls);

}  // namespace pushprobe::exporter
