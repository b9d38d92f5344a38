#pragma once

#include <string>

namespace pushprobe {

/// \brief Makes OpenSSL 3's legacy provider (RC2, RC4, DES, ...) available in
/// the default library context, beside the default provider.
///
/// Windows (Export-PfxCertificate, certutil, Export-ExchangeCertificate up to
/// Windows Server 2016) writes PKCS#12 files whose certificate bag is
/// encrypted with RC2-40, an algorithm OpenSSL 3 keeps in that provider.
/// Loaded on demand, the first time such a file is read, and then kept for
/// the process: the default provider stays active (fallbacks are retained),
/// so nothing else changes what it uses. Thread-safe; a failed load is tried
/// again next time (a module installed meanwhile is then found).
///
/// \return empty when the provider is available, else why not, in words an
/// administrator can act on (OpenSSL's reason and the module directory).
std::string LoadLegacyProvider();

}  // namespace pushprobe
