// libFuzzer target over link and list discovery as the crawler runs it: arbitrary bytes are decoded
// (DecodeToUtf8, with the first byte choosing an HTTP charset hint or none), parsed once through the
// nesting guard (HtmlTree), and searched for reports, further list pages (links and inline-script
// page counts) and attachments with the embedded rules/links.toml; then the cheap attachment scan.
// The page URL is picked by the second byte, so relative links, <base>, and same-site checks see
// several shapes. Every discovered URL must parse again. Any crash, sanitizer report, exception,
// leak or timeout is a finding.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crawler/discovery.h"
#include "crawler/url.h"
#include "extract/read/decode.h"
#include "extract/read/html_tree.h"

namespace {

std::optional<std::string> HttpCharsetFor(uint8_t selector) {
  switch (selector % 4) {
    case 1:
      return "utf-8";
    case 2:
      return "gb2312";
    default:
      return std::nullopt;
  }
}

const char* PageUrlFor(uint8_t selector) {
  static const char* kUrls[] = {
      "http://www.example.gov.cn/col/index_2.html",
      "https://xxgk.example.gov.cn/zfxxgk/ndbg/index.shtml?page=3",
      "http://127.0.0.1:8080/",
      "http://例子.政务.cn/年报/列表.html",
  };
  return kUrls[selector % 4];
}

void CheckUrls(const std::vector<std::string>& urls) {
  for (const std::string& url : urls) {
    if (!nianbao::ParseUrl(url)) __builtin_trap();  // discovery hands out only absolute URLs
  }
}

// Loaded once: the rules are immutable and the target is single-threaded.
const auto& Rules() {
  static const auto rules = nianbao::LinkRules::Load();
  return rules;
}

}  // namespace

// The rules are built before the first input, so that their set-up never counts against the first
// input's -timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Rules();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& rules = Rules();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  nianbao::CharsetHints hints;
  hints.http = size > 0 ? HttpCharsetFor(data[0]) : std::nullopt;
  std::string page_url = PageUrlFor(size > 1 ? data[1] : 0);

  nianbao::Decoded decoded = nianbao::DecodeToUtf8(bytes, hints);
  nianbao::HtmlTree tree(std::move(decoded.utf8));
  nianbao::DiscoveredLinks links = nianbao::DiscoverLinks(tree, page_url, *rules);
  CheckUrls(links.reports);
  CheckUrls(links.pages);
  CheckUrls(links.attachments);
  if (nianbao::MayLinkAttachments(bytes, *rules)) {
    CheckUrls(nianbao::DiscoverAttachments(tree.source(), page_url, *rules));
  }
  for (const std::string& url : links.reports) (void)nianbao::IsAttachmentUrl(url, *rules);
  return 0;
}
