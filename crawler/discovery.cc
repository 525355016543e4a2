#include "crawler/discovery.h"

#include <gumbo.h>
#include <re2/re2.h>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "crawler/list_rules.h"
#include "crawler/url.h"
#include "extract/map/rules.h"
#include "extract/read/html_tree.h"
#include "extract/read/utf8.h"
#include "rules/embedded_rules.h"

namespace nianbao {

struct LinkRules::Impl {
  std::vector<std::unique_ptr<RE2>> report_text, report_url, report_exclude;
  struct PageScript {
    std::unique_ptr<RE2> pattern;
    int first_suffix = 1;  // page 2 is PREFIX_<first_suffix>.SUFFIX
  };
  std::vector<std::unique_ptr<RE2>> page_text, page_url;
  std::vector<PageScript> page_scripts;
  std::set<std::string> extensions;
  // [article_images]: where a report page's body begins and ends, and the pictures that are
  // furniture.
  std::vector<std::unique_ptr<RE2>> article_start, article_end, article_skip;
  int article_max_images = 0;
  bool same_site = true;
  int max_pages = 50;
  std::unique_ptr<ListRules> lists;  // the [[list]] mechanisms
};

namespace {

constexpr std::string_view kFileName = "links.toml";

std::vector<std::unique_ptr<RE2>> Patterns(const toml::table& table, std::string_view section,
                                           std::string_view key, const std::string& source) {
  std::vector<std::unique_ptr<RE2>> out;
  const toml::array* array =
      table.at_path(std::string(section) + "." + std::string(key)).as_array();
  if (!array) return out;
  for (const toml::node& node : *array) {
    const std::string* text = node.as_string() ? &node.as_string()->get() : nullptr;
    if (!text) {
      throw RuleError(source + ":" + std::to_string(node.source().begin.line) + ": " +
                      std::string(section) + "." + std::string(key) + " must hold strings");
    }
    auto re = std::make_unique<RE2>(*text, RE2::Quiet);
    if (!re->ok()) {
      throw RuleError(source + ":" + std::to_string(node.source().begin.line) + ": bad pattern '" +
                      *text + "': " + re->error());
    }
    out.push_back(std::move(re));
  }
  return out;
}

bool AnyMatch(const std::vector<std::unique_ptr<RE2>>& patterns, std::string_view text) {
  if (text.empty()) return false;
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const auto& re) { return RE2::PartialMatch(text, *re); });
}

