/* Lay out every slide of a reveal.js deck one below the other, all fragments shown, with
   nothing covering them, so that one axe-core run checks the whole deck (a hidden slide or
   fragment would be skipped; stacked slides would hide each other's background). The deck's
   colours and fonts stay as presented; only position and visibility change. */
() => {
  const style = document.createElement('style');
  style.textContent = `
    html, body, .reveal, .reveal .slides { overflow: visible !important; height: auto !important; }
    .reveal .slides { position: static !important; transform: none !important;
                      zoom: 1 !important; width: auto !important; }
    .reveal .slides section { display: block !important; position: relative !important;
                              top: auto !important; opacity: 1 !important;
                              visibility: visible !important; transform: none !important; }
    .reveal .slides section .fragment { opacity: 1 !important; visibility: visible !important; }
    .reveal .backgrounds { display: none !important; }
    .reveal .controls, .reveal .progress, .reveal .slide-number { position: static !important; }`;
  document.head.appendChild(style);
  document.querySelectorAll('.reveal .slides section').forEach(s => {
    s.removeAttribute('hidden');
    s.removeAttribute('aria-hidden');
  });
  return document.querySelectorAll('.reveal .slides section').length;
}
