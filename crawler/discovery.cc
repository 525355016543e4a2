#include "crawler/discovery.h"

#include <gumbo.h>
#include <re2/re2.h>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "crawler/url.h"
#include "extract/map/rules.h"
#include "extract/read/html_tree.h"
#include "rules/embedded_rules.h"

namespace nianbao {

struct LinkRules::Impl {
  std::vector<std::unique_ptr<RE2>> report_text, report_url, report_exclude;
  std::vector<std::unique_ptr<RE2>> page_text, page_url, page_scripts;
  std::set<std::string> extensions;
  bool same_site = true;
  int max_pages = 50;
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
  std::string href, text, title;
};

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

// Every <a>/<area> with an href, and the first <base href>.
void CollectLinks(const HtmlTree& tree, std::vector<RawLink>* links, std::string* base) {
  if (tree.root() == nullptr) return;
  std::vector<const GumboNode*> stack = {tree.root()};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& element = node->v.element;
    if (element.tag == GUMBO_TAG_A || element.tag == GUMBO_TAG_AREA ||
        element.tag == GUMBO_TAG_BASE) {
      const GumboAttribute* href = gumbo_get_attribute(&element.attributes, "href");
      if (href && element.tag == GUMBO_TAG_BASE) {
        if (base->empty()) *base = href->value;
      } else if (href) {
        RawLink link;
        link.href = href->value;
        if (const GumboAttribute* title = gumbo_get_attribute(&element.attributes, "title")) {
          link.title = CollapseSpace(title->value);
        }
        std::string text;
        CollectText(node, &text);
        link.text = CollapseSpace(text);
        links->push_back(std::move(link));
      }
    }
    // Children in reverse so that the stack pops them in document order.
    for (unsigned i = element.children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(element.children.data[i]));
    }
  }
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
  for (const auto& re : rules.page_scripts) {
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
          n == 0 ? prefix + "." + suffix : prefix + "_" + std::to_string(n) + "." + suffix;
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
      impl->page_scripts.push_back(std::move(re));
    }
  }
  if (const toml::array* extensions = table.at_path("attachments.extensions").as_array()) {
    for (const toml::node& node : *extensions) {
      if (auto extension = node.value<std::string>()) impl->extensions.insert(*extension);
    }
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
  static const RE2 href_pattern(
      R"re((?i)<(a|area|base)\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))re");
  std::vector<std::string> found;
  std::string base = page_url;
  std::set<std::string> seen;
  re2::StringPiece input(html.data(), html.size());
  std::string tag, quoted, single, bare;
  while (RE2::FindAndConsume(&input, href_pattern, &tag, &quoted, &single, &bare)) {
    std::string href = !quoted.empty() ? quoted : !single.empty() ? single : bare;
    for (size_t amp = href.find("&amp;"); amp != std::string::npos;
         amp = href.find("&amp;", amp + 1)) {
      href.erase(amp + 1, 4);
    }
    if (tag.size() == 4 && (tag[0] == 'b' || tag[0] == 'B')) {
      if (auto resolved = ResolveUrl(page_url, href)) base = *resolved;
      continue;
    }
    std::optional<std::string> resolved = ResolveUrl(base, href);
    if (resolved && IsAttachmentUrl(*resolved, rules) && seen.insert(*resolved).second) {
      found.push_back(*resolved);
    }
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

  std::set<std::string> seen = {page->ToString()};
  auto add = [&](std::vector<std::string>* list, const std::string& url) {
    if (seen.insert(url).second) list->push_back(url);
  };
  auto page_allowed = [&](const Url& url) {
    return url.host == page->host && PageNumber(url) <= r.max_pages;
  };
  for (const RawLink& link : links) {
    std::optional<std::string> resolved = ResolveUrl(base, link.href);
    if (!resolved) continue;
    Url url = *ParseUrl(*resolved);
    if (r.extensions.count(PathExtension(url))) {
      add(&found.attachments, *resolved);
      continue;
    }
    bool excluded = AnyMatch(r.report_exclude, link.text) || AnyMatch(r.report_exclude, link.title);
    bool report =
        !excluded && (AnyMatch(r.report_text, link.text) || AnyMatch(r.report_text, link.title) ||
                      AnyMatch(r.report_url, *resolved));
    if (report && (!r.same_site || SiteOf(url.host) == SiteOf(page->host))) {
      add(&found.reports, *resolved);
      continue;
    }
    bool pagination = AnyMatch(r.page_url, *resolved) ||
                      (AnyMatch(r.page_text, link.text) && Directory(url) == Directory(*page));
    if (pagination && page_allowed(url)) add(&found.pages, *resolved);
  }
  for (const std::string& url : ScriptPages(html, *page, r)) {
    if (page_allowed(*ParseUrl(url))) add(&found.pages, url);
  }
  return found;
}

}  // namespace nianbao
