// Live screen: follows the event's server-sent events, so the counter and the
// ticker change within a second of a confirmation. Without JavaScript the page
// refreshes itself (a <meta> in <noscript>).
(function () {
  "use strict";
  var root = document.querySelector("[data-stream]");
  if (!root) return;
  var count = document.getElementById("live-count");
  var signed = document.getElementById("live-signed");
  var ticker = document.getElementById("live-ticker");
  var status = document.getElementById("live-status");
  var url = root.getAttribute("data-stream");
  var MAX_LINES = 8;

  if (!window.EventSource) {
    window.setTimeout(function () { window.location.reload(); }, 20000);
    return;
  }

  function setCount(n) {
    if (typeof n !== "number") return;
    var text = n.toLocaleString("nl-NL");
    if (count.textContent !== text) {
      count.textContent = text;
      count.classList.remove("bump");
      void count.offsetWidth; // restart the animation
      count.classList.add("bump");
    }
  }

  function lineItem(line) {
    var li = document.createElement("li");
    li.setAttribute("data-id", String(line.id));
    li.textContent = line.text;
    return li;
  }

  function trim() {
    var empty = ticker.querySelector(".live-empty");
    if (empty && ticker.children.length > 1) empty.remove();
    while (ticker.children.length > MAX_LINES) ticker.lastElementChild.remove();
  }

  function setSigned(n) {
    if (typeof n === "number" && signed) signed.textContent = n.toLocaleString("nl-NL");
  }

  function snapshot(data) {
    setCount(data.count);
    setSigned(data.signed);
    if (!data.lines || data.lines.length === 0) return;
    var items = data.lines.map(lineItem);
    ticker.replaceChildren.apply(ticker, items);
  }

  function match(data) {
    setCount(data.count);
    setSigned(data.signed);
    if (!data.text || ticker.querySelector('[data-id="' + data.id + '"]')) return;
    var li = lineItem(data);
    li.className = "new";
    ticker.insertBefore(li, ticker.firstChild);
    trim();
  }

  // Time left beside the counter: the server wrote it; kept current here
  // while trading goes on ("Nog …"), as the server words it.
  var left = document.getElementById("live-time");
  function minutes(m) { return m === 1 ? "1 minuut" : m + " minuten"; }
  function tick() {
    if (!left || left.textContent.indexOf("Nog") !== 0) return;
    var end = Date.parse(left.getAttribute("data-ends"));
    if (isNaN(end)) return;
    var m = Math.ceil((end - Date.now()) / 60000);
    if (m <= 0) { left.textContent = "Afgelopen"; return; }
    var h = Math.floor(m / 60), r = m % 60;
    left.textContent = "Nog " + (h === 0 ? minutes(r) : r === 0 ? h + " uur" : h + " uur en " + minutes(r));
  }
  if (left) window.setInterval(tick, 15000);

  var source = null;
  function connect() {
    source = new EventSource(url);
    source.addEventListener("open", function () {
      status.textContent = "Live verbonden.";
    });
    source.addEventListener("snapshot", function (e) {
      snapshot(JSON.parse(e.data));
    });
    source.addEventListener("match", function (e) {
      match(JSON.parse(e.data));
    });
    source.addEventListener("error", function () {
      status.textContent = "Verbinding kwijt, opnieuw verbinden…";
      // The browser retries by itself unless the server refused; then we do.
      if (source.readyState === EventSource.CLOSED) {
        window.setTimeout(connect, 5000);
      }
    });
  }
  connect();
})();
