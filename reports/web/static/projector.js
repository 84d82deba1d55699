// The projector's wall. Only an improvement: every slide works without it.
(function () {
  var wall = document.querySelector("[data-wall]");
  if (!wall) {
    return;
  }
  var stored = wall.getAttribute("data-stored");
  var period = 1000 * Number(wall.getAttribute("data-refresh") || 5);
  var forward = ["ArrowRight", "ArrowDown", "PageDown", " ", "Spacebar"];
  var backward = ["ArrowLeft", "ArrowUp", "PageUp"];

  function step(direction) {
    var button = wall.querySelector('button[name="schritt"][value="' + direction + '"]');
    if (button && !button.disabled) {
      button.form.requestSubmit(button);
    }
  }
  // Arrow keys, space and what a presenter's clicker sends (PageUp/PageDown) step through.
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    if (forward.indexOf(event.key) >= 0) {
      event.preventDefault();
      step("weiter");
    } else if (backward.indexOf(event.key) >= 0) {
      event.preventDefault();
      step("zurueck");
    }
  });
  // The wall follows the coordinator's phone, and the counts follow the room, quietly.
  function follow() {
    fetch(window.location.href, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var page = new DOMParser().parseFromString(html, "text/html");
        var there = page.querySelector("[data-wall]");
        if (!there) {
          return;
        }
        var now = there.getAttribute("data-stored");
        if (now !== stored) {
          window.location.assign(now);
          return;
        }
        document.querySelectorAll("[data-live]").forEach(function (live) {
          var fresh = page.getElementById(live.id);
          if (fresh && live.innerHTML !== fresh.innerHTML) {
            live.innerHTML = fresh.innerHTML;
          }
        });
        var join = document.querySelector(".join");
        var joined = page.querySelector(".join");
        if (join && joined) {
          join.className = joined.className;  // a full room's layout
        }
      })
      .catch(function () { /* the next look may reach the server again */ })
      .then(function () { window.setTimeout(follow, period); });
  }
  window.setTimeout(follow, period);
})();
