#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "domain/audit.h"
#include "domain/project.h"

namespace miri::app {

namespace {

struct AuditOptions {
  std::string prompt_file = "-";
  std::string negative;
  std::string kind = "image";
  std::vector<std::string> loras;
  std::string shot_id, version_id, model_code;
  bool no_miri = false;
  bool json = false;
};

std::string ReadAll(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CLI::ValidationError("PROMPT", "cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int RunAudit(const AuditOptions& o) {
  AuditInput in;
  in.kind = o.kind == "video" ? PromptKind::kVideo : PromptKind::kImage;
  in.prompt = ReadAll(o.prompt_file);
  while (!in.prompt.empty() &&
         (in.prompt.back() == '\n' || in.prompt.back() == '\r'))
    in.prompt.pop_back();
  in.negative_prompt = o.negative;
  in.loras = o.loras;
  in.shows_miri = !o.no_miri;
  in.lora_id = std::string(kMiriLora);
  in.shot_id = o.shot_id;
  in.version_id = o.version_id;
  in.model_code = o.model_code;
  std::vector<Finding> findings = AuditPrompt(in);
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Finding& f : findings) out.push_back(f.ToJson());
    std::cout << out.dump(2) << "\n";
  } else if (findings.empty()) {
    std::cout << "PASS: no findings\n";
  } else {
    for (const Finding& f : findings) {
      std::cout << "FAIL " << f.rule_id << ": " << f.message;
      if (!f.offending_text.empty())
        std::cout << " (\"" << f.offending_text << "\")";
      std::cout << "\n";
    }
  }
  return findings.empty() ? 0 : 1;
}

}  // namespace

void RegisterAuditCommand(CLI::App& app) {
  auto opts = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Audit a prompt against the prompt rules and Miri's depiction rules; "
      "exits 1 when anything is found");
  cmd->add_option("PROMPT", opts->prompt_file,
                  "file with the prompt, - for stdin");
  cmd->add_option("--negative", opts->negative, "the negative prompt");
  cmd->add_option("--kind", opts->kind, "image or video")
      ->check(CLI::IsMember({"image", "video"}));
  cmd->add_option("--lora", opts->loras, "a LoRA id the request carries");
  cmd->add_option("--shot", opts->shot_id, "expected ShotID in the prefix");
  cmd->add_option("--version-id", opts->version_id, "expected VersionID");
  cmd->add_option("--model-code", opts->model_code, "expected ModelCode");
  cmd->add_flag("--no-miri", opts->no_miri, "the shot does not show Miri");
  cmd->add_flag("--json", opts->json, "print findings as JSON");
  cmd->callback([opts] { throw CLI::RuntimeError(RunAudit(*opts)); });
}

}  // namespace miri::app
