// The bash completion and the man pages generated from the CLI (harness/cmd_completion.cpp,
// harness/make_man_pages.sh): completion run in a real bash on simulated command lines
// (subcommands, options, shipped profiles, backends, dtypes, files), and one man page per
// subcommand that `aicert --help` lists, each naming the options of that subcommand's --help.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/cli_support.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

// What the completion offers for the words typed (the last one being completed).
std::string complete(const std::string& words, const std::string& cwd = ".") {
  const Outcome o = shell("cd '" + cwd + "' && WORDS=\"" + words + "\" bash -c 'source <(" + kAicert +
                          " completion bash) && eval \"COMP_WORDS=($WORDS)\" && "
                          "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && { _aicert; "
                          "printf \"%s \" \"${COMPREPLY[@]}\"; }'");
  return o.output;
}

TEST(Completion, SubcommandsOptionsAndValues) {
  EXPECT_EQ(complete("aicert cer"), "certify ");
  EXPECT_EQ(complete("aicert f"), "fleet ");
  EXPECT_NE(complete("aicert ''").find("compare"), std::string::npos);
  EXPECT_EQ(complete("aicert ''").find("worker"), std::string::npos);  // hidden stays hidden
  EXPECT_NE(complete("aicert certify --pro").find("--profile"), std::string::npos);
  EXPECT_NE(complete("aicert run --machine").find("--machine-id"), std::string::npos);
  EXPECT_EQ(complete("aicert certify --profile st"), "standard stress ");
  EXPECT_EQ(complete("aicert run --backend op"), "opencl ");
  EXPECT_EQ(complete("aicert run -t b"), "bf16 ");
  EXPECT_EQ(complete("aicert run --workload st"), "stream ");
}

TEST(Completion, FilesWhereAFileIsExpected) {
  const fs::path dir = fs::temp_directory_path() / ("aicert-completion-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "report-a.xml") << "x";
  std::ofstream(dir / "my-profile.xml") << "x";
  EXPECT_EQ(complete("aicert fleet rep", dir.string()), "report-a.xml ");
  EXPECT_EQ(complete("aicert certify --profile my", dir.string()), "my-profile.xml ");
  EXPECT_EQ(complete("aicert report --html rep", dir.string()), "report-a.xml ");
  fs::remove_all(dir);
}

TEST(Completion, OnlyBashIsOffered) {
  EXPECT_EQ(aicert("completion zsh").exit_code, 2);
}

TEST(ManPages, OnePerSubcommandNamingItsOptions) {
  const fs::path man1 = fs::path(AICERT_BINARY_DIR) / "share/man/man1";
  if (!fs::exists(man1 / "aicert.1.gz")) GTEST_SKIP() << "help2man was not found at configure time";
  for (const std::string sub : {"probe", "list", "run", "certify", "report", "compare", "fleet",
                                "sign", "verify", "completion"}) {
    const fs::path page = man1 / ("aicert-" + sub + ".1.gz");
    ASSERT_TRUE(fs::exists(page)) << page;
    const Outcome text = shell("gzip -dc " + page.string());
    EXPECT_NE(text.output.find(".TH AICERT-"), std::string::npos) << sub;
    EXPECT_NE(text.output.find("aicert-" + sub + " \\-"), std::string::npos) << sub;
    // Every long option of its --help is in the page (help2man escapes '-' as '\-').
    const Outcome help = aicert(sub + " --help");
    for (std::size_t at = help.output.find("\n  --"); at != std::string::npos;
         at = help.output.find("\n  --", at + 1)) {
      std::string option = help.output.substr(at + 3, help.output.find_first_of(" ,=\n", at + 3) - at - 3);
      std::string escaped;
      for (char c : option) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
      EXPECT_NE(text.output.find(escaped), std::string::npos) << sub << ": " << option;
    }
  }
}

}  // namespace
}  // namespace aicert
