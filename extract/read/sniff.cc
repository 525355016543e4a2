// Magic numbers first; a zip is told apart by its entry names, an OLE2 file by its directory's
// stream names, text from binary by control bytes in its first 4 KiB.
#include "extract/read/sniff.h"

#include <zip.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "extract/read/page.h"

namespace nianbao {
namespace {

// ---- zip -------------------------------------------------------------------------------------

Format ZipKind(std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) return Format::kZip;
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  zip_error_fini(&error);
  if (!archive) {
    zip_source_free(source);
    return Format::kZip;  // a broken zip is still a zip; its reader says what is wrong
  }
  bool content_types = false, word = false, xl = false, ppt = false, ofd = false;
  zip_int64_t entries = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < entries && i < 100000; ++i) {
    const char* name = zip_get_name(archive, i, ZIP_FL_ENC_RAW);
    if (!name) continue;
    std::string_view n(name);
    content_types |= n == "[Content_Types].xml";
    word |= n.starts_with("word/");
    xl |= n.starts_with("xl/");
    ppt |= n.starts_with("ppt/");
    ofd |= n == "OFD.xml";
  }
  zip_close(archive);
  if (ofd) return Format::kOfd;
  if (content_types && word) return Format::kDocx;
  if (content_types && xl) return Format::kXlsx;
  if (content_types && ppt) return Format::kPptx;
  return Format::kZip;
}

// ---- OLE2 compound file ------------------------------------------------------------------------

uint32_t Le32(std::string_view b, size_t at) {
  if (at + 4 > b.size()) return 0xFFFFFFFFu;
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;  // x86/ARM little-endian hosts only, which is what Debian runs this on
}

uint16_t Le16(std::string_view b, size_t at) {
  if (at + 2 > b.size()) return 0;
  uint16_t v;
  std::memcpy(&v, b.data() + at, 2);
  return v;
}

// The stream and storage names of the OLE2 directory, ASCII-folded (names are UTF-16LE). Follows
// the directory's FAT chain for at most 512 sectors; a broken file gives what was read.
std::vector<std::string> Ole2Names(std::string_view b) {
  std::vector<std::string> names;
  uint16_t shift = Le16(b, 30);
  if (shift != 9 && shift != 12) return names;
  size_t sector_size = size_t{1} << shift;
  auto sector_offset = [&](uint32_t s) { return (static_cast<size_t>(s) + 1) * sector_size; };
  // FAT sectors named in the header's DIFAT (109 entries; enough for a 7 MB file with 512-byte
  // sectors — the directory of a larger file is usually near its start anyway).
  std::vector<uint32_t> fat_sectors;
  for (int i = 0; i < 109; ++i) {
    uint32_t s = Le32(b, 76 + 4 * i);
    if (s >= 0xFFFFFFFAu) break;
    fat_sectors.push_back(s);
  }
  auto next = [&](uint32_t s) -> uint32_t {
    size_t per_sector = sector_size / 4;
    size_t fat_index = s / per_sector;
    if (fat_index >= fat_sectors.size()) return 0xFFFFFFFEu;
    return Le32(b, sector_offset(fat_sectors[fat_index]) + 4 * (s % per_sector));
  };
  uint32_t sector = Le32(b, 48);
  for (int hops = 0; hops < 512 && sector < 0xFFFFFFFAu; ++hops) {
    size_t base = sector_offset(sector);
    if (base + sector_size > b.size()) break;
    for (size_t e = base; e + 128 <= base + sector_size; e += 128) {
      uint16_t length = Le16(b, e + 64);  // bytes, with the terminating NUL
      if (length < 2 || length > 64) continue;
      std::string name;
      for (size_t i = 0; i + 2 < length; i += 2) {
        uint16_t c = Le16(b, e + i);
        name.push_back(c < 128 ? static_cast<char>(c) : '?');
      }
      names.push_back(std::move(name));
    }
    sector = next(sector);
  }
  return names;
}

Format Ole2Kind(std::string_view bytes) {
  bool word = false, workbook = false, powerpoint = false, wps = false;
  for (const std::string& name : Ole2Names(bytes)) {
    word |= name == "WordDocument";
    workbook |= name == "Workbook" || name == "Book";
    powerpoint |= name == "PowerPoint Document";
    wps |= name.find("WPS") != std::string::npos || name.find("Wps") != std::string::npos ||
           name.find("Kingsoft") != std::string::npos;
  }
  if (wps && !workbook && !powerpoint) return Format::kWps;
  if (word) return Format::kDoc;
  if (workbook) return Format::kXls;
  if (powerpoint) return Format::kPpt;
  return Format::kOle2;
}

// ---- text --------------------------------------------------------------------------------------

bool LooksBinary(std::string_view head) {
  if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) return false;  // UTF-16 BOM
  size_t control = 0;
  for (unsigned char c : head) {
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1B) ++control;
  }
  return control * 20 > head.size();  // more than 5 % control bytes
}

}  // namespace

Format SniffFormat(std::string_view bytes) {
  if (bytes.find_first_not_of(" \t\r\n\f") == std::string_view::npos) return Format::kEmpty;
  // A PDF may have junk before its header; readers accept %PDF- within the first KiB.
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return Format::kPdf;
  if (bytes.starts_with("PK\x03\x04") || bytes.starts_with("PK\x05\x06")) return ZipKind(bytes);
  if (bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return Ole2Kind(bytes);
  if (bytes.starts_with("\x89PNG\r\n\x1A\n")) return Format::kPng;
  if (bytes.starts_with("\xFF\xD8\xFF")) return Format::kJpeg;
  if (bytes.starts_with(std::string_view("II*\0", 4)) ||
      bytes.starts_with(std::string_view("MM\0*", 4)))
    return Format::kTiff;
  if (bytes.starts_with("GIF87a") || bytes.starts_with("GIF89a")) return Format::kGif;
  if (bytes.starts_with("Rar!\x1A\x07")) return Format::kRar;
  if (bytes.starts_with("BM") && bytes.size() >= 26 && Le32(bytes, 14) >= 12 &&
      Le32(bytes, 14) <= 124)
    return Format::kBmp;  // BITMAPFILEHEADER + a DIB header of a known size
  std::string_view head = bytes.substr(0, 4096);
  if (LooksBinary(head)) return Format::kBinary;
  return LooksLikeHtml(head) ? Format::kHtml : Format::kText;
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kEmpty:
      return "empty";
    case Format::kHtml:
      return "html";
    case Format::kText:
      return "text";
    case Format::kPdf:
      return "pdf";
    case Format::kDocx:
      return "docx";
    case Format::kXlsx:
      return "xlsx";
    case Format::kPptx:
      return "pptx";
    case Format::kDoc:
      return "doc";
    case Format::kWps:
      return "wps";
    case Format::kXls:
      return "xls";
    case Format::kPpt:
      return "ppt";
    case Format::kOle2:
      return "ole2";
    case Format::kOfd:
      return "ofd";
    case Format::kPng:
      return "png";
    case Format::kJpeg:
      return "jpeg";
    case Format::kTiff:
      return "tiff";
    case Format::kBmp:
      return "bmp";
    case Format::kGif:
      return "gif";
    case Format::kZip:
      return "zip";
    case Format::kRar:
      return "rar";
    case Format::kBinary:
      return "binary";
  }
  return "binary";
}

}  // namespace nianbao
