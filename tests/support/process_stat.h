// What a test may read of a running child process from /proc. Used instead of sleeps where a test
// must act once the child is busy with some work: CPU time is what a loaded machine does not fake.
#ifndef NIANBAO_TESTS_SUPPORT_PROCESS_STAT_H_
#define NIANBAO_TESTS_SUPPORT_PROCESS_STAT_H_

#include <sys/types.h>

namespace nianbao::testing {

// User plus system CPU seconds process `pid` has used so far (its threads included); 0 when it is
// gone.
double CpuSeconds(pid_t pid);

}  // namespace nianbao::testing

#endif  // NIANBAO_TESTS_SUPPORT_PROCESS_STAT_H_
