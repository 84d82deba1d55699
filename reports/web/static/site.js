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
