#include "cli/cert_report.h"

#include <sstream>

#include "probe/protocol/signing_credential.h"
#include "probe/render/format.h"

namespace pushprobe {
namespace {

void Line(std::ostringstream& out, const char* name, const std::string& value) {
  std::string label = std::string(name) + ":";
  label.resize(14, ' ');
  out << label << value << "\n";
}

}  // namespace

CertReport BuildCertReport(const std::string& certificate_path, const std::string& key_path,
                           const std::string& password_file, WallTime now, const char* key_flag,
                           const char* password_flag) {
  CertReport report;
  std::string key_note;
  // Errors name this command's flags, not the configuration's keys.
  const SigningCredential::SettingNames flags{key_flag, password_flag, "given"};
  auto loaded = SigningCredential::Load(certificate_path, key_path, password_file, flags);
  if (!loaded) {
    key_note = loaded.error().message;
    // Without a usable key the certificate itself is still worth describing.
    loaded = SigningCredential::LoadCertificateOnly(certificate_path, password_file, flags);
    if (!loaded) {
      report.error = loaded.error().message;
      return report;
    }
  }
  const SigningCredential& credential = loaded.value();
  report.loaded = true;
  std::ostringstream out;
  Line(out, "Certificate", certificate_path);
  Line(out, "Subject", credential.Subject());
  Line(out, "Issuer", credential.Issuer());
  Line(out, "Thumbprint", credential.Thumbprint());
  Line(out, "x5t", credential.X5t());
  Line(out, "Key", credential.KeyType() + " " + std::to_string(credential.KeyBits()) + " bits");
  Line(out, "Not before", render::FormatRfc3339(credential.NotBefore()));
  long long days = render::DaysLeft(credential.NotAfter(), now);
  Line(out, "Not after",
       render::FormatRfc3339(credential.NotAfter()) + " (" +
           (days >= 0 ? std::to_string(days) + " days left"
                      : "expired " + std::to_string(-days) + " days ago") +
           ")");
  report.has_key = credential.has_key();
  if (credential.has_key()) {
    Line(out, "Private key", "present, matches the certificate");
  } else {
    Line(out, "Private key", key_note.empty() ? "not found" : key_note);
  }
  CredentialVerdict verdict = EvaluateCredential(credential, now, "");
  if (!credential.has_key()) {
    Line(out, "Verdict", "not usable to sign assertions: no matching private key");
  } else if (verdict.reason != Reason::kNone) {
    Line(out, "Verdict", std::string(ReasonName(verdict.reason)) + ": " + verdict.message);
  } else {
    Line(out, "Verdict", "usable as the Exchange Auth certificate");
    report.usable = true;
  }
  report.text = out.str();
  return report;
}

}  // namespace pushprobe
