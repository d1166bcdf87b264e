// lobby's own small enhancements; every page works without them.
// "/" focuses the search box from anywhere (not while typing in a field).
document.addEventListener("keydown", function (e) {
  var t = e.target;
  var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey) {
    var s = document.getElementById("lookup") || document.getElementById("global-search");
    if (s) { e.preventDefault(); s.focus(); s.select(); }
  }
});
