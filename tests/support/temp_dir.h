// A fresh directory under $TMPDIR (mkdtemp), removed with everything in it when the object dies.
#ifndef NIANBAO_TESTS_SUPPORT_TEMP_DIR_H_
#define NIANBAO_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace nianbao::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The whole content of a file ("" when it cannot be read), and writing one.
std::string ReadFileBytes(const std::string& path);
void WriteFileBytes(const std::string& path, const std::string& bytes);

}  // namespace nianbao::testing

#endif  // NIANBAO_TESTS_SUPPORT_TEMP_DIR_H_
