#pragma once

// The one home of the unique_ptrs that own OpenSSL objects: each type is
// freed by its own OpenSSL function, named once here, so no file writes a
// deleter of its own. Most are OpenSslPtr over the type's plain free
// function; the few whose free is not that (a wipe first, a stack's
// elements) are written out below it.

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstddef>
#include <memory>

namespace pushprobe {

/// Frees an OpenSSL object with \p Free, the function OpenSSL gives for it.
template <typename T, void (*Free)(T*)>
struct OpenSslFree {
  void operator()(T* p) const { Free(p); }
};

/// A unique_ptr owning an OpenSSL object that \p Free frees.
template <typename T, void (*Free)(T*)>
using OpenSslPtr = std::unique_ptr<T, OpenSslFree<T, Free>>;

using X509Ptr = OpenSslPtr<X509, X509_free>;
using PkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPtr = OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
/// BIO_free_all, not BIO_free (which returns int): a lone BIO is freed alike,
/// and a chain pushed onto it goes with it instead of leaking.
using BioPtr = OpenSslPtr<BIO, BIO_free_all>;
using Pkcs12Ptr = OpenSslPtr<PKCS12, PKCS12_free>;
using Pkcs8Ptr = OpenSslPtr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;
using ParamBldPtr = OpenSslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = OpenSslPtr<OSSL_PARAM, OSSL_PARAM_free>;
/// libssl's types: whoever uses these links OpenSSL::SSL (pushprobe::core
/// brings only libcrypto).
using SslCtxPtr = OpenSslPtr<SSL_CTX, SSL_CTX_free>;
using SslPtr = OpenSslPtr<SSL, SSL_free>;

/// A number that may be part of a private key: BN_clear_free wipes its digits
/// before it frees them.
using BnClearPtr = OpenSslPtr<BIGNUM, BN_clear_free>;

/// An ASN1_INTEGER that may be part of a private key, its bytes wiped before
/// it is freed (OpenSSL has no clearing free for it).
struct Asn1IntegerClearFree {
  void operator()(ASN1_INTEGER* p) const {
    OPENSSL_cleanse(p->data, static_cast<std::size_t>(p->length));
    ASN1_INTEGER_free(p);
  }
};
using Asn1IntegerClearPtr = std::unique_ptr<ASN1_INTEGER, Asn1IntegerClearFree>;

// Stacks own their elements: pop_free frees each with its own function, then
// the stack (sk_*_pop_free are macros, so each stack type is spelled out).
struct Pkcs7StackFree {
  void operator()(STACK_OF(PKCS7) * p) const { sk_PKCS7_pop_free(p, PKCS7_free); }
};
using Pkcs7StackPtr = std::unique_ptr<STACK_OF(PKCS7), Pkcs7StackFree>;

struct SafeBagStackFree {
  void operator()(STACK_OF(PKCS12_SAFEBAG) * p) const {
    sk_PKCS12_SAFEBAG_pop_free(p, PKCS12_SAFEBAG_free);
  }
};
using SafeBagStackPtr = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), SafeBagStackFree>;

}  // namespace pushprobe
