// gslbadm completion bash|zsh: a shell completion script generated from gslbadm's own
// command tree (every subcommand and flag as parsed here), so it is never out of date.
// zsh runs the same script through bashcompinit.
#include <iostream>
#include <string>
#include <vector>

#include "admin/gslbadm/commands.h"

namespace gslbadm {
namespace {

// The words offered after one command path (" pool add"): its subcommands and flags, and the
// global flags (CLI11's fallthrough takes them after any subcommand).
struct CompletionLevel {
  std::string path;
  std::vector<std::string> words;
};

std::vector<std::string> flag_words(const CLI::App& app) {
  std::vector<std::string> words;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) words.push_back("--" + name);
    for (const std::string& name : option->get_snames()) words.push_back("-" + name);
  }
  return words;
}

void collect_levels(const CLI::App& app, const std::string& path,
                    const std::vector<std::string>& global_flags,
                    std::vector<CompletionLevel>& out) {
  CompletionLevel level{path, {}};
  const auto subcommands = app.get_subcommands([](const CLI::App*) { return true; });
  for (const CLI::App* sub : subcommands) level.words.push_back(sub->get_name());
  for (const std::string& flag : flag_words(app)) level.words.push_back(flag);
  if (!path.empty())
    level.words.insert(level.words.end(), global_flags.begin(), global_flags.end());
  out.push_back(level);
  for (const CLI::App* sub : subcommands)
    collect_levels(*sub, path + " " + sub->get_name(), global_flags, out);
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

void print_bash(std::ostream& out, const std::vector<CompletionLevel>& levels) {
  out << "# gslbadm completion for bash: source <(gslbadm completion bash)\n"
         "_gslbadm() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" word i\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    word=\"${COMP_WORDS[i]}\"\n"
         "    case \"$path $word\" in\n";
  std::string paths;
  for (const CompletionLevel& level : levels)
    if (!level.path.empty()) paths += (paths.empty() ? "" : "|") + ("\"" + level.path + "\"");
  out << "      " << paths << ") path=\"$path $word\" ;;\n"
      << "    esac\n"
         "  done\n"
         "  local words=\"\"\n"
         "  case \"$path\" in\n";
  for (const CompletionLevel& level : levels)
    out << "    \"" << level.path << "\") words=\"" << joined(level.words) << "\" ;;\n";
  out << "  esac\n"
         "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "}\n"
         "complete -o default -F _gslbadm gslbadm\n";
}

int run_completion(const CLI::App& root, const std::string& shell) {
  std::vector<CompletionLevel> levels;
  collect_levels(root, "", flag_words(root), levels);
  if (shell == "zsh")
    std::cout << "# gslbadm completion for zsh: source <(gslbadm completion zsh)\n"
                 "autoload -U +X bashcompinit && bashcompinit\n";
  print_bash(std::cout, levels);
  return kExitOk;
}

}  // namespace

void add_completion_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "completion", "print a shell completion script: source <(gslbadm completion bash)");
  auto shell = std::make_shared<std::string>();
  cmd->add_option("shell", *shell, "bash | zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  cmd->callback([&app, &ctx, shell] {
    ctx.needs_store = false;
    ctx.run = [&app, shell] { return run_completion(app, *shell); };
  });
}

}  // namespace gslbadm
