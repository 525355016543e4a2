#include "tests/support/process_stat.h"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace nianbao::testing {

double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t end_of_name = stat.rfind(')');  // the command name may hold spaces and parentheses
  if (end_of_name == std::string::npos) return 0;
  std::istringstream fields(stat.substr(end_of_name + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int number = 3; fields >> field; ++number) {  // field 3 is the state
    if (number == 14) utime = std::stoll(field);
    if (number == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace nianbao::testing
