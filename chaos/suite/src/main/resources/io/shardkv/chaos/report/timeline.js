// ShardKV chaos timeline. Data (one JSON object in #data): per op i (invocation order):
// lane[i], start[i] (µs, delta-coded), dur[i] (µs, -1: never completed), outcome[i] (0 ok, 1 fail,
// 2 info, 3 info never completed), f[i]/key[i]/error[i] (indices into fs/keys/errors, -1 none),
// process[i], index[i] (the invocation's :index, delta-coded), value[i] (text); nemesis: [start, end,
// what, result]; bands: [kind, from µs, to µs, label]; marks: [op, why]; end: µs of the last event.
(function () {
  'use strict';
  const D = JSON.parse(document.getElementById('data').textContent);
  const n = D.start.length;
  const start = new Float64Array(n), dur = new Float64Array(n), idx = new Float64Array(n);
  for (let i = 0, s = 0, x = 0; i < n; i++) {
    s += D.start[i]; start[i] = s; dur[i] = D.dur[i];
    x += D.index[i]; idx[i] = x;
  }
  const end = Math.max(D.end, 1);
  const NEM = D.lanes.length;             // the nemesis lane comes last
  const laneCount = D.lanes.length + 1;
  const lanes = [], open = [], maxDur = [];
  for (let l = 0; l < laneCount; l++) { lanes.push([]); open.push([]); maxDur.push(0); }
  for (let i = 0; i < n; i++) {
    const l = D.lane[i];
    if (dur[i] < 0) open[l].push(i); else { lanes[l].push(i); if (dur[i] > maxDur[l]) maxDur[l] = dur[i]; }
  }
  const marked = new Map(D.marks.map(m => [m[0], m[1]]));
  const canvas = document.getElementById('tl'), ctx = canvas.getContext('2d');
  const tip = document.getElementById('tip'), details = document.getElementById('details');
  const GUTTER = 150, AXIS = 26;
  const laneH = Math.max(6, Math.min(22, Math.floor(640 / laneCount)));
  let v0 = 0, v1 = end, W = 0, H = 0;
  const stats = window.timelineStats = { ops: n, drawn: 0, lastDrawMs: 0, draws: 0, marked: D.marks.length, view: [0, end] };

  function alpha(hex, a) {
    const v = parseInt(hex.slice(1), 16);
    return 'rgba(' + (v >> 16) + ',' + ((v >> 8) & 255) + ',' + (v & 255) + ',' + a + ')';
  }
  function X(t) { return GUTTER + (t - v0) / (v1 - v0) * (W - GUTTER); }
  function T(x) { return v0 + (x - GUTTER) / (W - GUTTER) * (v1 - v0); }
  function laneY(l) { return AXIS + l * laneH; }
  function fmt(us) {
    const a = Math.abs(us);
    if (a >= 1e6) return (us / 1e6).toFixed(a >= 1e8 ? 0 : 3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') + ' s';
    if (a >= 1e3) return (us / 1e3).toFixed(1).replace(/\.0$/, '') + ' ms';
    return Math.round(us) + ' µs';
  }
  function resize() {
    const dpr = window.devicePixelRatio || 1;
    W = Math.max(400, canvas.parentElement.clientWidth);
    H = AXIS + laneCount * laneH + 4;
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    canvas.style.width = W + 'px'; canvas.style.height = H + 'px';
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }
  // first op of a lane whose start is >= t (lanes are sorted by start)
  function lowerBound(arr, t) {
    let lo = 0, hi = arr.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (start[arr[m]] < t) lo = m + 1; else hi = m; }
    return lo;
  }
  function ticks() {
    const span = v1 - v0, target = span / 10;
    const p = Math.pow(10, Math.floor(Math.log10(target)));
    const step = [1, 2, 5, 10].map(m => m * p).find(s => s >= target) || 10 * p;
    ctx.fillStyle = '#333'; ctx.strokeStyle = '#e5e5e5'; ctx.font = '11px sans-serif'; ctx.textBaseline = 'middle';
    for (let t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
      const x = X(t);
      ctx.beginPath(); ctx.moveTo(x, AXIS - 4); ctx.lineTo(x, H); ctx.stroke();
      ctx.fillText(fmt(t), x + 2, AXIS / 2);
    }
  }
  function label(i) {
    const f = D.fs[D.f[i]], k = D.key[i] >= 0 ? ' ' + D.keys[D.key[i]] : '';
    return f + k + ' ' + D.value[i];
  }
  function draw() {
    const t0 = performance.now();
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, H);
    // fault windows across every lane
    for (const b of D.bands) {
      if (b[2] < v0 || b[1] > v1) continue;
      const x0 = Math.max(GUTTER, X(b[1])), x1 = Math.min(W, X(b[2]));
      ctx.fillStyle = alpha(D.kindColours[b[0]] || '#999999', 0.18);
      ctx.fillRect(x0, AXIS, Math.max(1, x1 - x0), H - AXIS);
    }
    ticks();
    // lane labels and separators
    ctx.font = Math.min(12, laneH - 2) + 'px sans-serif'; ctx.textBaseline = 'middle';
    for (let l = 0; l < laneCount; l++) {
      const y = laneY(l);
      ctx.fillStyle = l % 2 ? '#fafafa' : '#f3f3f3'; ctx.fillRect(0, y, GUTTER - 4, laneH);
      if (laneH >= 9) { ctx.fillStyle = '#222'; ctx.fillText(l === NEM ? 'nemesis' : D.lanes[l], 4, y + laneH / 2, GUTTER - 10); }
    }
    let drawn = 0;
    const minT = v0, maxT = v1;
    for (let l = 0; l < NEM; l++) {
      const arr = lanes[l], y = laneY(l) + 1, h = laneH - 2;
      // ops narrower than a pixel are summed per pixel column and drawn as one 1-px column: info if
      // the column holds any info op, else fail if fails outnumber oks, else ok
      let col = -1, cOk = 0, cFail = 0, cInfo = 0;
      const flush = () => {
        if (col < 0) return;
        ctx.fillStyle = D.outcomeColours[cInfo ? 2 : cFail > cOk ? 1 : 0];
        ctx.fillRect(col, y, 1, h); drawn++; col = -1; cOk = cFail = cInfo = 0;
      };
      for (let j = lowerBound(arr, minT - maxDur[l]); j < arr.length; j++) {
        const i = arr[j];
        if (start[i] > maxT) break;
        if (start[i] + dur[i] < minT) continue;
        const o = D.outcome[i];
        const x0 = X(start[i]), x1 = X(start[i] + dur[i]);
        if (x1 - x0 < 1) {
          const c = Math.floor(x0);
          if (c < GUTTER) continue;
          if (c !== col) { flush(); col = c; }
          if (o === 0) cOk++; else if (o === 1) cFail++; else cInfo++;
          continue;
        }
        flush();
        const a = Math.max(GUTTER, Math.floor(x0)), b = Math.min(W, Math.ceil(x1));
        ctx.fillStyle = D.outcomeColours[o];
        ctx.fillRect(a, y, Math.max(1, b - a), h);
        drawn++;
        if (b - a > 60 && h >= 12) {
          ctx.save(); ctx.beginPath(); ctx.rect(a, y, b - a, h); ctx.clip();
          ctx.fillStyle = o === 2 ? '#000' : '#fff'; ctx.fillText(label(i), a + 3, y + h / 2);
          ctx.restore();
        }
      }
      flush();
      for (const i of open[l]) { // never completed: from the invocation to the end, hatched
        if (start[i] > maxT) continue;
        const x0 = Math.max(GUTTER, X(start[i]));
        ctx.fillStyle = alpha(D.outcomeColours[3], 0.35); ctx.fillRect(x0, y, W - x0, h);
        ctx.strokeStyle = D.outcomeColours[3]; ctx.strokeRect(x0 + 0.5, y + 0.5, W - x0, h - 1);
        drawn++;
      }
    }
    // the nemesis lane
    const ny = laneY(NEM) + 1;
    for (const e of D.nemesis) {
      const s = e[0], t = e[1] < 0 ? end : e[1];
      if (t < minT || s > maxT) continue;
      const x0 = Math.max(GUTTER, X(s)), x1 = X(t);
      ctx.fillStyle = '#555'; ctx.fillRect(x0, ny, Math.max(2, x1 - x0), laneH - 2); drawn++;
    }
    // marks last, never merged away: outline, a triangle above, a dashed line down the whole plot
    for (const [i, why] of marked) {
      const x0 = X(start[i]), x1 = dur[i] < 0 ? W : X(start[i] + dur[i]), y = laneY(D.lane[i]);
      if (x1 < GUTTER - 8 || x0 > W + 8) continue;
      const cx = Math.max(GUTTER, (x0 + Math.min(x1, W)) / 2), w = Math.max(8, x1 - x0);
      ctx.strokeStyle = '#000'; ctx.setLineDash([4, 3]); ctx.beginPath();
      ctx.moveTo(cx, AXIS); ctx.lineTo(cx, y - 12); ctx.moveTo(cx, y + laneH + 1); ctx.lineTo(cx, H); ctx.stroke();
      ctx.setLineDash([]); ctx.lineWidth = 3; ctx.strokeStyle = '#c000c0';
      ctx.strokeRect(Math.max(GUTTER, Math.min(x0, cx - 4)) - 2, y - 1, w + 4, laneH + 2);
      ctx.fillStyle = '#c000c0'; ctx.beginPath(); ctx.moveTo(cx - 7, y - 12); ctx.lineTo(cx + 7, y - 12); ctx.lineTo(cx, y - 2);
      ctx.closePath(); ctx.fill(); ctx.lineWidth = 1;
    }
    stats.drawn = drawn; stats.draws++; stats.lastDrawMs = performance.now() - t0; stats.view = [v0, v1];
    document.getElementById('range').textContent = fmt(v0) + ' – ' + fmt(v1) + ' (' + drawn + ' shapes)';
  }
  let pending = false;
  function redraw() { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; draw(); }); } }
  function zoom(factor, at) {
    const t = at === undefined ? (v0 + v1) / 2 : at;
    let a = t - (t - v0) * factor, b = t + (v1 - t) * factor;
    if (b - a < 5) { const m = (a + b) / 2; a = m - 2.5; b = m + 2.5; }
    const pad = end * 0.02;
    v0 = Math.max(-pad, a); v1 = Math.min(end + pad, b);
    redraw();
  }
  function pan(dt) {
    const span = v1 - v0;
    v0 = Math.max(-end * 0.02, Math.min(end * 1.02 - span, v0 + dt)); v1 = v0 + span; redraw();
  }
  function reset() { v0 = 0; v1 = end; redraw(); }
  function focus(i) {
    const d = dur[i] < 0 ? (end - start[i]) : Math.max(dur[i], 50);
    v0 = start[i] - 6 * d; v1 = start[i] + 7 * d; redraw(); show(i);
  }
  window.timelineFocus = focus;
  function opAt(mx, my) {
    const l = Math.floor((my - AXIS) / laneH);
    if (l < 0 || l >= laneCount || mx < GUTTER) return null;
    const t = T(mx), slack = 3 * (v1 - v0) / (W - GUTTER);
    if (l === NEM) {
      for (const e of D.nemesis) if (e[0] - slack <= t && t <= (e[1] < 0 ? end : e[1]) + slack) return { nem: e };
      return null;
    }
    const arr = lanes[l];
    let best = null;
    for (let j = lowerBound(arr, t - maxDur[l] - slack); j < arr.length && start[arr[j]] <= t + slack; j++) {
      const i = arr[j];
      if (start[i] + dur[i] >= t - slack) best = i;
    }
    if (best === null) for (const i of open[l]) if (start[i] <= t) best = i;
    return best === null ? null : { op: best };
  }
  function describe(hit) {
    if (hit.nem) return 'nemesis ' + hit.nem[2] + '\nat ' + fmt(hit.nem[0]) + (hit.nem[1] < 0 ? '' : ' – ' + fmt(hit.nem[1])) + '\n→ ' + hit.nem[3];
    const i = hit.op;
    let s = 'p' + D.process[i] + ' ' + label(i) + '\n' + D.outcomes[D.outcome[i]] + (D.error[i] >= 0 ? ' (' + D.errors[D.error[i]] + ')' : '') +
      '\ninvoked at ' + fmt(start[i]) + (dur[i] >= 0 ? ', took ' + fmt(dur[i]) : ', never completed') + '\n:index ' + idx[i];
    if (marked.has(i)) s += '\n★ ' + marked.get(i);
    return s;
  }
  function show(i) { details.textContent = describe({ op: i }); }
  canvas.addEventListener('wheel', e => {
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    zoom(e.deltaY > 0 ? 1.25 : 0.8, T(e.clientX - r.left));
  }, { passive: false });
  let drag = null;
  canvas.addEventListener('mousedown', e => { drag = { x: e.clientX, v0: v0, moved: false }; });
  window.addEventListener('mouseup', e => {
    if (drag && !drag.moved) {
      const r = canvas.getBoundingClientRect(), hit = opAt(e.clientX - r.left, e.clientY - r.top);
      if (hit) details.textContent = describe(hit);
    }
    drag = null;
  });
  canvas.addEventListener('mousemove', e => {
    const r = canvas.getBoundingClientRect();
    if (drag) {
      const dx = e.clientX - drag.x;
      if (Math.abs(dx) > 2) drag.moved = true;
      const span = v1 - v0; v0 = drag.v0 - dx / (W - GUTTER) * span; v1 = v0 + span; redraw();
      return;
    }
    const hit = opAt(e.clientX - r.left, e.clientY - r.top);
    if (!hit) { tip.style.display = 'none'; return; }
    tip.textContent = describe(hit); tip.style.whiteSpace = 'pre-wrap';
    tip.style.left = Math.min(W - 300, e.clientX - r.left + 12) + 'px'; tip.style.top = (e.clientY - r.top + 14) + 'px';
    tip.style.display = 'block';
  });
  canvas.addEventListener('mouseleave', () => { tip.style.display = 'none'; });
  canvas.addEventListener('dblclick', reset);
  canvas.addEventListener('keydown', e => {
    const span = v1 - v0;
    if (e.key === '+' || e.key === '=') zoom(0.5);
    else if (e.key === '-') zoom(2);
    else if (e.key === '0') reset();
    else if (e.key === 'ArrowLeft') pan(-span / 5);
    else if (e.key === 'ArrowRight') pan(span / 5);
    else return;
    e.preventDefault();
  });
  document.getElementById('zin').onclick = () => zoom(0.5);
  document.getElementById('zout').onclick = () => zoom(2);
  document.getElementById('zreset').onclick = reset;
  // legend, text summary, links to the marked ops
  const lg = document.getElementById('legend');
  let html = '';
  D.outcomes.forEach((o, k) => { if (k < 3) html += '<span class="sw" style="background:' + D.outcomeColours[k] + '"></span>' + o + ' &nbsp; '; });
  if (D.outcome.indexOf(3) >= 0) html += '<span class="sw" style="background:' + alpha(D.outcomeColours[3], 0.35) + '"></span>never completed &nbsp; ';
  const kinds = new Set(D.bands.map(b => b[0]));
  for (const k of Object.keys(D.kindColours)) if (kinds.has(k)) html += '<span class="sw" style="background:' + alpha(D.kindColours[k], 0.3) + '"></span>' + k + ' window &nbsp; ';
  if (D.marks.length) html += '<span class="sw" style="border:3px solid #c000c0"></span>op the checker could not linearize';
  lg.innerHTML = html;
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) counts[D.outcome[i]]++;
  document.getElementById('summary').textContent = n + ' client ops on ' + D.lanes.length + ' lanes over ' + fmt(end) + ': ' +
    counts[0] + ' ok, ' + counts[1] + ' fail, ' + (counts[2] + counts[3]) + ' info; ' + D.nemesis.length + ' nemesis ops, ' +
    D.bands.length + ' fault windows; ' + (D.marks.length ? D.marks.length + ' failing op(s) marked.' : 'no failing op.');
  const ml = document.getElementById('marklinks');
  for (const [i, why] of marked) {
    const b = document.createElement('button');
    b.className = 'mark'; b.dataset.op = i; b.textContent = 'failing op: p' + D.process[i] + ' ' + label(i);
    b.title = why; b.onclick = () => focus(i);
    ml.appendChild(b);
  }
  resize();
  window.addEventListener('resize', () => { resize(); redraw(); });
  // timeline.html#index=I focuses the op whose invocation has :index I (links from the report)
  const m = /index=(\d+)/.exec(location.hash);
  let target = -1;
  if (m) for (let i = 0; i < n; i++) if (idx[i] === +m[1]) { target = i; break; }
  if (target >= 0) focus(target); else draw();
})();
