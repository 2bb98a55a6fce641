// MathJax configuration for pymdownx.arithmatex (generic mode), as the Material theme recommends.
// MathJax itself is served from the site (javascripts/mathjax/), never from a CDN.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};

// Typeset again after each instant-navigation page change. MathJax may not be loaded yet on the
// first page (it typesets that page itself at startup), or not at all: then there is nothing to do.
document$.subscribe(() => {
  const mj = window.MathJax;
  if (!mj || typeof mj.typesetPromise !== "function" || !mj.startup || !mj.startup.output) {
    return;
  }
  mj.startup.output.clearCache();
  mj.typesetClear();
  mj.texReset();
  mj.typesetPromise();
});
