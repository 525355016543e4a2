#include "extract/read/office.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "extract/read/ooxml.h"
#include "extract/read/temp_file.h"

namespace nianbao {
namespace {

constexpr int kMinOfficeWallMilliseconds = 120000;

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

}  // namespace

bool HaveLibreOffice() { return !FindProgram("soffice").empty(); }

Page ReadLegacyOffice(std::string_view bytes, Format format, const ChildLimits& limits) {
  Page page;
  bool sheet = format == Format::kXls;
  std::string name = Upper(FormatName(format));
  if (!HaveLibreOffice()) {
    page.warnings.push_back("unsupported format " + name + ": install libreoffice-" +
                            (sheet ? "calc" : "writer") + "-nogui");
    return page;
  }
  TempDir dir;
  if (dir.path().empty()) {
    page.warnings.push_back(name + ": cannot create a temporary directory");
    return page;
  }
  std::string input = dir.path() + "/document." + (sheet ? "xls" : "doc");
  {
    std::ofstream out(input, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      page.warnings.push_back(name + ": cannot write a temporary file");
      return page;
    }
  }
  ChildLimits office = limits;
  office.address_space = 0;
  // Its first start in a fresh profile takes seconds of its own before converting anything.
  office.wall_milliseconds = std::max(limits.wall_milliseconds, kMinOfficeWallMilliseconds);
  office.cpu_seconds = std::max(limits.cpu_seconds, kMinOfficeWallMilliseconds / 1000);
  std::string target = sheet ? "xlsx" : "docx";
  ChildResult result =
      RunProgram({"soffice", "-env:UserInstallation=file://" + dir.path() + "/profile",
                  "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                  "--convert-to", target, "--outdir", dir.path() + "/out", input},
                 office, {"HOME=" + dir.path(), "SAL_USE_VCLPLUGIN=svp"});
  std::string converted = dir.path() + "/out/document." + target;
  std::ifstream in(converted, std::ios::binary);
  if (!result.ok || !in) {
    page.warnings.push_back(name + ": LibreOffice could not convert it (" +
                            (result.ok ? std::string("no output") : result.error) + ")");
    return page;
  }
  std::ostringstream data;
  data << in.rdbuf();
  return ReadOoxmlIsolated(data.str(), sheet ? Format::kXlsx : Format::kDocx, limits);
}

}  // namespace nianbao
