/* Visit every slide of the open reveal.js deck (window.Reveal), every fragment shown, and
   report what does not fit the screen: content taller or wider than the deck, an element
   that reaches past the bottom or right edge of the deck or the window, or a box that cuts
   its content (a scrolled slide, code clipped by its editor, a table in a scroll area).

   Sizes are in deck pixels (reveal.js scales the deck to the window; scrollHeight and
   offsetHeight ignore that scale). Elements that are visually hidden on purpose are skipped:
   MathJax's assistive MathML (a 1-px clipped copy of each formula for screen readers),
   speaker notes, scripts. Each slide also lists its notebook cells (id, top, height) so a
   failure can say where a subslide break belongs. */
async () => {
  const Reveal = window.Reveal;
  const {width: W, height: H} = Reveal.getConfig();
  const SKIP = '.MJX_Assistive_MathML, .MJX_Assistive_MathML *, aside.notes, script, style';
  const settle = () => new Promise(done =>
    (window.MathJax && MathJax.Hub) ? MathJax.Hub.Queue([done]) : done());
  const frames = () => new Promise(done =>
    requestAnimationFrame(() => requestAnimationFrame(done)));
  const label = el => {
    const id = el.closest('.jp-Cell') ? ` in ${el.closest('.jp-Cell').id}` : '';
    return el.tagName.toLowerCase() + [...el.classList].slice(0, 2).map(c => '.' + c).join('') + id;
  };
  const slides = [];
  for (const slide of Reveal.getSlides()) {
    const {h, v} = Reveal.getIndices(slide);
    Reveal.slide(h, v || 0, Number.MAX_SAFE_INTEGER);  // the last fragment: all shown
    await settle();   // MathJax re-typesets the slide, then the deck fits it (fit.js)
    for (let i = 0; i < 20 && !slide.dataset.initvizFitted; i++) {  // the first slide is
      await new Promise(done => setTimeout(done, 100));              // fitted once fonts load
      await settle();
    }
    await frames();
    const scale = Reveal.getScale();
    const deck = document.querySelector('.reveal .slides').getBoundingClientRect();
    const right = Math.min(deck.left + W * scale, innerWidth);
    const bottom = Math.min(deck.top + H * scale, innerHeight);
    const problems = [];
    const hidden = [...slide.querySelectorAll('.fragment')].filter(f => !f.classList.contains('visible'));
    if (hidden.length) problems.push(`${hidden.length} fragment(s) still hidden`);
    if (!slide.dataset.initvizFitted) problems.push('the deck did not fit this slide (fit.js)');
    if (slide.scrollHeight > H + 1) problems.push(`content ${slide.scrollHeight} px tall, the deck ${H} px`);
    if (slide.scrollWidth > W + 1) problems.push(`content ${slide.scrollWidth} px wide, the deck ${W} px`);
    if (getComputedStyle(slide).overflowY !== 'visible' && slide.scrollHeight > slide.clientHeight + 1)
      problems.push('the slide scrolls');
    let offBottom = null, offRight = null;
    const cut = [];
    for (const el of slide.querySelectorAll('*')) {
      if (el.matches(SKIP)) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      if (!offBottom && r.bottom > bottom + 1) offBottom = `${label(el)} ends ${Math.round((r.bottom - bottom) / scale)} px below the screen`;
      if (!offRight && r.right > right + 1) offRight = `${label(el)} ends ${Math.round((r.right - right) / scale)} px right of the screen`;
      const style = getComputedStyle(el);
      if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
        cut.push(`${label(el)} cuts ${el.scrollWidth - el.clientWidth} px at the right`);
      if (style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1)
        cut.push(`${label(el)} cuts ${el.scrollHeight - el.clientHeight} px at the bottom`);
    }
    problems.push(...[offBottom, offRight].filter(Boolean), ...cut.slice(0, 3));
    const heading = slide.querySelector('h1, h2, h3, h4') || slide;
    const cells = [...slide.querySelectorAll('.jp-Cell')].map(c => ({
      id: c.id.replace(/^cell-id=/, ''), top: c.offsetTop, height: c.offsetHeight,
      kind: c.classList.contains('jp-CodeCell') ? 'code' : 'markdown'}));
    slides.push({h, v: v || 0, title: heading.innerText.trim().split('\n')[0].slice(0, 60),
                 height: slide.scrollHeight, problems, cells});
  }
  return {width: W, height: H, scale: Reveal.getScale(), slides};
}
