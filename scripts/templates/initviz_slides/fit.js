/* Fit the slide on screen into the deck (1280 x 720 deck pixels; reveal.js scales the whole
   deck to the window, so these sizes do not depend on the screen).

   1. A code block, table or displayed formula wider than the slide gets a smaller font, to
      MIN_TEXT of its size at most (18 px code -> 15.3 px).
   2. If the slide is still taller than the deck, its figures get smaller together, to
      MIN_FIGURE of their size at most (a figure's 10 pt text stays above 8.5 pt),
   3. then its code, printed output and tables get a smaller font, step by step, to
      MIN_TEXT at most (a table's text wraps less when smaller).
   Text is never shrunk further: a 40 % smaller slide fits but cannot be read.
   4. A slide that still does not fit scrolls rather than run off the screen. It holds too
      much for one slide: tests/browser/test_deck_fit.py names it, and its notebook needs a
      "subslide" break.

   Every change is an inline style recorded in data-initviz-fit, undone before the next fit
   (a formula typeset again by MathJax can change the sizes). */
var initvizFit = (function () {
  "use strict";
  var MIN_TEXT = 0.85;
  var MIN_FIGURE = 0.85;
  var WIDE = "pre, table, .MathJax_Display";
  var TEXT = ".jp-InputArea-editor pre, .jp-OutputArea-output pre, .jp-RenderedHTMLCommon table";

  function setStyle(el, prop, value) {
    var props = el.dataset.initvizFit ? el.dataset.initvizFit.split(" ") : [];
    if (props.indexOf(prop) < 0) props.push(prop);
    el.dataset.initvizFit = props.join(" ");
    el.style.setProperty(prop, value);
  }

  function originalSize(el) {  // the font size before this fit changed it
    if (!el.dataset.initvizSize) el.dataset.initvizSize = getComputedStyle(el).fontSize;
    return parseFloat(el.dataset.initvizSize);
  }

  function undo(slide) {
    var changed = Array.prototype.slice.call(slide.querySelectorAll("[data-initviz-fit]"));
    if (slide.dataset.initvizFit) changed.push(slide);
    changed.forEach(function (el) {
      el.dataset.initvizFit.split(" ").forEach(function (p) { el.style.removeProperty(p); });
      delete el.dataset.initvizFit;
      delete el.dataset.initvizSize;
    });
  }

  function shrinkWide(slide, scale) {
    var style = getComputedStyle(slide);
    var right = slide.getBoundingClientRect().right - parseFloat(style.paddingRight) * scale;
    slide.querySelectorAll(WIDE).forEach(function (el) {
      if (!el.offsetWidth || el.parentElement.closest(WIDE)) return;
      // the room to the slide's right edge, or in the box that holds it (a code editor
      // clips what runs past it)
      var room = Math.min((right - el.getBoundingClientRect().left) / scale,
                          el.parentElement.clientWidth);
      if (el.scrollWidth > room + 1) {
        var factor = Math.max(MIN_TEXT, 0.99 * room / el.scrollWidth);
        setStyle(el, "font-size", originalSize(el) * factor + "px");
      }
    });
  }

  function shrinkFigures(slide, height) {
    var excess = slide.scrollHeight - height;
    if (excess <= 0) return;
    var figures = Array.prototype.filter.call(slide.querySelectorAll("img"),
                                              function (img) { return img.offsetHeight > 0; });
    var heights = figures.map(function (img) { return img.offsetHeight; });
    var total = heights.reduce(function (a, b) { return a + b; }, 0);
    if (!total) return;
    var factor = Math.max(MIN_FIGURE, (total - excess) / total);
    figures.forEach(function (img, i) {
      setStyle(img, "height", Math.floor(heights[i] * factor) + "px");
      setStyle(img, "width", "auto");
    });
  }

  function shrinkText(slide, height) {
    var blocks = Array.prototype.filter.call(slide.querySelectorAll(TEXT),
                                             function (el) { return el.offsetHeight > 0; });
    var sizes = blocks.map(function (el) { return parseFloat(getComputedStyle(el).fontSize); });
    // A wrapped table gets shorter faster than its font, so step down and measure again.
    for (var factor = 0.95; slide.scrollHeight > height && factor > MIN_TEXT - 0.01; factor -= 0.05) {
      blocks.forEach(function (el, i) {
        setStyle(el, "font-size", Math.min(sizes[i], originalSize(el) * factor) + "px");
      });
    }
  }

  return function fit(Reveal, slide) {
    if (!slide) return;
    undo(slide);
    var height = Reveal.getConfig().height;
    shrinkWide(slide, Reveal.getScale() || 1);
    shrinkFigures(slide, height);
    shrinkText(slide, height);
    if (slide.scrollHeight > height) {
      setStyle(slide, "height", height + "px");
      setStyle(slide, "overflow-y", "auto");
    }
    Reveal.layout();  // centre the slide again at its new height
    slide.dataset.initvizFitted = "true";  // for the tests: this slide has been fitted
  };
})();
