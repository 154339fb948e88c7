// The inspector's one stylesheet, served at /inspector/assets/app.css: readable on a laptop and
// a phone (tables scroll sideways instead of squeezing), light and dark.
export const APP_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f5f5f4;color:#1c1917}
a{color:#1d4ed8}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#1c1917;color:#fafaf9}
header.top a{color:#fafaf9;text-decoration:none;font-weight:600}
header.top form{margin:0}
header.top .who{margin-left:auto;font-size:.9rem;opacity:.85}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.45rem;line-height:1.3;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
section>h2:first-child{margin-top:0}
section,.card{background:#fff;border-radius:10px;padding:1rem;margin:0 0 1rem;border:1px solid #e7e5e4}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{color:#57534e}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.scroll{overflow-x:auto;position:relative}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e7e5e4;vertical-align:top}
th{color:#57534e;font-weight:600;white-space:nowrap}
td.mono{min-width:9rem}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fafaf9;border:1px solid #e7e5e4;border-radius:6px;padding:.75rem;margin:0}
.badge{display:inline-block;padding:0 .45rem;border-radius:999px;font-size:.85rem;font-weight:600;background:#e7e5e4;color:#1c1917;white-space:nowrap}
.ok{background:#dcfce7;color:#14532d}.warn{background:#fef3c7;color:#78350f}.bad{background:#fee2e2;color:#7f1d1d}.info{background:#dbeafe;color:#1e3a8a}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}
label{display:flex;flex-direction:column;gap:.2rem;font-size:.9rem;color:#44403c}
input,select,button{font:inherit;padding:.45rem .6rem;border-radius:6px;border:1px solid #a8a29e;background:#fff;color:inherit;min-height:2.5rem}
input[type=search],input[type=password],input[name=reason]{min-width:min(22rem,100%)}
button{background:#1d4ed8;border-color:#1d4ed8;color:#fff;font-weight:600;cursor:pointer}
button.danger{background:#b91c1c;border-color:#b91c1c}
button.quiet{background:transparent;border-color:#a8a29e;color:inherit}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.notice{padding:.6rem .9rem;border-radius:8px;margin:0 0 1rem}
.muted{color:#57534e}
.narrow{max-width:32rem;margin:1rem auto}
.sr-only{position:absolute;top:0;left:0;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
iframe.preview{width:100%;height:32rem;border:1px solid #e7e5e4;border-radius:6px;background:#fff}
ol.timeline{list-style:none;margin:0;padding:0}
ol.timeline li{padding:.5rem 0 .5rem 1rem;border-left:3px solid #d6d3d1;margin-left:.3rem}
ol.timeline li.current{border-left-color:#1d4ed8}
figure.chart-box{margin:0 0 1rem;overflow-x:auto}
svg.chart{display:block;width:100%;min-width:34rem;max-width:48rem;height:auto;margin:.5rem 0}
svg.chart text{fill:#1c1917}
svg.chart text.axis,svg.chart text.muted,svg.chart text.no-data{fill:#57534e}
svg.chart text.no-data{font-style:italic}
svg.chart text.warning{fill:#92400e;font-weight:600}
svg.chart text.significant{font-weight:700}
details summary{cursor:pointer;color:#1d4ed8}
.big-number{font-size:1.15rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
@media (max-width:40rem){main{padding:.6rem}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack tr{display:block;padding:.5rem 0;border-bottom:1px solid #d6d3d1}
table.stack td{display:grid;grid-template-columns:7.5rem 1fr;gap:.5rem;border:0;padding:.15rem 0;min-width:0}
table.stack td::before{content:attr(data-label);color:#57534e;font:600 .9rem system-ui,sans-serif}
table.stack td>*{justify-self:start}
section,.card{padding:.75rem}h1{font-size:1.2rem}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.4rem}}
@media (prefers-color-scheme:dark){
body{background:#1c1917;color:#f5f5f4}section,.card{background:#292524;border-color:#44403c}
th,td{border-color:#44403c}th,dl.facts dt,.muted,label{color:#d6d3d1}a{color:#93c5fd}
pre{background:#1c1917;border-color:#44403c}input,select{background:#1c1917;border-color:#78716c}
svg.chart text{fill:#f5f5f4}svg.chart text.axis,svg.chart text.muted,svg.chart text.no-data{fill:#d6d3d1}svg.chart text.warning{fill:#fcd34d}
svg.chart line.grid{stroke:#44403c}svg.chart line.zero,svg.chart line.control-rate{stroke:#d6d3d1}svg.chart .whisker{stroke:#f5f5f4}details summary{color:#93c5fd}
.badge{background:#44403c;color:#f5f5f4}.ok{background:#14532d;color:#dcfce7}.warn{background:#78350f;color:#fef3c7}.bad{background:#7f1d1d;color:#fee2e2}.info{background:#1e3a8a;color:#dbeafe}
}
`;
