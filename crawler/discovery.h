// Link discovery on list and report pages, by the rules of rules/links.toml (kept as data). A
// page's links fall into three kinds: reports (followed as report pages), further pages of the same
// list (pagination, including page counts written by inline scripts), and attachments (.pdf .doc …
// by path extension). Links are <a>/<area> hrefs, <iframe>/<embed>/<object> sources, onclick
// window.open('…') and javascript: hrefs naming a URL (read, never run), and pdf.js viewers
// (viewer.html?file=X stands for X). List mechanisms that page through a script API ([[list]],
// crawler/list_rules.h) add their rows and the request for their next page. Everything else is
// ignored. Discovery never looks at tables. Errors:
// LinkRules::Load throws RuleError (extract/rules.h) naming links.toml and the problem.
#ifndef NIANBAO_CRAWLER_DISCOVERY_H_
#define NIANBAO_CRAWLER_DISCOVERY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/list_rules.h"

namespace nianbao {

class HtmlTree;  // extract/read/html_tree.h: every HTML parse goes through its nesting guard

class LinkRules {
 public:
  // From `rules_dir`/links.toml, or the copy compiled into the binary when `rules_dir` is empty.
  static std::shared_ptr<const LinkRules> Load(const std::string& rules_dir = "");
  static std::shared_ptr<const LinkRules> Parse(std::string_view toml, const std::string& source);
  ~LinkRules();

  struct Impl;
  const Impl& impl() const { return *impl_; }
  const ListRules& lists() const;

 private:
  explicit LinkRules(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct DiscoveredLinks {
  std::vector<std::string> reports;  // absolute, normalised, in page order, no duplicates
  std::vector<std::string> pages;    // further pages of this list
  std::vector<std::string> attachments;
  std::vector<ListRequest> requests;    // the next page of each list mechanism ([[list]])
  std::vector<std::string> mechanisms;  // the [[list]] rules recognised (or whose reply this is)
  std::vector<std::string> errors;      // a mechanism recognised but not usable; a bad reply
};

// `html` is the page decoded to UTF-8; `page_url` its (final) absolute URL.
DiscoveredLinks DiscoverLinks(std::string_view html, const std::string& page_url,
                              const LinkRules& rules);
// The same from a page already parsed (by Extract: see ExtractedPage), which is not parsed again.
DiscoveredLinks DiscoverLinks(const HtmlTree& page, const std::string& page_url,
                              const LinkRules& rules);

// The reply to a list mechanism's request (`body` UTF-8), found from the list page `list_url`:
// its rows sorted like a page's links (reports are kept on the list's site), and the request for
// the page after it. A reply that does not parse gives one `errors` line naming the rule and URL.
DiscoveredLinks DiscoverReply(const ListRequest& request, std::string_view body,
                              const std::string& list_url, const LinkRules& rules);

// Only the attachments of a page (a report page needs nothing else): a scan of href attributes,
// much cheaper than a full parse. `html` is UTF-8.
std::vector<std::string> DiscoverAttachments(std::string_view html, const std::string& page_url,
                                             const LinkRules& rules);

// The pictures in the article body of a report page, in page order, for a report that prints its
// statistics tables as images (read by ExtractWithPictures). The body is the part of the page after
// a text matching one of links.toml's [article_images] `start` patterns (the report's own section
// headings) and before one matching `end`; an <img> there whose URL matches no `skip` pattern
// (logos, banners, QR codes) is one. At most `max_images`; none when the rules have no `start`.
std::vector<std::string> ArticleImages(const HtmlTree& page, const std::string& page_url,
                                       const LinkRules& rules);

// True when the URL's path names an attachment by the rules' extensions.
bool IsAttachmentUrl(const std::string& url, const LinkRules& rules);

// False when `bytes` (in any ASCII-compatible encoding) cannot link an attachment: no ".EXT" of the
// rules' extensions occurs in it, in any letter case. Saves parsing report pages for nothing.
bool MayLinkAttachments(std::string_view bytes, const LinkRules& rules);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_DISCOVERY_H_
