// The one way HTML is parsed in nianbao: Gumbo behind a nesting guard. Gumbo's tree construction
// costs nesting depth × tag count (100,000 nested <div>s take ~45 s), so start tags that would open
// elements deeper than kMaxHtmlNesting are dropped before parsing — with their end tags, and with a
// warning. Real report pages nest a few dozen levels. Formatting start tags (<b>, <font> …, not
// <a>) deeper than 64 levels or past 32 not yet ended are dropped too, without a warning: they
// carry no text, and Gumbo pays their depth at every character after them. The extractor
// (ParseHtml) and link discovery both read an HtmlTree, so one page is parsed once. The tree and
// the UTF-8 source it points into live as long as the HtmlTree. Never throws except std::bad_alloc.
#ifndef NIANBAO_EXTRACT_READ_HTML_TREE_H_
#define NIANBAO_EXTRACT_READ_HTML_TREE_H_

#include <gumbo.h>

#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

constexpr int kMaxHtmlNesting = 400;

class HtmlTree {
 public:
  // Parses `utf8` (see decode.h), which the tree keeps.
  explicit HtmlTree(std::string utf8);
  ~HtmlTree();
  HtmlTree(const HtmlTree&) = delete;
  HtmlTree& operator=(const HtmlTree&) = delete;

  // The document node; nullptr only when Gumbo failed (then warnings() says so).
  const GumboNode* document() const { return output_ ? output_->document : nullptr; }
  // The <html> element (Gumbo always makes one); nullptr only when Gumbo failed.
  const GumboNode* root() const { return output_ ? output_->root : nullptr; }
  // The page as given, before the guard dropped anything.
  std::string_view source() const { return source_; }
  // What the guard dropped, or that the parser failed.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::string source_;
  std::string guarded_;  // the source less the dropped tags; empty when nothing was dropped
  GumboOutput* output_ = nullptr;
  std::vector<std::string> warnings_;
};

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_HTML_TREE_H_
