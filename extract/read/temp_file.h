// Private temporary files and directories for readers that hand a document to a program (pdftotext,
// pdftoppm, tesseract): created under $TMPDIR (or /tmp) with mkstemp/mkdtemp, so no other user can
// read or replace them, and removed with everything in them when the object goes out of scope.
// path() is empty when creation failed. Header-only; never throws.
#ifndef NIANBAO_EXTRACT_READ_TEMP_FILE_H_
#define NIANBAO_EXTRACT_READ_TEMP_FILE_H_

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <string_view>

namespace nianbao {

inline std::string TempPrefix() {
  const char* dir = getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp");
}

// The bytes in a private temporary file.
class TempFile {
 public:
  explicit TempFile(std::string_view bytes) {
    path_ = TempPrefix() + "/nianbao-doc-XXXXXX";
    int fd = mkstemp(path_.data());
    if (fd < 0) {
      path_.clear();
      return;
    }
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    close(fd);
    if (done != bytes.size()) {
      unlink(path_.c_str());
      path_.clear();
    }
  }
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A private temporary directory (a program's input, output, profile), removed with its contents.
class TempDir {
 public:
  TempDir() {
    path_ = TempPrefix() + "/nianbao-dir-XXXXXX";
    if (!mkdtemp(path_.data())) path_.clear();
  }
  ~TempDir() {
    if (!path_.empty()) RemoveTree(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  static void RemoveTree(const std::string& path) {
    if (DIR* dir = opendir(path.c_str())) {
      while (dirent* entry = readdir(dir)) {
        std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        std::string child = path + "/" + name;
        struct stat st;
        if (lstat(child.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
          RemoveTree(child);
        } else {
          unlink(child.c_str());
        }
      }
      closedir(dir);
    }
    rmdir(path.c_str());
  }
  std::string path_;
};

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_TEMP_FILE_H_
