// PLACEHOLDER(foundation): registers nothing yet; its owner replaces this file.
#include "cmd/commands.h"

namespace nianbao {

void AddCrawlCommands(CLI::App&, int*) {}

}  // namespace nianbao
