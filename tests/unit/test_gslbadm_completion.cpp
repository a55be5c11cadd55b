// gslbadm completion bash|zsh and --version, run as a program; the bash script is sourced by
// a real bash and asked what it completes.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/process.h"

namespace {

// The words bash offers for `line` (the last word is the one being completed).
std::string completions(const std::string& line) {
  const std::string script = std::string("source <('") + GSLBADM_PATH +
                             "' completion bash)\n"
                             "COMP_WORDS=(" +
                             line +
                             ")\n"
                             "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                             "_gslbadm\n"
                             "echo \" ${COMPREPLY[*]} \"\n";
  const testsupport::RunResult r = testsupport::run_program({"/bin/bash", "-c", script});
  INFO(r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

}  // namespace

TEST_CASE("gslbadm completion bash completes commands, subcommands and flags, with no store") {
  unsetenv("GSLB_DB");
  unsetenv("GSLB_API");
  const std::string top = completions("gslbadm ''");
  for (const char* word : {" pool ", " drill ", " explain ", " completion ", " --db ", " --json "})
    CHECK_MESSAGE(top.find(word) != std::string::npos, word);
  const std::string pool = completions("gslbadm pool ''");
  for (const char* word : {" add ", " drain ", " list ", " --json "})
    CHECK_MESSAGE(pool.find(word) != std::string::npos, word);
  CHECK(pool.find(" explain ") == std::string::npos);
  // Flags of the command being typed, global flags after a subcommand, and a prefix.
  CHECK(completions("gslbadm --db x.db drill start --ta") == " --target \n");
  CHECK(completions("gslbadm monitor add --ti") == " --timeout \n");
  CHECK(completions("gslbadm --js") == " --json \n");
}

TEST_CASE("gslbadm completion zsh wraps the same script in bashcompinit; a bad shell is usage") {
  const auto zsh = testsupport::run_program({GSLBADM_PATH, "completion", "zsh"});
  CHECK(zsh.status == 0);
  CHECK(zsh.out.find("bashcompinit") != std::string::npos);
  CHECK(zsh.out.find("complete -o default -F _gslbadm gslbadm") != std::string::npos);
  const auto fish = testsupport::run_program({GSLBADM_PATH, "completion", "fish"});
  CHECK(fish.status == 2);
  CHECK(fish.err.find("fish") != std::string::npos);
}

TEST_CASE("every program prints its version") {
  for (const char* program : {GSLBADM_PATH, GSLBD_PATH, GSLB_HEALTHD_PATH}) {
    const auto r = testsupport::run_program({program, "--version"});
    CAPTURE(program);
    CHECK(r.status == 0);
    CHECK(r.out.find(std::string(" ") + GSLB_VERSION) != std::string::npos);
  }
}