// Collapses whitespace, including NBSP and the ideographic space.
std::string CollapseSpace(std::string_view in) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    bool is_space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    if (c == 0xC2 && i + 1 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xA0) {
      is_space = true, ++i;
    } else if (c == 0xE3 && i + 2 < in.size() && in.substr(i, 3) == "\xE3\x80\x80") {
      is_space = true, i += 2;
    }
    if (is_space) {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

struct RawLink {
  std::string href, text, title, date;
};

// A date written next to a list row (2024-01-31, 2024/1/31, 2024.01.31, 2024年1月31日).
std::string DateNear(std::string_view text) {
  static const RE2 date_pattern(R"(((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2}))");
  std::string year, month, day;
  if (!RE2::PartialMatch(text, date_pattern, &year, &month, &day)) return "";
  auto two = [](const std::string& part) { return part.size() == 1 ? "0" + part : part; };
  return year + "-" + two(month) + "-" + two(day);
}

// The URL a script names in `script` (an onclick handler or a javascript: href): the argument of
// window.open(…) or a location assignment, else a quoted string naming a document (…​.pdf).
// Never runs anything.
std::string ScriptTarget(std::string_view script) {
  static const RE2 open_pattern(
      R"re((?:window\.open|location\.replace|location\.assign)\s*\(\s*['"]([^'"]+)['"]|location(?:\.href)?\s*=\s*['"]([^'"]+)['"])re");
  static const RE2 document_pattern(R"re(['"]([^'"\s]+\.(?i:pdf|docx?|wps|xlsx?|ofd))['"])re");
  std::string opened, assigned, document;
  if (RE2::PartialMatch(script, open_pattern, &opened, &assigned)) {
    return opened.empty() ? assigned : opened;
  }
  if (RE2::PartialMatch(script, document_pattern, &document)) return document;
  return "";
}

void CollectText(const GumboNode* node, std::string* out) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
      node->type == GUMBO_NODE_CDATA) {
    out->append(node->v.text.text);
    out->push_back(' ');
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT) return;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    CollectText(static_cast<const GumboNode*>(children.data[i]), out);
  }
}

// Every <a>/<area> with an href, every <iframe>/<embed> src and <object> data, every onclick that
// opens a URL, and the first <base href>. A javascript: href is read as the URL its script names.
void CollectLinks(const HtmlTree& tree, std::vector<RawLink>* links, std::string* base) {
  if (tree.root() == nullptr) return;
  std::vector<const GumboNode*> stack = {tree.root()};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& element = node->v.element;
    const GumboAttribute* href = nullptr;
    if (element.tag == GUMBO_TAG_A || element.tag == GUMBO_TAG_AREA ||
        element.tag == GUMBO_TAG_BASE) {
      href = gumbo_get_attribute(&element.attributes, "href");
    } else if (element.tag == GUMBO_TAG_IFRAME || element.tag == GUMBO_TAG_EMBED ||
               element.tag == GUMBO_TAG_FRAME) {
      href = gumbo_get_attribute(&element.attributes, "src");
    } else if (element.tag == GUMBO_TAG_OBJECT) {
      href = gumbo_get_attribute(&element.attributes, "data");
    }
    const GumboAttribute* onclick = gumbo_get_attribute(&element.attributes, "onclick");
    if (href && element.tag == GUMBO_TAG_BASE) {
      if (base->empty()) *base = href->value;
    } else if (href || onclick) {
      RawLink link;
      if (href) link.href = href->value;
      std::string_view written = link.href;
      while (!written.empty() && written.front() == ' ') written.remove_prefix(1);
      bool script_href = written.size() >= 11 && std::equal(written.begin(), written.begin() + 11,
                                                            "javascript:", [](char a, char b) {
                                                              return std::tolower(a) == b;
                                                            });
      if (script_href) link.href = ScriptTarget(written);
      // href="#" with an onclick: the script names the target.
      if ((link.href.empty() || link.href[0] == '#') && onclick) {
        std::string target = ScriptTarget(onclick->value);
        if (!target.empty()) link.href = target;
      }
      if (!link.href.empty()) {
        if (const GumboAttribute* title = gumbo_get_attribute(&element.attributes, "title")) {
          link.title = CollapseSpace(title->value);
        }
        std::string text;
        CollectText(node, &text);
        link.text = CollapseSpace(text);
        if (node->parent && node->parent->type == GUMBO_NODE_ELEMENT) {
          std::string row;
          CollectText(node->parent, &row);
          link.date = DateNear(row);
        }
        links->push_back(std::move(link));
      }
    }
    // Children in reverse so that the stack pops them in document order.
    for (unsigned i = element.children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(element.children.data[i]));
    }
  }
}

