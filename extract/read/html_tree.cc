// HtmlTree: a cheap scan of the tags (memchr for '<', only tag names looked at) keeps a model of
// the stack of open elements; start tags that would push it past kMaxHtmlNesting are cut out of a
// copy of the page, with their end tags, and Gumbo parses the copy. The model pops only where
// Gumbo's tree builder pops for certain (an end tag whose element is open, and not shielded by a
// special element or a scope boundary above it); stray end tags pop nothing. So end tags cannot
// be used to talk the guard's depth below Gumbo's.
#include "extract/read/html_tree.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <utility>

namespace nianbao {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsTagNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '-' || c == '_';
}

bool OneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Tags that never hold other elements open: void elements and those whose end tag is implied by
// their next sibling (so an unclosed run of them does not nest).
bool OpensNesting(std::string_view name) {
  return !OneOf(name,
                {"area",     "base",    "br",    "col",    "embed",    "hr",  "img",      "input",
                 "link",     "meta",    "param", "source", "track",    "wbr", "keygen",   "p",
                 "li",       "dt",      "dd",    "option", "optgroup", "td",  "th",       "tr",
                 "tbody",    "thead",   "tfoot", "rb",     "rt",       "rp",  "colgroup", "caption",
                 "basefont", "bgsound", "frame", "image",  "menuitem"});
}

// HTML's "special" elements that the model can hold open: an end tag of an ordinary element is
// ignored by Gumbo when one of them stands above it.
bool IsSpecial(std::string_view name) {
  return OneOf(
      name, {"address",    "applet",   "article",  "aside",  "blockquote", "body",      "button",
             "center",     "details",  "dialog",   "dir",    "div",        "dl",        "fieldset",
             "figcaption", "figure",   "footer",   "form",   "frameset",   "h1",        "h2",
             "h3",         "h4",       "h5",       "h6",     "head",       "header",    "hgroup",
             "html",       "iframe",   "listing",  "main",   "marquee",    "menu",      "nav",
             "noembed",    "noframes", "noscript", "object", "ol",         "plaintext", "pre",
             "section",    "select",   "summary",  "table",  "template",   "ul",        "xmp",
             "svg",        "math"});
}

// Scope boundaries: the end tag of a special element is ignored when one of them stands above it.
bool IsScopeBoundary(std::string_view name) {
  return OneOf(name, {"applet", "html", "table", "marquee", "object", "template", "svg", "math"});
}

// HTML's formatting elements (<a> aside: links do not nest, see NestingModel::Open). Gumbo keeps
// them on its list of active formatting elements after an end tag around them has closed them, and
// at every character that follows it looks the list's last entry up in the stack of open elements
// from the bottom, and reopens what is missing: a cost of their depth, or of the list's length ×
// the depth, per character. Random bytes read as HTML (10 MB: 3–4 s) are made of such tags. They
// carry no text, so dropping them loses nothing the extractor reads.
bool IsFormatting(std::string_view name) {
  return OneOf(name, {"b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike",
                      "strong", "tt", "u"});
}
constexpr size_t kMaxFormattingDepth = 64;  // deeper formatting start tags are dropped
constexpr int kMaxActiveFormatting = 32;    // and those past this many not yet ended

// Elements whose content is raw text: tags inside them are not tags.
bool IsRawText(std::string_view name) {
  return OneOf(name,
               {"script", "style", "textarea", "title", "xmp", "noembed", "noframes", "iframe"});
}

// One tag found by ScanTags.
struct TagToken {
  size_t begin, end;  // [begin, end) in the input, '<' to '>'
  bool closing;
  std::string_view name;  // lower-cased into the scanner's buffer
};

// Calls `on_tag` for every start and end tag outside comments and raw-text elements.
template <typename OnTag>
void ScanTags(std::string_view html, OnTag on_tag) {
  char name_buffer[32];
  size_t i = 0;
  while (i < html.size()) {
    const void* found = std::memchr(html.data() + i, '<', html.size() - i);
    if (found == nullptr) return;
    size_t lt = static_cast<size_t>(static_cast<const char*>(found) - html.data());
    size_t p = lt + 1;
    if (html.substr(p, 3) == "!--") {
      size_t close = html.find("-->", p + 3);
      i = close == std::string_view::npos ? html.size() : close + 3;
      continue;
    }
    bool closing = p < html.size() && html[p] == '/';
    if (closing) ++p;
    size_t name_start = p;
    size_t n = 0;
    while (p < html.size() && IsTagNameChar(html[p])) {
      if (n < sizeof(name_buffer)) name_buffer[n++] = LowerAscii(html[p]);
      ++p;
    }
    if (p == name_start || !((html[name_start] >= 'a' && html[name_start] <= 'z') ||
                             (html[name_start] >= 'A' && html[name_start] <= 'Z'))) {
      i = lt + 1;
      continue;
    }
    const void* gt = std::memchr(html.data() + p, '>', html.size() - p);
    size_t end = gt == nullptr
                     ? html.size()
                     : static_cast<size_t>(static_cast<const char*>(gt) - html.data()) + 1;
    std::string_view name(name_buffer, n);
    on_tag(TagToken{lt, end, closing, name});
    i = end;
    if (!closing && IsRawText(name)) {
      // Skip to the matching end tag, case-insensitively.
      std::string end_tag = "</" + std::string(name);
      size_t k = i;
      for (;;) {
        const void* next = std::memchr(html.data() + k, '<', html.size() - k);
        if (next == nullptr) {
          k = html.size();
          break;
        }
        k = static_cast<size_t>(static_cast<const char*>(next) - html.data());
        size_t m = 0;
        while (m < end_tag.size() && k + m < html.size() && LowerAscii(html[k + m]) == end_tag[m])
          ++m;
        if (m == end_tag.size()) break;
        ++k;
      }
      i = k;
    }
  }
}

