#include "extract/map/metadata.h"

#include <gtest/gtest.h>

#include <string>

namespace nianbao {
namespace {

Metadata Read(const std::string& head, const std::string& body) {
  return ReadMetadata(ParseHtml("<html><head>" + head + "</head><body>" + body + "</body></html>"));
}

TEST(MetadataTest, IssuerAndYearFromTheTitle) {
  Metadata m =
      Read("<title>南昌市人民政府2023年政府信息公开工作年度报告_南昌市人民政府</title>", "");
  EXPECT_EQ(m.title, "南昌市人民政府2023年政府信息公开工作年度报告");
  EXPECT_EQ(m.issuer, "南昌市人民政府");
  EXPECT_EQ(m.year, 2023);
  m = Read("<title>2022年度赣州市章贡区人民政府办公室政府信息公开工作年度报告</title>", "");
  EXPECT_EQ(m.issuer, "赣州市章贡区人民政府办公室");
  EXPECT_EQ(m.year, 2022);
}

// The title names the place; an Author meta naming that place's organ refines it (the real Pingtan
// 2018 page: Author 平潭综合实验区管委会). Any other Author is not the issuer.
TEST(MetadataTest, AuthorMetaNamingThePlacesOrganRefinesTheIssuer) {
  const std::string title = "<title>平潭综合实验区2018年度政府信息公开工作年度报告_平潭</title>";
  auto author = [&](const std::string& name) {
    return Read(title + "<meta name=\"Author\" content=\"" + name + "\"/>", "").issuer;
  };
  EXPECT_EQ(author("平潭综合实验区管委会"), "平潭综合实验区管委会");
  EXPECT_EQ(author("平潭综合实验区人民政府"), "平潭综合实验区人民政府");
  EXPECT_EQ(author("平潭综合实验区管委会办公室"), "平潭综合实验区");  // an office that posted it
  EXPECT_EQ(author("张三"), "平潭综合实验区");
  EXPECT_EQ(author(""), "平潭综合实验区");
}

// A title that names no body ("关于2021年度…"): the issuer comes from what the page says of itself.
TEST(MetadataTest, IssuerFromThePageWhenTheTitleNamesNone) {
  const std::string title = "<title>关于2021年度政府信息公开工作年度报告</title>";
  EXPECT_EQ(Read(title, "").issuer, std::nullopt);
  EXPECT_EQ(Read(title + "<meta name=\"ContentSource\" content=\"宁德市生态环境局\">", "").issuer,
            "宁德市生态环境局");
  Metadata m = Read(title,
                    "<table><tr><td>发布机构：宁德市生态环境局</td><td>发文日期：2022-01-25</td>"
                    "</tr></table><p>正文</p>");
  EXPECT_EQ(m.issuer, "宁德市生态环境局");
  EXPECT_EQ(m.published, "2022-01-25");
  EXPECT_EQ(m.year, 2021);
  // 填报单位 (printed under the table) comes first.
  EXPECT_EQ(Read(title, "<p>发布机构：宁德市人民政府</p><p>填报单位：宁德市生态环境局</p>").issuer,
            "宁德市生态环境局");
}

TEST(MetadataTest, PublishedFromMetaOrText) {
  EXPECT_EQ(Read("<title>XX县统计局2020年政府信息公开年报</title>"
                 "<meta name=\"PubDate\" content=\"2021-01-20 09:30\">",
                 "")
                .published,
            "2021-01-20");
  EXPECT_EQ(Read("<title>t</title>", "<p>发布时间：2021年1月5日</p>").published, "2021-01-05");
  EXPECT_EQ(Read("<title>t</title>", "<p>2021年工作很好</p>").published, std::nullopt);
}

}  // namespace
}  // namespace nianbao