// A pdf.js viewer URL (…/viewer.html?file=X) stands for the document X it shows.
std::string Unwrapped(const std::string& url_text) {
  static const RE2 viewer_pattern(R"((?i)/viewer\.html?\?(?:.*&)?file=([^&#]+))");
  std::string file;
  if (!RE2::PartialMatch(url_text, viewer_pattern, &file)) return url_text;
  std::string decoded;
  for (size_t i = 0; i < file.size(); ++i) {
    if (file[i] == '%' && i + 2 < file.size() &&
        std::isxdigit(static_cast<unsigned char>(file[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(file[i + 2]))) {
      decoded.push_back(static_cast<char>(std::stoi(file.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      decoded.push_back(file[i]);
    }
  }
  return ResolveUrl(url_text, decoded).value_or(url_text);
}

// The registrable domain, roughly: the last three labels under a Chinese second-level domain
// (x.gov.cn), else the last two. IP addresses are their own site.
std::string SiteOf(const std::string& host) {
  if (host.empty() || host[0] == '[' || std::all_of(host.begin(), host.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
      })) {
    return host;
  }
  std::vector<std::string_view> labels;
  std::string_view rest = host;
  while (true) {
    size_t dot = rest.find('.');
    labels.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  size_t keep = 2;
  if (labels.size() >= 3 && labels.back() == "cn") {
    std::string_view second = labels[labels.size() - 2];
    if (second == "gov" || second == "com" || second == "org" || second == "edu" ||
        second == "net" || second == "ac") {
      keep = 3;
    }
  }
  keep = std::min(keep, labels.size());
  std::string site;
  for (size_t i = labels.size() - keep; i < labels.size(); ++i) {
    if (!site.empty()) site.push_back('.');
    site.append(labels[i]);
  }
  return site;
}

std::string Directory(const Url& url) { return url.path.substr(0, url.path.rfind('/') + 1); }

// The page number a list URL names (index_3.html → 3, ?page=3 → 3), or 0.
int PageNumber(const Url& url) {
  static const RE2 index_pattern(R"((?i)_(\d+)\.s?html?$)");
  static const RE2 query_pattern(R"((?i)(?:^|&)\w*p\w*=(\d+)$)");
  int number = 0;
  if (RE2::PartialMatch(url.path, index_pattern, &number)) return number;
  if (RE2::PartialMatch(url.query, query_pattern, &number)) return number;
  return 0;
}

// Pages named by inline-script page counts (createPageHTML(n, …), countPage = n).
std::vector<std::string> ScriptPages(std::string_view html, const Url& page,
                                     const LinkRules::Impl& rules) {
  std::vector<std::string> out;
  for (const auto& script : rules.page_scripts) {
    const std::unique_ptr<RE2>& re = script.pattern;
    int groups = re->NumberOfCapturingGroups();
    std::vector<re2::StringPiece> match(static_cast<size_t>(groups) + 1);
    if (!re->Match(html, 0, html.size(), RE2::UNANCHORED, match.data(), groups + 1)) continue;
    const auto& names = re->NamedCapturingGroups();
    auto group = [&](const char* name) -> std::string {
      auto it = names.find(name);
      return it == names.end() ? ""
                               : std::string(match[static_cast<size_t>(it->second)].as_string());
    };
    std::string count_text = group("count");
    if (count_text.empty() || count_text.size() > 6) continue;
    int count = std::min(std::stoi(count_text), rules.max_pages + 1);
    std::string file = page.path.substr(page.path.rfind('/') + 1);
    std::string stem = file.substr(0, file.find('.'));
    std::string extension =
        file.find('.') == std::string::npos ? "" : file.substr(file.rfind('.') + 1);
    if (size_t underscore = stem.rfind('_');
        underscore != std::string::npos &&
        std::all_of(stem.begin() + static_cast<long>(underscore) + 1, stem.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      stem.resize(underscore);
    }
    std::string prefix = group("prefix");
    std::string suffix = group("suffix");
    if (prefix.empty()) prefix = stem.empty() ? "index" : stem;
    if (suffix.empty()) suffix = extension.empty() ? "html" : extension;
    for (int n = 0; n < count; ++n) {
      std::string name =
          n == 0 ? prefix + "." + suffix
                 : prefix + "_" + std::to_string(n - 1 + script.first_suffix) + "." + suffix;
      if (auto url = ResolveUrl(page.ToString(), name)) out.push_back(*url);
    }
  }
  return out;
}

}  // namespace

LinkRules::LinkRules(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LinkRules::~LinkRules() = default;

std::shared_ptr<const LinkRules> LinkRules::Parse(std::string_view text,
                                                  const std::string& source) {
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw RuleError(source + ":" + std::to_string(e.source().begin.line) + ": " +
                    std::string(e.description()));
  }
  auto impl = std::make_unique<Impl>();
  impl->report_text = Patterns(table, "report", "text", source);
  impl->report_url = Patterns(table, "report", "url", source);
  impl->report_exclude = Patterns(table, "report", "exclude", source);
  impl->page_text = Patterns(table, "pagination", "text", source);
  impl->page_url = Patterns(table, "pagination", "url", source);
  impl->same_site = table["report"]["same_site"].value_or(true);
  impl->lists = ListRules::Parse(text, source);
  impl->max_pages = static_cast<int>(table["pagination"]["max_pages"].value_or(int64_t{50}));
  if (const toml::array* scripts = table.at_path("pagination.script").as_array()) {
    for (const toml::node& node : *scripts) {
      const toml::table* entry = node.as_table();
      std::optional<std::string> pattern =
          entry ? (*entry)["pattern"].value<std::string>() : std::nullopt;
      auto re = pattern ? std::make_unique<RE2>(*pattern, RE2::Quiet) : nullptr;
      if (!re || !re->ok() || !re->NamedCapturingGroups().count("count")) {
        throw RuleError(
            source + ":" + std::to_string(node.source().begin.line) +
            ": [[pagination.script]] needs a valid `pattern` with a (?P<count>…) group");
      }
      int first_suffix = static_cast<int>((*entry)["first_suffix"].value_or(int64_t{1}));
      if (first_suffix < 1 || first_suffix > 2) {
        throw RuleError(source + ":" + std::to_string(node.source().begin.line) +
                        ": [[pagination.script]] first_suffix is 1 (TRS: index_1 is page 2) or 2");
      }
      impl->page_scripts.push_back({std::move(re), first_suffix});
    }
  }
  if (const toml::array* extensions = table.at_path("attachments.extensions").as_array()) {
    for (const toml::node& node : *extensions) {
      if (auto extension = node.value<std::string>()) impl->extensions.insert(*extension);
    }
  }
  impl->article_start = Patterns(table, "article_images", "start", source);
  impl->article_end = Patterns(table, "article_images", "end", source);
  impl->article_skip = Patterns(table, "article_images", "skip", source);
  if (const toml::node* max = table.at_path("article_images.max_images").node()) {
    std::optional<int64_t> n = max->value<int64_t>();
    if (!n || *n < 0 || *n > 100) {
      throw RuleError(source + ":" + std::to_string(max->source().begin.line) +
                      ": [article_images] max_images is a whole number from 0 to 100");
    }
    impl->article_max_images = static_cast<int>(*n);
  }
  if (impl->report_text.empty() && impl->report_url.empty()) {
    throw RuleError(source + ": [report] needs `text` or `url` patterns");
  }
  return std::shared_ptr<const LinkRules>(new LinkRules(std::move(impl)));
}

std::shared_ptr<const LinkRules> LinkRules::Load(const std::string& rules_dir) {
  if (!rules_dir.empty()) {
    std::string path = rules_dir + "/" + std::string(kFileName);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw RuleError(path + ": cannot read");
    std::ostringstream content;
    content << in.rdbuf();
    return Parse(content.str(), path);
  }
  for (const EmbeddedFile& file : EmbeddedRuleFiles()) {
    if (file.name == kFileName) return Parse(file.content, "rules/links.toml (embedded)");
  }
  throw RuleError("rules/links.toml is not compiled into this binary");
}

bool IsAttachmentUrl(const std::string& url_text, const LinkRules& rules) {
  std::optional<Url> url = ParseUrl(url_text);
  return url && rules.impl().extensions.count(PathExtension(*url)) > 0;
}

std::vector<std::string> DiscoverAttachments(std::string_view html, const std::string& page_url,
                                             const LinkRules& rules) {
  static const RE2 tag_pattern(R"re((?i)<(a|area|base|iframe|frame|embed|object)\s([^>]*)>)re");
  static const RE2 attribute_pattern(
      R"re((?i)\b(href|src|data|onclick)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))re");
  // Compiled once: compiling it for every attribute was 80 % of this function's cost.
  static const RE2 javascript_pattern(R"((?i)^\s*javascript:)");
  std::vector<std::string> found;
  std::string base = page_url;
  std::set<std::string> seen;
  re2::StringPiece input(html.data(), html.size());
  std::string tag, attributes;
  while (RE2::FindAndConsume(&input, tag_pattern, &tag, &attributes)) {
    re2::StringPiece rest(attributes);
    std::string name, quoted, single, bare;
    std::vector<std::string> hrefs;
    while (RE2::FindAndConsume(&rest, attribute_pattern, &name, &quoted, &single, &bare)) {
      std::string value = !quoted.empty() ? quoted : !single.empty() ? single : bare;
      for (size_t amp = value.find("&amp;"); amp != std::string::npos;
           amp = value.find("&amp;", amp + 1)) {
        value.erase(amp + 1, 4);
      }
      bool script = std::tolower(static_cast<unsigned char>(name[0])) == 'o' ||
                    RE2::PartialMatch(value, javascript_pattern);
      hrefs.push_back(script ? ScriptTarget(value) : value);
    }
    for (const std::string& href : hrefs) {
      if (href.empty()) continue;
      if (tag.size() == 4 && (tag[0] == 'b' || tag[0] == 'B')) {
        if (auto resolved = ResolveUrl(page_url, href)) base = *resolved;
        continue;
      }
      std::optional<std::string> resolved = ResolveUrl(base, href);
      if (!resolved) continue;
      std::string url = Unwrapped(*resolved);
      if (IsAttachmentUrl(url, rules) && seen.insert(url).second) found.push_back(url);
    }
  }
  return found;
}

namespace {

bool AnyMatches(const std::vector<std::unique_ptr<RE2>>& patterns, std::string_view text) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const auto& re) { return RE2::PartialMatch(text, *re); });
}

// The text read last in document order, blanks dropped, so that a heading split over several tags
// (<span>二、</span>主动公开…) is matched whole. Holds about kWindow bytes.
class RecentText {
 public:
  void Add(std::string_view text) {
    AppendWithoutBlanks(text, &text_);
    if (text_.size() > 2 * kWindow) {
      size_t cut = text_.size() - kWindow;
      while (cut < text_.size() && IsUtf8Continuation(text_[cut])) ++cut;
      text_.erase(0, cut);
    }
  }
  std::string_view view() const { return text_; }
  void Clear() { text_.clear(); }

 private:
  static constexpr size_t kWindow = 256;
  std::string text_;
};

}  // namespace

std::vector<std::string> ArticleImages(const HtmlTree& page, const std::string& page_url,
                                       const LinkRules& rules) {
  const LinkRules::Impl& r = rules.impl();
  std::vector<std::string> found;
  if (page.root() == nullptr || r.article_start.empty() || r.article_max_images == 0) return found;
  std::string base = page_url;
  std::set<std::string> seen;
  RecentText recent;
  bool in_body = false;
  std::vector<const GumboNode*> stack = {page.root()};
  while (!stack.empty() && static_cast<int>(found.size()) < r.article_max_images) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_TEXT) {
      recent.Add(node->v.text.text);
      if (!in_body && AnyMatches(r.article_start, recent.view())) {
        in_body = true;
        recent.Clear();
      } else if (in_body && AnyMatches(r.article_end, recent.view())) {
        break;
      }
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& element = node->v.element;
    if (element.tag == GUMBO_TAG_SCRIPT || element.tag == GUMBO_TAG_STYLE) continue;
    if (element.tag == GUMBO_TAG_BASE) {
      const GumboAttribute* href = gumbo_get_attribute(&element.attributes, "href");
      if (href) base = ResolveUrl(page_url, href->value).value_or(base);
    }
    if (element.tag == GUMBO_TAG_IMG && in_body) {
      // Lazy-loading pages put the picture in data-src or data-original and a placeholder in src.
      for (const char* name : {"data-original", "data-src", "src"}) {
        const GumboAttribute* src = gumbo_get_attribute(&element.attributes, name);
        if (!src || std::string_view(src->value).starts_with("data:") || !*src->value) continue;
        std::optional<std::string> url = ResolveUrl(base, src->value);
        if (url && !AnyMatches(r.article_skip, *url) && seen.insert(*url).second)
          found.push_back(*url);
        break;
      }
    }
    const GumboVector& children = element.children;
    for (unsigned i = children.length; i-- > 0;)
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
  }
  return found;
}

bool MayLinkAttachments(std::string_view bytes, const LinkRules& rules) {
  for (size_t dot = bytes.find('.'); dot != std::string_view::npos;
       dot = bytes.find('.', dot + 1)) {
    for (const std::string& extension : rules.impl().extensions) {
      if (bytes.size() - dot - 1 < extension.size()) continue;
      bool same = true;
      for (size_t i = 0; i < extension.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(bytes[dot + 1 + i])) == extension[i];
      }
      if (same) return true;
    }
  }
  return false;
}

