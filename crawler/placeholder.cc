// PLACEHOLDER(foundation): the crawler owner deletes this file when crawler/ has real sources.
namespace nianbao {}
