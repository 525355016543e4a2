#!/usr/bin/python3
"""bench/crawl_scrapy.py SEED...: Scrapy on the bench site (bench/crawl --serve), the comparison of
bench/compare's crawl side. Fetches and follows links only (no extraction, no store), robots.txt
obeyed, one connection per host, no delay: the settings nianbao crawls the site with."""
import sys

import scrapy
from scrapy.crawler import CrawlerProcess


class SiteSpider(scrapy.Spider):
    name = "site"
    pages = 0

    def start_requests(self):
        for seed in sys.argv[1:]:
            yield scrapy.Request(seed)

    def parse(self, response):
        SiteSpider.pages += 1
        if "/list" in response.url:  # list pages: follow every link (reports, the next page)
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href)


process = CrawlerProcess(settings={
    "ROBOTSTXT_OBEY": True,
    "CONCURRENT_REQUESTS": 8,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "DEPTH_LIMIT": 3,
})
process.crawl(SiteSpider)
process.start()
print(f"{SiteSpider.pages} pages")