std::vector<ListItem> ReadHtmlItems(std::string_view html, const std::string& base_url) {
  std::vector<RawLink> links;
  std::string base_href;
  CollectLinks(HtmlTree(std::string(html)), &links, &base_href);
  std::string base = base_url;
  if (!base_href.empty()) base = ResolveUrl(base, base_href).value_or(base);
  std::vector<ListItem> items;
  for (const RawLink& link : links) {
    std::optional<std::string> resolved = ResolveUrl(base, link.href);
    if (!resolved) continue;
    // A list cuts long titles short ("…"); the title attribute then holds the whole one.
    std::string title = link.title.size() > link.text.size() ? link.title : link.text;
    items.push_back({title, Unwrapped(*resolved), link.date});
  }
  return items;
}

namespace {

// Sorts links into reports, further pages and attachments by links.toml, without duplicates.
class LinkSorter {
 public:
  LinkSorter(const LinkRules::Impl& rules, const Url& page, DiscoveredLinks* found)
      : r_(rules), page_(page), found_(found), seen_({page.ToString()}) {}

  // `text` and `title` as the link shows them; `pagination`: whether the link may be a page of
  // this list (links read from a mechanism's reply are rows, not pager links).
  void Add(const std::string& url_text, const std::string& text, const std::string& title,
           bool pagination_allowed) {
    std::optional<Url> parsed = ParseUrl(url_text);
    if (!parsed) return;
    const Url& url = *parsed;
    if (r_.extensions.count(PathExtension(url))) {
      Keep(&found_->attachments, url_text);
      return;
    }
    bool excluded = AnyMatch(r_.report_exclude, text) || AnyMatch(r_.report_exclude, title);
    bool report = !excluded && (AnyMatch(r_.report_text, text) || AnyMatch(r_.report_text, title) ||
                                AnyMatch(r_.report_url, url_text));
    if (report && (!r_.same_site || SiteOf(url.host) == SiteOf(page_.host))) {
      Keep(&found_->reports, url_text);
      return;
    }
    if (!pagination_allowed) return;
    bool pagination = AnyMatch(r_.page_url, url_text) ||
                      (AnyMatch(r_.page_text, text) && Directory(url) == Directory(page_));
    if (pagination && PageAllowed(url)) Keep(&found_->pages, url_text);
  }

