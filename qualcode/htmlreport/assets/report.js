// qualcode HTML report: draws coding stripes beside a transcript (NVivo-style),
// one lane per code and one column per coder. No library, no network.
(function () {
  "use strict";
  var holder = document.getElementById("codings");
  if (!holder) { return; }
  var codings = JSON.parse(holder.textContent).codings;
  var text = document.getElementById("text");
  var pieces = Array.prototype.slice.call(text.querySelectorAll(".p")).map(function (el) {
    return { el: el, s: +el.dataset.s, e: +el.dataset.e };
  });

  function piecesOf(c) {
    return pieces.filter(function (p) { return p.s < c.end && p.e > c.start; });
  }

  // lanes per coder: a coding goes to the first lane free at its start (codings of one
  // code kept together when they can be), so that stripes stay few and narrow
  function lanesOf(coder) {
    var mine = codings.filter(function (c) { return c.coder === coder; })
      .sort(function (a, b) { return a.start - b.start || b.end - a.end; });
    var ends = [], lane = new Map();
    mine.forEach(function (c) {
      var i = ends.findIndex(function (end) { return end <= c.start; });
      if (i < 0) { i = ends.length; ends.push(0); }
      ends[i] = c.end + 1;
      lane.set(c, i);
    });
    return { count: ends.length, of: lane };
  }

  function draw() {
    var columns = document.querySelectorAll(".stripes");
    // widths first: a column that widens after measuring would reflow the text under the stripes
    Array.prototype.forEach.call(columns, function (column) {
      column.style.width = (8 + lanesOf(column.dataset.coder).count * 17) + "px";
    });
    Array.prototype.forEach.call(columns, function (column) {
      Array.prototype.forEach.call(column.querySelectorAll(".stripe"), function (s) { s.remove(); });
      var coder = column.dataset.coder;
      var lanes = lanesOf(coder);
      var base = column.getBoundingClientRect().top;
      codings.filter(function (c) { return c.coder === coder; }).forEach(function (c) {
        var mine = piecesOf(c);
        if (!mine.length) { return; }
        var top = Infinity, bottom = -Infinity;
        mine.forEach(function (p) {
          Array.prototype.forEach.call(p.el.getClientRects(), function (r) {
            top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom);
          });
        });
        var stripe = document.createElement("div");
        stripe.className = "stripe";
        stripe.dataset.code = c.code;
        stripe.dataset.start = c.start;
        stripe.dataset.end = c.end;
        stripe.style.top = (top - base) + "px";
        stripe.style.height = Math.max(bottom - top, 4) + "px";
        stripe.style.left = (4 + lanes.of.get(c) * 17) + "px";
        stripe.style.background = c.colour || "#1f77b4";
        stripe.title = c.label + " (" + c.code + ") — " + coder;
        var label = document.createElement("span");
        label.textContent = c.label;
        stripe.appendChild(label);
        stripe.addEventListener("mouseenter", function () { mine.forEach(function (p) { p.el.classList.add("hl"); }); });
        stripe.addEventListener("mouseleave", function () { mine.forEach(function (p) { p.el.classList.remove("hl"); }); });
        column.appendChild(stripe);
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".coder-switch"), function (box) {
    box.addEventListener("change", function () {
      var column = document.querySelector('.stripes[data-coder="' + box.value + '"]');
      if (column) { column.classList.toggle("hidden", !box.checked); }
      draw();
    });
  });
  window.addEventListener("resize", draw);
  draw();
  window.qualcodeStripesDrawn = true;
}());
