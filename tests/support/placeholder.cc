// PLACEHOLDER(foundation): deleted once tests/support has a real helper.
namespace nianbao::testing {}