// The guard's model of Gumbo's stack of open elements (only elements that nest, at most
// kMaxHtmlNesting of them), and the start tags it dropped, by name, whose end tags go too.
class NestingModel {
 public:
  // True when the start tag is to be dropped.
  bool Open(std::string_view name) {
    std::string key(name);
    if (IsFormatting(key)) {
      if (stack_.size() >= kMaxFormattingDepth || active_formatting_ >= kMaxActiveFormatting) {
        ++dropped_[key];
        return true;
      }
      ++active_[key];
      ++active_formatting_;
    }
    // A link is kept even past the limit, so that a deep page still yields its links: links do not
    // nest (a new <a> closes the open one, as Gumbo's adoption agency does), so this adds one
    // level.
    bool link = key == "a";
    if (link && open_[key] > 0) Close(key);
    if (stack_.size() >= static_cast<size_t>(kMaxHtmlNesting) && !link) {
      ++dropped_[key];
      ++dropped_deep_;
      return true;
    }
    ++open_[key];
    stack_.push_back(std::move(key));
    return false;
  }

  // True when the end tag is to be dropped (it closes a dropped start tag).
  bool Close(std::string_view name) {
    std::string key(name);
    if (auto it = dropped_.find(key); it != dropped_.end() && it->second > 0) {
      --it->second;
      return true;
    }
    if (IsFormatting(key)) EndFormatting(key);
    auto open = open_.find(key);
    if (open == open_.end() || open->second == 0) return false;  // stray: Gumbo ignores it
    // Find the element, as Gumbo would; give up where Gumbo would ignore the end tag.
    bool special = IsSpecial(key);
    size_t at = stack_.size();
    while (at-- > 0) {
      const std::string& above = stack_[at];
      if (above == key) break;
      if (special ? IsScopeBoundary(above) : IsSpecial(above)) return false;
    }
    while (stack_.size() > at) {
      --open_[stack_.back()];
      stack_.pop_back();
    }
    return false;
  }

  // Start tags dropped because they would nest too deep (not as formatting elements).
  int dropped_deep() const { return dropped_deep_; }

 private:
  // Gumbo's adoption agency takes the element off its list of active formatting elements, unless
  // the element is open behind a scope boundary. The model errs towards counting too many.
  void EndFormatting(const std::string& key) {
    auto active = active_.find(key);
    if (active == active_.end() || active->second == 0) return;
    if (auto open = open_.find(key); open != open_.end() && open->second > 0) {
      for (size_t at = stack_.size(); at-- > 0 && stack_[at] != key;) {
        if (IsScopeBoundary(stack_[at])) return;
      }
    }
    --active->second;
    --active_formatting_;
  }

  std::vector<std::string> stack_;
  std::unordered_map<std::string, int> open_;     // names on stack_, with their counts
  std::unordered_map<std::string, int> dropped_;  // dropped start tags not yet closed
  std::unordered_map<std::string, int> active_;   // formatting elements kept and not yet ended
  int active_formatting_ = 0;
  int dropped_deep_ = 0;
};

// The byte ranges of the tags to drop, in order; `*deep` counts the start tags dropped for their
// depth.
std::vector<std::pair<size_t, size_t>> TagsToDrop(std::string_view html, int* deep) {
  std::vector<std::pair<size_t, size_t>> drop;
  NestingModel model;
  ScanTags(html, [&](const TagToken& tag) {
    if (!OpensNesting(tag.name)) return;
    if (tag.closing ? model.Close(tag.name) : model.Open(tag.name)) {
      drop.emplace_back(tag.begin, tag.end);
    }
  });
  *deep = model.dropped_deep();
  return drop;
}

}  // namespace

HtmlTree::HtmlTree(std::string utf8) : source_(std::move(utf8)) {
  std::string_view input = source_;
  int deep = 0;
  std::vector<std::pair<size_t, size_t>> drop = TagsToDrop(input, &deep);
  if (!drop.empty()) {
    guarded_.reserve(source_.size());
    size_t copied = 0;
    for (const auto& [begin, end] : drop) {
      guarded_.append(source_, copied, begin - copied);
      copied = end;
    }
    guarded_.append(source_, copied);
    input = guarded_;
  }
  // Formatting tags carry no text (see IsFormatting): dropping them alone is no loss to warn about.
  if (deep > 0) {
    warnings_.push_back("elements nested deeper than " + std::to_string(kMaxHtmlNesting) +
                        " levels; " + std::to_string(drop.size()) + " tags ignored");
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // parse errors are normal on real pages; do not spend memory on them
  output_ = gumbo_parse_with_options(&options, input.empty() ? "" : input.data(), input.size());
  if (output_ == nullptr) warnings_.push_back("HTML parser failed");
}

HtmlTree::~HtmlTree() {
  if (output_ != nullptr) gumbo_destroy_output(&kGumboDefaultOptions, output_);
}

}  // namespace nianbao
