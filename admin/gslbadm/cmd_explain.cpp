// gslbadm explain: answer one question as gslbd would, and say why. With --api, gslbd
// answers with its own GeoIP database, ECS limits and quorum (the flags for those are
// ignored).
#include <iostream>
#include <memory>

#include "admin/explain.h"
#include "admin/gslbadm/backend.h"
#include "admin/gslbadm/commands.h"

namespace gslbadm {
namespace {

struct ExplainFlags {
  admin::ExplainRequest request;
  int max_v4 = 24;
  int max_v6 = 56;
};

int run_explain(const Context& ctx, ExplainFlags& f) {
  f.request.ecs_max_prefix_v4 = static_cast<uint8_t>(f.max_v4);
  f.request.ecs_max_prefix_v6 = static_cast<uint8_t>(f.max_v6);
  auto result = make_backend(ctx)->explain(f.request);
  if (!result) return report(result.error());
  if (ctx.json) return print_json(admin::explain_json(*result));
  std::cout << admin::explain_text(*result);
  return kExitOk;
}

}  // namespace

void add_explain_command(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<ExplainFlags>();
  auto* cmd = app.add_subcommand(
      "explain", "answer a question exactly as gslbd would, with the selector's reasons");
  cmd->fallthrough();
  cmd->add_option("name", f->request.name, "the question name")->required();
  cmd->add_option("--type", f->request.type, "A or AAAA (other types: the answer only)")
      ->capture_default_str();
  cmd->add_option("--client", f->request.client,
                  "the address the query comes from (the resolver, or the client itself)")
      ->required();
  cmd->add_option("--ecs", f->request.ecs,
                  "ADDRESS/PREFIX: the query carries this EDNS Client Subnet");
  cmd->add_option("--geoip", f->request.geoip, "the MaxMind DB gslbd runs with (gslbd --geoip)")
      ->envname("GSLB_GEOIP");
  cmd->add_option("--ecs-max-prefix-v4", f->max_v4, "as gslbd's flag")
      ->check(CLI::Range(0, 32))
      ->capture_default_str();
  cmd->add_option("--ecs-max-prefix-v6", f->max_v6, "as gslbd's flag")
      ->check(CLI::Range(0, 128))
      ->capture_default_str();
  cmd->add_option("--seed", f->request.seed, "seed for the weighted random choices")
      ->capture_default_str();
  cmd->add_option_function<std::string>(
         "--health-quorum",
         [f](const std::string& text) { f->request.health_quorum = *server::parse_quorum(text); },
         "as gslbd's flag: majority | any | all | N")
      ->check([](const std::string& text) {
        return server::parse_quorum(text) ? std::string()
                                          : "must be majority, any, all or a number >= 1";
      })
      ->default_str("majority");
  cmd->callback([&ctx, f] { ctx.run = [&ctx, f] { return run_explain(ctx, *f); }; });
}

}  // namespace gslbadm
