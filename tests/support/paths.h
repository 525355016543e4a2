// Paths the tests need, fixed at build time: the source tree (for tests/data) and the built binary.
#ifndef NIANBAO_TESTS_SUPPORT_PATHS_H_
#define NIANBAO_TESTS_SUPPORT_PATHS_H_

#include <string>

namespace nianbao::testing {

inline std::string SourceDir() { return NIANBAO_SOURCE_DIR; }
inline std::string DataDir() { return std::string(NIANBAO_SOURCE_DIR) + "/tests/data"; }
inline std::string CorpusDir() { return DataDir() + "/corpus"; }
inline std::string NianbaoBinary() { return NIANBAO_BINARY; }

}  // namespace nianbao::testing

#endif  // NIANBAO_TESTS_SUPPORT_PATHS_H_
