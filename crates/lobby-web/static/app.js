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
// At the desk: l = new log entry, p = parcel, v = visitor, i = inquiry
// (SCREENS.md: keyboard shortcuts for the counter).
document.addEventListener("keydown", function (e) {
  var t = e.target;
  var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  var go = { l: "/desk#new", p: "/parcels#new", v: "/visitors#new", i: "/inquiries#new" }[e.key];
  if (!go || !document.querySelector(".side a[href='" + go.split("#")[0] + "']")) return;
  e.preventDefault();
  var here = location.pathname === go.split("#")[0];
  if (here) { focusNew(); } else { location.href = go; }
});
function focusNew() {
  var f = document.querySelector("[data-new]");
  if (f) { f.focus(); if (f.select) f.select(); }
}
if (location.hash === "#new") { document.addEventListener("DOMContentLoaded", focusNew); }
// The intake form: the complaint record's fields show for a complaint.
document.addEventListener("change", function (e) {
  if (e.target && e.target.id === "kind") {
    var f = document.getElementById("complaint-fields");
    if (f) f.hidden = e.target.value !== "complaint";
  }
});
// No inline handlers (the Content-Security-Policy forbids them): a button
// with data-print prints the page; a select with data-autosubmit sends its
// form when changed.
document.addEventListener("click", function (e) {
  var b = e.target && e.target.closest ? e.target.closest("[data-print]") : null;
  if (b) { e.preventDefault(); window.print(); }
});
document.addEventListener("change", function (e) {
  var s = e.target;
  if (s && s.hasAttribute && s.hasAttribute("data-autosubmit") && s.form) { s.form.submit(); }
});
