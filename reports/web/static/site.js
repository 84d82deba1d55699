// Only an improvement: every page works without it.
// A form sends once: a second click while the page loads would act twice.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
});
// Back to a page from the browser's cache: its forms may be sent again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    delete form.dataset.sent;
  });
});
// Pages that show a live state (a workshop's projector view) refresh themselves.
(function () {
  var refresh = document.querySelector("[data-refresh]");
  if (refresh) {
    window.setTimeout(function () { window.location.reload(); },
                      1000 * Number(refresh.getAttribute("data-refresh")));
  }
})();
// The resume code's copy button: shown only where a script can copy.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.getAttribute("data-copy"));
  var status = button.parentNode.querySelector(".copied");
  button.hidden = false;
  button.addEventListener("click", function () {
    var text = source.textContent;
    function done() { status.textContent = button.getAttribute("data-copied"); }
    function select() {  // without the clipboard API (plain http): select it, copy the old way
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand("copy")) { done(); }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, select);
    } else {
      select();
    }
  });
});
