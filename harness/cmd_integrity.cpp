// `aicert sign` and `aicert verify`: an Ed25519 signature over a report's canonical content,
// and the check of its digest and signature. verify exits 0 when intact (and signed by the
// given key), 1 on any tampering or a bad or missing signature, 2 on a malformed report.
#include <iostream>
#include <memory>

#include "harness/commands.h"
#include "harness/exit_codes.h"
#include "reports/report_integrity.h"

namespace aicert {

void add_integrity_commands(CLI::App& app, CommandAction& action) {
  struct SignOptions {
    std::string key, report;
  };
  auto s = std::make_shared<SignOptions>();
  CLI::App* sign = app.add_subcommand(
      "sign", "Sign a report in place with an Ed25519 private key (PEM, e.g. made by "
              "'openssl genpkey -algorithm ed25519'). A report whose digest does not match its "
              "content is refused.");
  sign->add_option("--key", s->key, "Ed25519 private key, PEM")->required();
  sign->add_option("report", s->report, "report.xml to sign")->required();
  sign->callback([&action, s] {
    action = [s] {
      sign_report_file(s->report, s->key);
      std::cout << "signed: " << s->report << "\n";
      return kExitOk;
    };
  });

  struct VerifyOptions {
    std::string pubkey, report;
  };
  auto v = std::make_shared<VerifyOptions>();
  CLI::App* verify = app.add_subcommand(
      "verify", "Check a report's SHA-256 digest and, with --pubkey, its Ed25519 signature. "
                "Exit 0 intact, 1 tampered or not signed by that key, 2 malformed report.");
  verify->add_option("--pubkey", v->pubkey, "Ed25519 public key, PEM, that must have signed it");
  verify->add_option("report", v->report, "report.xml to check")->required();
  verify->callback([&action, v] {
    action = [v] {
      const VerifyOutcome o = verify_report_file(v->report, v->pubkey);
      (o.ok ? std::cout : std::cerr) << v->report << ": " << o.message << "\n";
      return o.ok ? kExitOk : kExitFailed;
    };
  });
}

}  // namespace aicert