  void AddPage(const std::string& url_text) {
    if (std::optional<Url> url = ParseUrl(url_text); url && PageAllowed(*url)) {
      Keep(&found_->pages, url_text);
    }
  }

 private:
  bool PageAllowed(const Url& url) const {
    return url.host == page_.host && PageNumber(url) <= r_.max_pages;
  }
  void Keep(std::vector<std::string>* list, const std::string& url) {
    if (seen_.insert(url).second) list->push_back(url);
  }

  const LinkRules::Impl& r_;
  const Url& page_;
  DiscoveredLinks* found_;
  std::set<std::string> seen_;
};

void AddItems(const std::vector<ListItem>& items, LinkSorter* sorter) {
  for (const ListItem& item : items) sorter->Add(item.url, item.title, item.title, false);
}

}  // namespace

DiscoveredLinks DiscoverLinks(std::string_view html, const std::string& page_url,
                              const LinkRules& rules) {
  return DiscoverLinks(HtmlTree(std::string(html)), page_url, rules);
}

DiscoveredLinks DiscoverLinks(const HtmlTree& tree, const std::string& page_url,
                              const LinkRules& rules) {
  std::string_view html = tree.source();
  const LinkRules::Impl& r = rules.impl();
  DiscoveredLinks found;
  std::optional<Url> page = ParseUrl(page_url);
  if (!page) return found;
  std::vector<RawLink> links;
  std::string base_href;
  CollectLinks(tree, &links, &base_href);
  std::string base = page->ToString();
  if (!base_href.empty()) base = ResolveUrl(base, base_href).value_or(base);

  LinkSorter sorter(r, *page, &found);
  for (const RawLink& link : links) {
    std::optional<std::string> resolved = ResolveUrl(base, link.href);
    if (resolved) sorter.Add(Unwrapped(*resolved), link.text, link.title, true);
  }
  std::vector<ListPageMatch> mechanisms = r.lists->ReadPage(html, page->ToString(), r.max_pages);
  for (ListPageMatch& match : mechanisms) {
    if (match.items.empty() && !match.next && match.error.empty() && !match.owns_paging) continue;
    found.mechanisms.push_back(match.rule);
    AddItems(match.items, &sorter);
    if (match.next) found.requests.push_back(std::move(*match.next));
    if (!match.error.empty()) found.errors.push_back(std::move(match.error));
  }
  // A list mechanism that the page names owns the list's paging: the static page counts its
  // scripts also print (often in the same commented-out block) are then not guessed at.
  if (std::none_of(mechanisms.begin(), mechanisms.end(),
                   [](const ListPageMatch& match) { return match.owns_paging; })) {
    for (const std::string& url : ScriptPages(html, *page, r)) sorter.AddPage(url);
  }
  return found;
}

DiscoveredLinks DiscoverReply(const ListRequest& request, std::string_view body,
                              const std::string& list_url, const LinkRules& rules) {
  const LinkRules::Impl& r = rules.impl();
  DiscoveredLinks found;
  found.mechanisms.push_back(request.rule);
  ListReply reply = r.lists->ReadReply(request, body, r.max_pages);
  if (!reply.error.empty()) {
    found.errors.push_back(std::move(reply.error));
    return found;
  }
  std::optional<Url> list = ParseUrl(list_url);
  if (!list) list = ParseUrl(request.url);
  if (!list) return found;
  LinkSorter sorter(r, *list, &found);
  AddItems(reply.items, &sorter);
  if (reply.next) found.requests.push_back(std::move(*reply.next));
  return found;
}

const ListRules& LinkRules::lists() const { return *impl_->lists; }

}  // namespace nianbao
