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
// A unit typed for a call: its tenant shows beside it and the caller boxes
// take the tenant's contact and day phone (the desk may overwrite them).
document.addEventListener("change", function (e) {
  var box = e.target;
  if (!box || !box.hasAttribute || !box.hasAttribute("data-caller-lookup") || !box.form) return;
  var form = box.form, typed = box.value.trim();
  var shown = form.querySelector("[data-unit-tenant]");
  if (shown) shown.textContent = "";
  if (!typed) return;
  fetch("/tickets/caller?number=" + encodeURIComponent(typed), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (u) {
      if (!u || box.value.trim() !== typed) return;
      if (shown) shown.textContent = u.tenant_name ? u.tenant_name + (u.name ? " · " + u.name : "") : shown.getAttribute("data-vacant");
      [["reporter_name", u.name], ["reporter_phone", u.phone]].forEach(function (p) {
        var f = form.querySelector("[name=" + p[0] + "]");
        if (f && (!f.value || f.getAttribute("data-filled") === "1")) {
          f.value = p[1] || "";
          f.setAttribute("data-filled", "1");
        }
      });
    })
    .catch(function () {});
});
// What the desk types over a filled-in caller stays.
document.addEventListener("input", function (e) {
  var f = e.target;
  if (f && (f.name === "reporter_name" || f.name === "reporter_phone")) f.removeAttribute("data-filled");
});
// An irreversible or mass action asks once, saying what will happen and to
// how many (the form's data-confirm).
document.addEventListener("submit", function (e) {
  var f = e.target;
  var ask = f && f.getAttribute ? f.getAttribute("data-confirm") : null;
  if (ask && !window.confirm(ask)) e.preventDefault();
});
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
