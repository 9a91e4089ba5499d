package io.shardkv.linearizability.html;

import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.PartitionResult;
import io.shardkv.linearizability.format.JsonString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Writes one self-contained HTML file (inline CSS and JS, no network) showing a checked history: a
 * row per process, a box per op from call to return, the linearization of the selected partition
 * (for an illegal partition: its longest linearizable prefix) as points joined in order, the failing
 * op in red, details on hover. Ops are drawn on a canvas, redrawn for the visible window only, so
 * 10,000-op histories stay light; the data is one compact JSON array.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /** {@code base} with {@code -INPUTNAME} inserted before its extension. */
  public static Path perInputName(Path base, Path input) {
    String name = base.getFileName().toString();
    String in = input.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
    int dot = name.lastIndexOf('.');
    String out = dot > 0 ? name.substring(0, dot) + "-" + in + name.substring(dot) : name + "-" + in;
    return base.resolveSibling(out);
  }

  public static void write(Path target, String title, Model<?> model, CheckResult result)
      throws IOException {
    Files.writeString(target, render(title, model, result), StandardCharsets.UTF_8);
  }

  /** The HTML text. */
  public static String render(String title, Model<?> model, CheckResult result) {
    List<PartitionResult> parts = result.partitions();
    TreeSet<Long> positions = new TreeSet<>();
    TreeSet<Long> processes = new TreeSet<>();
    for (PartitionResult p : parts) {
      for (Operation op : p.ops()) {
        positions.add(op.call());
        if (op.completed()) {
          positions.add(op.ret());
        }
        processes.add(op.process());
      }
    }
    long[] pos = positions.stream().mapToLong(Long::longValue).toArray();
    long[] procs = processes.stream().mapToLong(Long::longValue).toArray();
    StringBuilder ops = new StringBuilder("[");
    StringBuilder partJson = new StringBuilder("[");
    int base = 0;
    for (int pi = 0; pi < parts.size(); pi++) {
      PartitionResult p = parts.get(pi);
      for (Operation op : p.ops()) {
        if (ops.length() > 1) {
          ops.append(',');
        }
        int c = Arrays.binarySearch(pos, op.call());
        int r = op.completed() ? Arrays.binarySearch(pos, op.ret()) : -1;
        ops.append('[').append(Arrays.binarySearch(procs, op.process())).append(',').append(c).append(',')
            .append(r).append(',').append('"').append(op.status().keyword()).append("\",").append(pi)
            .append(',').append(op.line()).append(',');
        str(ops, model.describeOp(op));
        ops.append(']');
      }
      if (pi > 0) {
        partJson.append(',');
      }
      partJson.append("{\"key\":");
      str(partJson, p.key() == null ? "(all)" : String.valueOf(p.key()));
      partJson.append(",\"verdict\":\"").append(p.verdict().label()).append("\",\"lin\":[");
      for (int i = 0; i < p.linearization().length; i++) {
        if (i > 0) {
          partJson.append(',');
        }
        partJson.append(base + p.linearization()[i]);
      }
      partJson.append("],\"failing\":").append(p.failingOp() < 0 ? -1 : base + p.failingOp())
          .append(",\"reason\":");
      str(partJson, p.reason());
      partJson.append('}');
      base += p.ops().size();
    }
    ops.append(']');
    partJson.append(']');
    StringBuilder procJson = new StringBuilder("[");
    for (int i = 0; i < procs.length; i++) {
      procJson.append(i > 0 ? "," : "").append(procs[i]);
    }
    procJson.append(']');
    StringBuilder summary = new StringBuilder();
    str(summary, title + ": " + result.verdict().label() + " — " + result.ops() + " ops, "
        + parts.size() + " partitions, model " + model.name() + ", " + result.millis() + " ms");
    String data = "const OPS=" + ops + ";\nconst PARTS=" + partJson + ";\nconst PROCS=" + procJson
        + ";\nconst NPOS=" + pos.length + ";\nconst SUMMARY=" + summary + ";\n";
    return TEMPLATE.replace("%TITLE%", escapeHtml(title)).replace("%DATA%", data.replace("</", "<\\/"));
  }

  private static void str(StringBuilder b, String s) {
    JsonString.append(b, s);
  }

  private static String escapeHtml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static final String TEMPLATE = """
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>%TITLE% — linearizability</title>
<style>
body{font:13px system-ui,sans-serif;margin:0;color:#222}
header{padding:8px 12px;background:#f4f4f4;border-bottom:1px solid #ccc}
header select,header button,header input{font:inherit;margin-right:8px}
#wrap{position:relative;overflow:auto;height:calc(100vh - 92px)}
#sizer{position:absolute;top:0;left:0}
#cv{position:sticky;top:0;left:0;display:block}
#tip{position:fixed;pointer-events:none;background:#fff;border:1px solid #888;padding:4px 6px;
 font:12px monospace;white-space:pre;display:none;box-shadow:2px 2px 6px #0003;z-index:2}
.legend span{display:inline-block;width:12px;height:10px;margin:0 3px 0 10px;vertical-align:middle}
.bad{color:#b00;font-weight:bold}.ok{color:#070;font-weight:bold}.unk{color:#a60;font-weight:bold}
</style></head><body>
<header><div id="sum"></div>
<label>partition <select id="part"></select></label>
<label>zoom <input id="zoom" type="range" min="-4" max="6" step="0.25" value="2"></label>
<button id="jump">go to failing op</button>
<label><input id="others" type="checkbox"> show other partitions</label>
<span class="legend"><span style="background:#7bc47f"></span>ok <span style="background:#f0b45c"></span>failed compare
<span style="background:#bbb"></span>indeterminate <span style="background:#e33"></span>failing op
<span style="background:#35c;height:2px"></span>linearization (longest prefix if illegal)</span>
<div id="why"></div></header>
<div id="wrap"><div id="sizer"></div><canvas id="cv"></canvas></div><div id="tip"></div>
<script>
%DATA%
(function(){
const ROW=20,LEFT=70,TOP=6;
const wrap=document.getElementById('wrap'),sizer=document.getElementById('sizer'),cv=document.getElementById('cv');
const ctx=cv.getContext('2d'),tip=document.getElementById('tip'),sel=document.getElementById('part');
const zoom=document.getElementById('zoom'),others=document.getElementById('others');
const sum=document.getElementById('sum');
sum.textContent=SUMMARY;
const byRow=PROCS.map(()=>[]);
OPS.forEach((o,i)=>byRow[o[0]].push(i));
byRow.forEach(r=>r.sort((a,b)=>OPS[a][1]-OPS[b][1]));
PARTS.forEach((p,i)=>{const o=document.createElement('option');o.value=i;
 o.textContent=p.key+' — '+p.verdict+' ('+p.lin.length+' linearized)';sel.appendChild(o);});
let part=0,scale=1,linPos=null,linIdx=null;
function computeLin(){
 const p=PARTS[part];linPos=new Float64Array(OPS.length).fill(NaN);linIdx=new Int32Array(OPS.length).fill(-1);
 let prev=-1;
 p.lin.forEach((i,k)=>{const o=OPS[i];const end=o[2]<0?NPOS+1:o[2];
  let t=Math.max(o[1]+0.15,prev+0.02);if(t>end-0.05)t=Math.max(prev,(o[1]+end)/2);
  linPos[i]=t;linIdx[i]=k;prev=t;});
 const why=document.getElementById('why');
 why.innerHTML=p.verdict==='linearizable'?'<span class="ok">linearizable</span>':
  p.verdict==='not-linearizable'?'<span class="bad">not linearizable</span>: longest linearizable prefix '+p.lin.length+' ops'+(p.failing>=0?'; cannot linearize: '+esc(OPS[p.failing][6])+' (process '+PROCS[OPS[p.failing][0]]+')':''):
  '<span class="unk">unknown</span> '+esc(p.reason);
}
function esc(s){return s.replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));}
function x(pos){return LEFT+pos*scale;}
function resize(){
 scale=Math.pow(2,+zoom.value);
 sizer.style.width=(LEFT+(NPOS+3)*scale+40)+'px';sizer.style.height=(TOP+PROCS.length*ROW+20)+'px';
 cv.width=wrap.clientWidth;cv.height=Math.min(wrap.clientHeight,TOP+PROCS.length*ROW+20);draw();
}
function draw(){
 const sx=wrap.scrollLeft,sy=wrap.scrollTop,W=cv.width,H=cv.height;
 ctx.clearRect(0,0,W,H);ctx.save();ctx.translate(-sx,-sy);
 const r0=Math.max(0,Math.floor((sy-TOP)/ROW)),r1=Math.min(PROCS.length-1,Math.ceil((sy+H-TOP)/ROW));
 const p0=(sx-LEFT)/scale-1,p1=(sx+W-LEFT)/scale+1;const show=others.checked,fail=PARTS[part].failing;
 for(let r=r0;r<=r1;r++){const y=TOP+r*ROW;
  if(r%2){ctx.fillStyle='#fafafa';ctx.fillRect(sx,y,W,ROW);}
  for(const i of byRow[r]){const o=OPS[i];if(o[1]>p1)break;const end=o[2]<0?NPOS+1:o[2];if(end<p0)continue;
   if(o[4]!==part&&!show)continue;
   const a=x(o[1]),b=Math.max(x(end),a+2);
   ctx.fillStyle=o[4]!==part?'#eee':i===fail?'#e33':o[3]==='info'?'#bbb':o[3]==='fail'?'#f0b45c':'#7bc47f';
   ctx.globalAlpha=(o[4]===part&&linIdx[i]<0&&PARTS[part].verdict!=='linearizable'&&i!==fail)?0.45:1;
   ctx.fillRect(a,y+3,b-a,ROW-6);ctx.globalAlpha=1;
   if(b-a>30&&scale>=4){ctx.fillStyle='#000';ctx.font='10px sans-serif';ctx.save();ctx.beginPath();ctx.rect(a,y,b-a,ROW);ctx.clip();
    ctx.fillText(o[6],a+2,y+ROW-7);ctx.restore();}
  }}
 // linearization: points in order, joined
 const lin=PARTS[part].lin;ctx.strokeStyle='#35c';ctx.lineWidth=1;ctx.beginPath();let started=false;
 for(let k=0;k<lin.length;k++){const i=lin[k],t=linPos[i];if(t<p0-50||t>p1+50){started=false;continue;}
  const px=x(t),py=TOP+OPS[i][0]*ROW+ROW/2;if(!started){ctx.moveTo(px,py);started=true;}else ctx.lineTo(px,py);}
 ctx.stroke();ctx.fillStyle='#35c';
 for(let k=0;k<lin.length;k++){const i=lin[k],t=linPos[i];if(t<p0||t>p1)continue;
  ctx.fillRect(x(t)-1.5,TOP+OPS[i][0]*ROW+2,3,ROW-4);}
 ctx.restore();
 ctx.fillStyle='#fff';ctx.fillRect(0,0,LEFT-4,H);ctx.fillStyle='#333';ctx.font='11px sans-serif';
 for(let r=r0;r<=r1;r++)ctx.fillText('p'+PROCS[r],4,TOP+r*ROW-sy+ROW-6);
}
function hit(ev){const rect=cv.getBoundingClientRect();const mx=ev.clientX-rect.left+wrap.scrollLeft,my=ev.clientY-rect.top+wrap.scrollTop;
 const r=Math.floor((my-TOP)/ROW);if(r<0||r>=PROCS.length)return -1;const pos=(mx-LEFT)/scale;
 const row=byRow[r];let lo=0,hi=row.length-1,best=-1;
 while(lo<=hi){const m=(lo+hi)>>1;if(OPS[row[m]][1]<=pos){best=m;lo=m+1;}else hi=m-1;}
 for(let k=best;k>=0&&k>best-50;k--){const o=OPS[row[k]];const end=o[2]<0?NPOS+1:o[2];
  if(pos>=o[1]&&pos<=Math.max(end,o[1]+2/scale)&&(o[4]===part||others.checked))return row[k];}
 return -1;}
cv.addEventListener('mousemove',ev=>{const i=hit(ev);if(i<0){tip.style.display='none';return;}const o=OPS[i];
 tip.textContent=o[6]+'\\nprocess '+PROCS[o[0]]+'  status :'+o[3]+'  partition '+PARTS[o[4]].key+
  '\\ncall #'+o[1]+'  return '+(o[2]<0?'never':'#'+o[2])+(o[5]>0?'  source line '+o[5]:'')+
  (o[4]===part?(linIdx[i]>=0?'\\nlinearized as #'+(linIdx[i]+1):'\\nnot linearized'):'')+(i===PARTS[part].failing?'\\nFAILING OP':'');
 tip.style.display='block';tip.style.left=(ev.clientX+14)+'px';tip.style.top=(ev.clientY+14)+'px';});
cv.addEventListener('mouseleave',()=>tip.style.display='none');
wrap.addEventListener('scroll',draw);window.addEventListener('resize',resize);
zoom.addEventListener('input',()=>{const c=(wrap.scrollLeft+wrap.clientWidth/2-LEFT)/scale;resize();
 wrap.scrollLeft=c*scale+LEFT-wrap.clientWidth/2;draw();});
others.addEventListener('change',draw);
sel.addEventListener('change',()=>{part=+sel.value;computeLin();draw();});
document.getElementById('jump').addEventListener('click',()=>{const f=PARTS[part].failing;if(f<0)return;
 wrap.scrollLeft=x(OPS[f][1])-wrap.clientWidth/2;wrap.scrollTop=TOP+OPS[f][0]*ROW-wrap.clientHeight/2;draw();});
computeLin();resize();
})();
</script></body></html>
""";
}
