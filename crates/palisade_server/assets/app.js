// Palisade's pages, enhanced: zoom and pan on the data-flow diagram (svg-pan-zoom), and a click
// or Enter on an element or flow of the diagram filters the threat table to it (through the
// filter form, which htmx submits in place). Everything here is optional: without JavaScript the
// forms and links work as they are. No eval, no inline styles (the Content-Security-Policy).
(function () {
  'use strict';

  function filterBy(id) {
    var select = document.getElementById('filter-element');
    if (!select) return;
    select.value = id;
    if (select.value !== id) return;
    mark(id);
    if (window.htmx) {
      select.dispatchEvent(new Event('change', { bubbles: true }));
    } else {
      select.form.submit();
    }
    var heading = document.getElementById('threats-heading');
    if (heading) heading.scrollIntoView({ block: 'start' });
  }

  function mark(id) {
    var svg = document.querySelector('#diagram svg');
    if (!svg) return;
    svg.querySelectorAll('.selected').forEach(function (g) { g.classList.remove('selected'); });
    if (!id) return;
    svg.querySelectorAll('g[data-id]').forEach(function (g) {
      if (g.getAttribute('data-id') === id && !g.classList.contains('boundary')) g.classList.add('selected');
    });
  }

  function setupDiagram() {
    var frame = document.getElementById('diagram');
    if (!frame) return;
    var svg = frame.querySelector('svg');
    if (!svg) return;
    // svg-pan-zoom writes a `style` attribute (refused by the CSP) unless the SVG already has
    // `overflow` in its style: set it through the CSSOM, which the policy allows.
    svg.style.overflow = 'hidden';
    // As tall as the drawing at the frame's width (a wide diagram needs no tall frame), within
    // 62% of the window.
    var box = svg.viewBox && svg.viewBox.baseVal;
    if (box && box.width > 0) {
      var wanted = frame.clientWidth * box.height / box.width + 16;
      svg.style.height = Math.max(240, Math.min(wanted, window.innerHeight * 0.62)) + 'px';
    }
    svg.classList.add('zoomable');
    if (window.svgPanZoom) {
      var panZoom = window.svgPanZoom(svg, {
        zoomEnabled: true,
        controlIconsEnabled: false,
        dblClickZoomEnabled: false,
        mouseWheelZoomEnabled: true,
        fit: true,
        center: true,
        minZoom: 0.2,
        maxZoom: 20
      });
      var tools = document.getElementById('diagram-tools');
      if (tools) {
        tools.hidden = false;
        tools.addEventListener('click', function (e) {
          var button = e.target.closest('button[data-zoom]');
          if (!button) return;
          var how = button.getAttribute('data-zoom');
          if (how === 'in') panZoom.zoomIn();
          else if (how === 'out') panZoom.zoomOut();
          else { panZoom.resetZoom(); panZoom.fit(); panZoom.center(); }
        });
      }
      window.addEventListener('resize', function () { panZoom.resize(); panZoom.fit(); panZoom.center(); });
    }
    var down = null;
    svg.addEventListener('pointerdown', function (e) { down = { x: e.clientX, y: e.clientY }; });
    svg.addEventListener('click', function (e) {
      // A drag pans; only a click selects.
      if (down && Math.abs(e.clientX - down.x) + Math.abs(e.clientY - down.y) > 4) return;
      var g = e.target.closest('g.element[data-id], g.flow[data-id]');
      if (g) filterBy(g.getAttribute('data-id'));
    });
    svg.querySelectorAll('g.element[data-id], g.flow[data-id]').forEach(function (g) {
      var title = g.querySelector('title');
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      g.setAttribute('aria-label', 'Show the threats of ' + (title ? title.textContent.split('\n')[0] : g.getAttribute('data-id')));
      g.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          filterBy(g.getAttribute('data-id'));
        }
      });
    });
    var select = document.getElementById('filter-element');
    if (select) {
      mark(select.value);
      select.addEventListener('change', function () { mark(select.value); });
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', setupDiagram);
  } else {
    setupDiagram();
  }
})();
