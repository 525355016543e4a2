// Bytes of unknown encoding → UTF-8. Order of evidence: a BOM; the declared charset (the caller's
// `declared`, e.g. --encoding or an HTTP Content-Type, else <meta charset> / http-equiv in the
// first 4 KiB); otherwise ICU charset detection. GB2312 and GBK decode as GB18030. Never throws:
// invalid sequences become U+FFFD and add a warning naming the byte offset.
#ifndef NIANBAO_EXTRACT_READ_DECODE_H_
#define NIANBAO_EXTRACT_READ_DECODE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

struct Decoded {
  std::string utf8;
  std::string charset;  // canonical name actually used, e.g. "UTF-8", "GB18030"
  std::vector<std::string> warnings;
};

Decoded DecodeToUtf8(std::string_view bytes,
                     const std::optional<std::string>& declared = std::nullopt);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_DECODE_H_
